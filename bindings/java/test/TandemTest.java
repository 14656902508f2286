import dev.tandem.Chat;
import dev.tandem.Client;
import dev.tandem.Model;
import dev.tandem.Privacy;
import dev.tandem.Route;
import dev.tandem.Tandem;
import dev.tandem.TandemException;
import java.util.ArrayList;
import java.util.List;

/** The Java binding against an installed libtandem (tests/sdk/installed_sdk.sh java).
 * usage: java TandemTest MODEL.gguf PASSTHROUGH_TEMPLATE.jinja */
public final class TandemTest {
  // ../shared/models/stories260K/README.md: greedy decoding after BOS alone.
  static final String KNOWN_GOOD = "Once upon a time, there was a little girl named Lily. She loved"
      + " to play outside in the park. One day, she saw a big, red ball. She wanted to play with"
      + " it, but it was too high.\n";
  static final String PROMPT = "Once upon a time";
  static final String CONTINUATION = ", there was a little girl named Lily.";
  static int failures = 0;

  static void check(boolean ok, String what) {
    System.out.println((ok ? "ok   " : "FAIL ") + what);
    if (!ok) failures++;
  }

  public static void main(String[] args) {
    String modelPath = args[0], template = args[1];
    check(Tandem.version().equals("0.1.0"), "version " + Tandem.version());

    try (Model bad = Model.load("/nonexistent/model.gguf")) {
      check(false, "a missing model loaded");
    } catch (TandemException e) {
      check(e.getMessage().contains("/nonexistent/model.gguf"), "bad path: " + e.getMessage());
    }

    try (Model model = Model.load(modelPath, 512, 1, template)) {
      String story = model.complete("", 80, 0f, null);
      check(story.startsWith(" " + KNOWN_GOOD), "known-good continuation: " + story.substring(0, 60));

      List<String> pieces = new ArrayList<>();
      String done = model.complete(PROMPT, 24, 0f, piece -> pieces.add(piece));
      check(done.startsWith(CONTINUATION), "complete: " + done);
      check(pieces.size() > 1 && String.join("", pieces).equals(done), "streamed pieces");

      List<String> three = new ArrayList<>();
      String cut = model.complete(PROMPT, 50, 0f, piece -> three.add(piece) && three.size() < 3);
      check(three.size() == 3 && cut.equals(String.join("", three)), "listener stops the reply");

      try (Chat chat = model.newChat(0f, 24, null)) {
        String reply = chat.send("user", PROMPT, null);
        check(reply.equals(done), "chat: " + reply);
        try {
          chat.send("wizard", "hi", null);
          check(false, "a bad role was accepted");
        } catch (TandemException e) {
          check(e.code() == TandemException.INVALID_ARGUMENT && e.getMessage().contains("wizard"),
              "bad role: " + e.getMessage());
        }
      }

      String text = "Call Lily at 13812345678 tomorrow";
      boolean phone = false;
      for (Privacy.Match m : Privacy.scan(text)) phone |= m.type.equals("phone");
      check(phone, "scan finds the phone");
      try (Privacy.Masker masker = new Privacy.Masker()) {
        String masked = masker.mask(text);
        check(masked.contains("<PHONE_1>") && !masked.contains("13812345678"), "mask: " + masked);
        check(masker.unmask(masked).equals(text), "unmask");
      }

      try (Client client = new Client.Builder(model).temperature(0f).maxTokens(24).offline(true).build()) {
        Route r = client.route("Write a Python function that reverses a linked list");
        check(!r.cloud && r.reason.equals("offline") && r.explain.contains("coding"), "route: " + r);
        String reply = client.send(PROMPT, null);
        check(reply.equals(done) && !client.lastRoute().cloud, "offline client: " + reply);
        client.onTrimMemory(Tandem.TRIM_MEMORY_COMPLETE);
        client.setOffline(false);
        check(client.route(PROMPT).reason.equals("offline"), "no Commander configured: offline");
        client.onTrimMemory(0);
      }
      model.onTrimMemory(Tandem.TRIM_MEMORY_COMPLETE);
    }
    System.out.println(failures == 0 ? "all passed" : failures + " failure(s)");
    System.exit(failures == 0 ? 0 : 1);
  }
}
