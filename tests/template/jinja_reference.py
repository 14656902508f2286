#!/usr/bin/env python3
"""Reference renderer for Tandem's Jinja tests: renders chat templates with python3-jinja2
configured exactly as Hugging Face transformers' apply_chat_template does, and writes or checks
the expected renderings committed under testdata/templates/expected/.

  jinja_reference.py render TEMPLATE.jinja CASE.json   # print one rendering
  jinja_reference.py write  TEMPLATES_DIR              # regenerate expected/
  jinja_reference.py check  TEMPLATES_DIR              # exit 1 if expected/ is stale

Expected files: expected/<template>.<case>.txt holds the exact output; where jinja2 raised,
expected/<template>.<case>.error holds "<ExceptionType>: <message>" instead.
"""
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

# 2024-09-26 12:00:00 UTC; the C++ tests pin strftime_now to the same instant.
PINNED_EPOCH = 1727352000


class AssistantTracker(jinja2.ext.Extension):
    """transformers' {% generation %} tag; it only marks tokens, so the body renders as is."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.fromtimestamp(PINNED_EPOCH, tz=timezone.utc).strftime(format)


def environment():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(template_path, case_path):
    """Returns (suffix, text): ("txt", output) or ("error", "Type: message")."""
    source = Path(template_path).read_text(encoding="utf-8")
    context = json.loads(Path(case_path).read_text(encoding="utf-8"))["context"]
    try:
        return "txt", environment().from_string(source).render(**context)
    except Exception as e:  # every template failure is an expected outcome to record
        return "error", f"{type(e).__name__}: {e}"


def expectations(root):
    root = Path(root)
    for template in sorted(root.glob("*.jinja")):
        for case in sorted((root / "cases").glob("*.json")):
            yield template, case, root / "expected" / f"{template.stem}.{case.stem}"


def main(argv):
    if len(argv) == 4 and argv[1] == "render":
        suffix, text = render(argv[2], argv[3])
        sys.stdout.write(text if suffix == "txt" else "EXCEPTION " + text)
        return 0 if suffix == "txt" else 3
    if len(argv) == 3 and argv[1] in ("write", "check"):
        stale = 0
        count = 0
        for template, case, stem in expectations(argv[2]):
            suffix, text = render(template, case)
            want = stem.with_name(stem.name + "." + suffix)
            other = stem.with_name(stem.name + "." + ("error" if suffix == "txt" else "txt"))
            count += 1
            if argv[1] == "write":
                want.parent.mkdir(parents=True, exist_ok=True)
                want.write_bytes(text.encode("utf-8"))
                other.unlink(missing_ok=True)
            elif not want.exists() or want.read_bytes() != text.encode("utf-8") or other.exists():
                stale += 1
                print(f"STALE: {want.name} differs from what jinja2 {jinja2.__version__} renders")
        print(f"{argv[1]}: {count} renderings, {stale} stale")
        return 1 if stale else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
