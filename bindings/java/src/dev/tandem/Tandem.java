package dev.tandem;

/** The library: its version, and the memory levels of Android's ComponentCallbacks2 that
 * onTrimMemory passes (the SDK takes the same numbers, without depending on Android). */
public final class Tandem {
  public static final int TRIM_MEMORY_MODERATE = 60, TRIM_MEMORY_COMPLETE = 80;

  private Tandem() {}

  public static String version() {
    return Native.str(Native.version());
  }
}
