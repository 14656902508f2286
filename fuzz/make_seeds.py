#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/ (deterministic; rerun to refresh).

Small valid inputs of each format, so the fuzzer starts past the first checks."""
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent
REPO = ROOT.parent


def put(name, seed, data):
    d = ROOT / "corpus" / name
    d.mkdir(parents=True, exist_ok=True)
    (d / seed).write_bytes(data if isinstance(data, bytes) else data.encode())


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf():
    kv = [("general.architecture", 8, gguf_string("llama")),
          ("general.alignment", 4, struct.pack("<I", 32)),
          ("llama.context_length", 4, struct.pack("<I", 64)),
          ("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2) + gguf_string("a") + gguf_string("b")),
          ("x.f32", 6, struct.pack("<f", 1.5)),
          ("x.bool", 7, b"\x01")]
    tensors = [("w", [4, 2], 0, 0), ("q", [32], 8, 32)]  # F32 4x2 at 0; Q8_0 32 at 32
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kv))
    for k, t, v in kv:
        out += gguf_string(k) + struct.pack("<I", t) + v
    for name, dims, typ, off in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", typ, off)
    out += b"\0" * (-len(out) % 32)
    data = struct.pack("<8f", *range(8)) + b"\0" * 0
    data += b"\0" * (32 - len(data))
    data += struct.pack("<e", 0.5) + bytes(range(32))  # one Q8_0 block
    put("gguf", "small_v3.gguf", out + data)
    put("gguf", "header_only.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 0))


def llama2c():
    dim, hidden, layers, heads, kv_heads, vocab, seq = 8, 16, 1, 2, 2, 512, 16
    head = dim // heads
    n = (vocab * dim + layers * dim + layers * dim * dim * 2 + layers * dim * (kv_heads * head) * 2
         + layers * dim + layers * hidden * dim * 3 + dim + seq * head // 2 * 2)
    body = struct.pack(f"<{n}f", *[((i * 37) % 101) / 101.0 - 0.5 for i in range(n)])
    put("llama2c", "tiny_shared.bin", struct.pack("<7i", dim, hidden, layers, heads, kv_heads,
                                                  vocab, seq) + body)
    put("llama2c", "header_only.bin", struct.pack("<7i", dim, hidden, layers, heads, kv_heads,
                                                  -vocab, seq))


def safetensors():
    header = {"t": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
              "h": {"dtype": "F16", "shape": [2], "data_offsets": [16, 20]},
              "__metadata__": {"format": "pt"}}
    h = json.dumps(header).encode()
    put("safetensors", "small.safetensors",
        struct.pack("<Q", len(h)) + h + struct.pack("<4f", 1, 2, 3, 4) + struct.pack("<2e", 1, -2))


def openai_request():
    bodies = {
        "chat": {"model": "m", "messages": [{"role": "system", "content": "Be brief."},
                                             {"role": "user", "content": "Hi"}],
                 "temperature": 0.7, "top_p": 0.9, "max_tokens": 16, "stop": ["\n", "END"],
                 "stream": True, "stream_options": {"include_usage": True}, "seed": 1,
                 "logprobs": True, "top_logprobs": 2, "enable_thinking": False},
        "parts": {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"},
                                                            {"type": "text", "text": "b"}]}]},
        "completion": {"prompt": "Once upon a time", "max_tokens": 8, "echo": True,
                       "logprobs": 1, "min_p": 0.1, "repeat_penalty": 1.1},
        "tokens": {"prompt": [1, 2, 3], "n": 1, "ignore_eos": True},
    }
    for k, v in bodies.items():
        put("openai_request", k + ".json", json.dumps(v))


def texts():
    samples = {
        "english": "Once upon a time, there was a little girl named Lily.",
        "chinese": "我叫张三，电话 13800138000，身份证 11010519491231002X。",
        "special": "<s>hello</s><|endoftext|><|im_start|>user\nhi<|im_end|>",
        "emoji": "naïve café — 👩‍💻 ｆｕｌｌ ｗｉｄｔｈ \t\r\n  spaces",
        "bytes": "\x00\x01\xff\xfe invalid \xc3",
    }
    for k, v in samples.items():
        data = v.encode("utf-8", "surrogateescape") if k != "bytes" else bytes(
            [0, 1, 0xff, 0xfe]) + b" invalid \xc3"
        put("tokenizer", k + ".txt", data)
    put("privacy", "mask_and_answer.txt",
        b"\x80" + "我叫张三，电话 13800138000，邮箱 a.b@example.com。".encode()
        + "好的<PHONE_1>，<NAME_1> 你好，<EMAIL_1><PHO".encode())
    put("privacy", "card.txt", b"\x40" + "card 6222 0202 0000 0000 004 and <CARD_1>".encode())


def templates():
    for f in sorted((REPO / "testdata" / "templates").glob("*.jinja")):
        put("chat_template", f.name, f.read_bytes())
    put("chat_template", "small.jinja",
        "{% for m in messages %}{{ m.role | upper }}: {{ m.content | trim }}\n{% endfor %}"
        "{% if add_generation_prompt %}ASSISTANT:{% endif %}")


def grammars():
    for f in sorted((REPO / "testdata" / "grammar").glob("*.gbnf")):
        put("grammar", f.name, b"\x01" + f.read_bytes() + b"\0" + b'{"a": [1, 2]}')
    schema = {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 12},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3},
        "when": {"type": "string", "format": "date"}}, "required": ["name"]}
    put("grammar", "schema.json", b"\x00" + json.dumps(schema).encode())
    put("grammar", "schema_ref.json", b"\x00" + json.dumps(
        {"$defs": {"n": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/n"}]}},
         "$ref": "#/$defs/n"}).encode())


def images():
    import zlib
    put("image", "tiny_45x37.png", (REPO / "tests" / "vision" / "fixtures" / "tiny_45x37.png").read_bytes())

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    w, h = 3, 2
    raw = b"".join(b"\0" + b"".join(bytes((x * 80, row * 120, 200)) for x in range(w)) for row in range(h))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    put("image", "rgb_3x2.png", png)
    # 24-bit BMP, rows bottom-up, padded to 4 bytes.
    row = b"".join(bytes((200, x * 80, 10)) for x in range(w)) + b"\0" * ((4 - w * 3 % 4) % 4)
    pixels = row * h
    put("image", "rgb_3x2.bmp", b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
        + struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0) + pixels)
    # rgb_16x12.jpg (committed, not written here: Python's standard library has no JPEG
    # encoder) is a 16x12 crop of the fixture, written by stb_image_write at quality 75.
    # The smallest GIF: 1x1, a two-colour table, one LZW-coded pixel.
    put("image", "one_pixel.gif", bytes.fromhex(
        "474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b"))


if __name__ == "__main__":
    images()
    gguf()
    llama2c()
    safetensors()
    openai_request()
    texts()
    templates()
    grammars()
