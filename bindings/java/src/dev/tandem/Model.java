package dev.tandem;

/** A GGUF model on the device (thread-safe: several chats may generate at once). Close it
 * (try-with-resources) after the chats and clients made on it. */
public final class Model implements AutoCloseable {
  long handle;

  private Model(long handle) {
    this.handle = handle;
  }

  /** Loads a model. chatTemplate: null for the GGUF's, a built-in name, or a Jinja file. */
  public static Model load(String path, int nCtx, int nThreads, String chatTemplate) {
    long h = Native.modelLoad(Native.utf8(path), nCtx, nThreads, 1, Native.utf8(chatTemplate));
    if (h == 0) throw new TandemException(TandemException.IO, Native.str(Native.lastError()));
    return new Model(h);
  }

  public static Model load(String path) {
    return load(path, 0, 0, null);
  }

  long handle() {
    if (handle == 0) throw new IllegalStateException("model closed");
    return handle;
  }

  public int contextSize() {
    return Native.modelNCtx(handle());
  }

  /** Raw completion (BOS + prompt); temperature 0 = greedy. listener may be null. */
  public String complete(String prompt, int maxTokens, float temperature, TokenListener listener) {
    Sink sink = new Sink(listener);
    Native.check(Native.complete(handle(), Native.utf8(prompt), maxTokens, temperature, sink));
    return sink.text();
  }

  public Chat newChat(float temperature, int maxTokens, String system) {
    return new Chat(this, temperature, maxTokens, system);
  }

  /** Call from Activity/Application.onTrimMemory(level). */
  public void onTrimMemory(int level) {
    Native.check(Native.modelTrimMemory(handle(), level));
  }

  @Override
  public void close() {
    if (handle != 0) {
      Native.modelFree(handle);
      handle = 0;
    }
  }
}
