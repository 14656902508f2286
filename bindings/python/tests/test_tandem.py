"""The Python binding against an installed libtandem (tests/sdk/installed_sdk.sh python).

(In tests/, so that `import tandem` finds the installed package, not the source one.)
usage: test_tandem.py MODEL.gguf PASSTHROUGH_TEMPLATE.jinja
"""
import itertools
import sys
import unittest

import tandem

MODEL, TEMPLATE = sys.argv[1], sys.argv[2]
# ../shared/models/stories260K/README.md: greedy decoding after BOS alone.
KNOWN_GOOD = ("Once upon a time, there was a little girl named Lily. She loved to play outside "
              "in the park. One day, she saw a big, red ball. She wanted to play with it, but it "
              "was too high.\n")
PROMPT, CONTINUATION = "Once upon a time", ", there was a little girl named Lily."


class TandemTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.llm = tandem.Model(MODEL, n_ctx=512, n_threads=1, chat_template=TEMPLATE)

    def test_version(self):
        self.assertEqual(tandem.version(), "0.1.0")

    def test_bad_path_raises_with_the_library_message(self):
        with self.assertRaises(tandem.TandemError) as e:
            tandem.Model("/nonexistent/model.gguf")
        self.assertIn("/nonexistent/model.gguf", str(e.exception))
        self.assertEqual(e.exception.code, -2)  # TANDEM_ERR_IO

    def test_known_good_continuation(self):
        story = self.llm.complete("", max_tokens=80, temperature=0)
        self.assertTrue(story.startswith(" " + KNOWN_GOOD), story)  # SentencePiece's space
        out = self.llm(PROMPT, max_tokens=24, temperature=0)
        self.assertEqual(out["object"], "text_completion")
        self.assertTrue(out["choices"][0]["text"].startswith(CONTINUATION), out)

    def test_streaming_iterator_gives_the_same_text(self):
        whole = self.llm.complete(PROMPT, max_tokens=24, temperature=0)
        pieces = list(self.llm.complete(PROMPT, max_tokens=24, temperature=0, stream=True))
        self.assertGreater(len(pieces), 1)
        self.assertEqual("".join(pieces), whole)
        chunks = list(self.llm(PROMPT, max_tokens=24, temperature=0, stream=True))
        self.assertEqual("".join(c["choices"][0]["text"] for c in chunks), whole)

    def test_leaving_a_stream_early_stops_generation(self):
        it = iter(self.llm.complete(PROMPT, max_tokens=400, temperature=0, stream=True))
        first = list(itertools.islice(it, 3))
        it.close()  # the callback returns non-zero; the generating thread ends
        self.assertEqual(len(first), 3)
        self.assertTrue(self.llm.complete(PROMPT, max_tokens=4, temperature=0))  # still usable

    def test_chat_gives_the_continuation(self):
        whole = self.llm.complete(PROMPT, max_tokens=24, temperature=0)
        with self.llm.chat(temperature=0, max_tokens=24) as chat:
            self.assertEqual(chat.send(PROMPT), whole)
            self.assertEqual(chat.last_reply, whole)
        got = self.llm.create_chat_completion([{"role": "user", "content": PROMPT}],
                                              max_tokens=24, temperature=0)
        self.assertEqual(got["choices"][0]["message"]["content"], whole)
        streamed = self.llm.create_chat_completion([{"role": "user", "content": PROMPT}],
                                                   max_tokens=24, temperature=0, stream=True)
        self.assertEqual("".join(c["choices"][0]["delta"]["content"] for c in streamed), whole)

    def test_bad_role(self):
        with self.llm.chat(temperature=0) as chat, self.assertRaises(tandem.TandemError) as e:
            chat.send("hi", role="wizard")
        self.assertIn("wizard", str(e.exception))

    def test_privacy(self):
        text = "Call Lily at 13812345678 tomorrow"
        self.assertIn("phone", [t for t, _, _ in tandem.scan(text)])
        m = tandem.Masker()
        masked = m.mask(text)
        self.assertIn("<PHONE_1>", masked)
        self.assertNotIn("13812345678", masked)
        self.assertEqual(m.unmask(masked), text)

    def test_offline_client_answers_on_the_edge(self):
        with tandem.Client(self.llm, temperature=0, max_tokens=24) as c:
            r = c.route("Write a Python function that reverses a linked list")
            self.assertEqual((r.route, r.reason), ("edge", "offline"))
            self.assertIn("coding", r.explain)
            self.assertEqual(c.send(PROMPT), self.llm.complete(PROMPT, 24, 0))
            self.assertEqual(c.last_route.route, "edge")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
