package dev.tandem;

/** The hybrid client: each reply routed like the Dispatcher routes a request, cloud replies
 * masked out and unmasked back, the edge answering whenever the Commander cannot (no error
 * reaches the app). Build it with {@link Builder}; close it before its model. */
public final class Client implements AutoCloseable {
  private final Model model;
  private long handle;

  public static final class Builder {
    private final Model model;
    private String commanderUrl, apiKey, policyPath, intentModelPath;
    private boolean offline;
    private int connectTimeoutMs = 2000, stallTimeoutMs = 5000, probeIntervalMs = 2000;
    private float temperature = 0.8f;
    private int maxTokens = -1;

    public Builder(Model model) {
      this.model = model;
    }

    public Builder commander(String url) { commanderUrl = url; return this; }
    public Builder apiKey(String key) { apiKey = key; return this; }
    public Builder policy(String tomlPath) { policyPath = tomlPath; return this; }
    /** A path, or "none" for no intent rule; default: the installed intent model. */
    public Builder intentModel(String path) { intentModelPath = path; return this; }
    public Builder offline(boolean v) { offline = v; return this; }
    public Builder connectTimeoutMs(int ms) { connectTimeoutMs = ms; return this; }
    public Builder stallTimeoutMs(int ms) { stallTimeoutMs = ms; return this; }
    public Builder probeIntervalMs(int ms) { probeIntervalMs = ms; return this; }
    public Builder temperature(float t) { temperature = t; return this; }
    public Builder maxTokens(int n) { maxTokens = n; return this; }

    public Client build() {
      return new Client(this);
    }
  }

  private Client(Builder b) {
    model = b.model;
    handle = Native.clientNew(model.handle(), Native.utf8(b.commanderUrl), Native.utf8(b.apiKey),
        Native.utf8(b.policyPath), Native.utf8(b.intentModelPath), b.offline, b.connectTimeoutMs,
        b.stallTimeoutMs, b.probeIntervalMs, b.temperature, b.maxTokens);
    if (handle == 0) throw new TandemException(TandemException.INVALID_ARGUMENT, Native.str(Native.lastError()));
  }

  private long handle() {
    if (handle == 0) throw new IllegalStateException("client closed");
    return handle;
  }

  /** Sends a user message; the reply is streamed to listener (may be null) and returned. */
  public String send(String content, TokenListener listener) {
    Sink sink = new Sink(listener);
    Native.check(Native.clientSend(handle(), Native.utf8("user"), Native.utf8(content), sink));
    return sink.text();
  }

  public Route lastRoute() {
    int[] kind = new int[2];
    double[] ppl = new double[1];
    byte[] explain = Native.clientLastRoute(handle(), kind, ppl);
    if (explain == null) throw new TandemException(TandemException.INTERNAL, Native.str(Native.lastError()));
    return new Route(kind, ppl[0], Native.str(explain));
  }

  /** The decision for one more user message, without answering it. */
  public Route route(String prompt) {
    int[] kind = new int[2];
    double[] ppl = new double[1];
    byte[] explain = Native.route(handle(), Native.utf8(prompt), kind, ppl);
    if (explain == null) throw new TandemException(TandemException.INTERNAL, Native.str(Native.lastError()));
    return new Route(kind, ppl[0], Native.str(explain));
  }

  /** The offline flag: while set, no Commander calls (e.g. the app saw no network). */
  public void setOffline(boolean offline) {
    Native.check(Native.clientSetOffline(handle(), offline));
  }

  /** The memory-guard hook: call from onTrimMemory(level). At TRIM_MEMORY_COMPLETE (80) and
   * above, replies go to the Commander when they may and the edge lowers its KV budget; a level
   * below TRIM_MEMORY_MODERATE (60) lifts the offload. */
  public void onTrimMemory(int level) {
    Native.check(Native.clientTrimMemory(handle(), level));
  }

  public void reset() {
    Native.check(Native.clientReset(handle()));
  }

  @Override
  public void close() {
    if (handle != 0) {
      Native.clientFree(handle);
      handle = 0;
    }
  }
}
