package dev.tandem;

/** Receives a reply as it is generated, one piece of text at a time, on the thread that called
 * send/complete (on Android: not the UI thread; post to it). Return false to stop the reply. */
@FunctionalInterface
public interface TokenListener {
  boolean onToken(String piece);
}
