package dev.tandem;

/** Collects a reply's pieces and hands each to the app's listener (called from native code
 * on the thread that called send/complete). */
final class Sink {
  private final TokenListener listener;
  private final StringBuilder text = new StringBuilder();

  Sink(TokenListener listener) {
    this.listener = listener;
  }

  /** Returns false to stop generating. */
  boolean piece(byte[] utf8) {
    String s = Native.str(utf8);
    text.append(s);
    return listener == null || listener.onToken(s);
  }

  String text() {
    return text.toString();
  }
}
