package dev.tandem;

import java.util.ArrayList;
import java.util.List;

/** The privacy pieces: what personal data a text holds, and a conversation's masker. */
public final class Privacy {
  private Privacy() {}

  /** One piece of personal data: type ("phone", "email", "name", ...) and UTF-8 byte offsets. */
  public static final class Match {
    public final String type;
    public final long begin, end;

    Match(String type, long begin, long end) {
      this.type = type;
      this.begin = begin;
      this.end = end;
    }
  }

  static final class MatchSink {
    final List<Match> found = new ArrayList<>();

    void match(byte[] type, long begin, long end) {
      found.add(new Match(Native.str(type), begin, end));
    }
  }

  public static List<Match> scan(String text) {
    MatchSink sink = new MatchSink();
    Native.check(Native.privacyScan(Native.utf8(text), sink));
    return sink.found;
  }

  /** Numbered placeholders (<PHONE_1>) for a conversation's values, and back. */
  public static final class Masker implements AutoCloseable {
    private long handle = Native.maskerNew();

    public String mask(String text) {
      byte[] out = Native.maskerMask(handle, Native.utf8(text));
      if (out == null) throw new TandemException(TandemException.INTERNAL, Native.str(Native.lastError()));
      return Native.str(out);
    }

    public String unmask(String text) {
      byte[] out = Native.maskerUnmask(handle, Native.utf8(text));
      if (out == null) throw new TandemException(TandemException.INTERNAL, Native.str(Native.lastError()));
      return Native.str(out);
    }

    @Override
    public void close() {
      if (handle != 0) {
        Native.maskerFree(handle);
        handle = 0;
      }
    }
  }
}
