package dev.tandem;

import java.nio.charset.StandardCharsets;

/** The JNI functions over libtandem's C ABI (bindings/java/jni/tandem_jni.cc). Strings cross
 * as NUL-terminated UTF-8 byte arrays (JNI's own "modified UTF-8" would mangle emoji). */
final class Native {
  static {
    System.loadLibrary("tandem_jni");
  }

  private Native() {}

  static byte[] utf8(String s) {
    if (s == null) return null;
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** Throws TandemException with the library's last error when rc < 0. */
  static int check(int rc) {
    if (rc < 0) throw new TandemException(rc, str(lastError()));
    return rc;
  }

  static native byte[] version();
  static native byte[] lastError();

  // Model: {nCtx, nThreads, nSeq}, chatTemplate may be null. 0 on error.
  static native long modelLoad(byte[] path, int nCtx, int nThreads, int nSeq, byte[] chatTemplate);
  static native void modelFree(long model);
  static native int modelNCtx(long model);
  static native int modelTrimMemory(long model, int level);
  static native int complete(long model, byte[] prompt, int maxTokens, float temperature, Sink sink);

  static native long chatNew(long model, float temperature, int maxTokens, long seed, byte[] system);
  static native void chatFree(long chat);
  static native int chatSend(long chat, byte[] role, byte[] content, Sink sink);
  static native int chatAdd(long chat, byte[] role, byte[] content);

  static native int privacyScan(byte[] text, Privacy.MatchSink sink);
  static native long maskerNew();
  static native void maskerFree(long masker);
  static native byte[] maskerMask(long masker, byte[] text);
  static native byte[] maskerUnmask(long masker, byte[] text);

  static native long clientNew(long model, byte[] commanderUrl, byte[] apiKey, byte[] policyPath,
      byte[] intentModelPath, boolean offline, int connectTimeoutMs, int stallTimeoutMs,
      int probeIntervalMs, float temperature, int maxTokens);
  static native void clientFree(long client);
  static native int clientSend(long client, byte[] role, byte[] content, Sink sink);
  static native int clientSetOffline(long client, boolean offline);
  static native int clientTrimMemory(long client, int level);
  static native int clientReset(long client);
  // Fills route[0..1] = {route, reason}, ppl[0]; returns the explanation (null on error).
  static native byte[] clientLastRoute(long client, int[] route, double[] ppl);
  static native byte[] route(long client, byte[] prompt, int[] route, double[] ppl);
}
