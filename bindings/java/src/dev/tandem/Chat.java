package dev.tandem;

/** A conversation on the edge model alone (one thread at a time). */
public final class Chat implements AutoCloseable {
  private final Model model;  // outlives the chat
  private long handle;
  private String lastReply = "";

  Chat(Model model, float temperature, int maxTokens, String system) {
    this.model = model;
    handle = Native.chatNew(model.handle(), temperature, maxTokens, 0xFFFFFFFFL, Native.utf8(system));
    if (handle == 0) throw new TandemException(TandemException.INVALID_ARGUMENT, Native.str(Native.lastError()));
  }

  /** Appends the message and returns the reply (also streamed to listener, which may be null). */
  public String send(String role, String content, TokenListener listener) {
    if (handle == 0) throw new IllegalStateException("chat closed");
    Sink sink = new Sink(listener);
    Native.check(Native.chatSend(handle, Native.utf8(role), Native.utf8(content), sink));
    lastReply = sink.text();
    return lastReply;
  }

  public String send(String content) {
    return send("user", content, null);
  }

  /** Appends a message without a reply (earlier turns). */
  public void add(String role, String content) {
    Native.check(Native.chatAdd(handle, Native.utf8(role), Native.utf8(content)));
  }

  public String lastReply() {
    return lastReply;
  }

  @Override
  public void close() {
    if (handle != 0) {
      Native.chatFree(handle);
      handle = 0;
    }
  }
}
