package dev.tandem;

/** Where a reply is (or was) answered and why (tandem_route_info). */
public final class Route {
  public static final String[] REASONS = {"privacy_local", "intent", "offload:context",
      "offload:modality", "offload:max_tokens", "offload:memory", "ppl", "default", "offline"};
  public final boolean cloud;
  public final String reason;
  public final String explain;
  /** The prompt's perplexity under the edge model; NaN when not computed. */
  public final double ppl;

  Route(int[] kind, double ppl, String explain) {
    this.cloud = kind[0] == 1;
    this.reason = kind[1] >= 0 && kind[1] < REASONS.length ? REASONS[kind[1]] : String.valueOf(kind[1]);
    this.ppl = ppl < 0 ? Double.NaN : ppl;
    this.explain = explain;
  }

  @Override
  public String toString() {
    return (cloud ? "cloud" : "edge") + " (" + explain + ")";
  }
}
