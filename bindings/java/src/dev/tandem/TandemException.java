package dev.tandem;

/** An error of the library: its status code (tandem.h's TANDEM_ERR_*) and message. */
public class TandemException extends RuntimeException {
  public static final int INVALID_ARGUMENT = -1, IO = -2, MODEL = -3, CONTEXT_EXCEEDED = -4,
      GENERATION = -5, INTERNAL = -6;
  private static final long serialVersionUID = 1L;
  private final int code;

  public TandemException(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
