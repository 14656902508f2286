#!/usr/bin/env python3
"""Fails when a file under src/ includes a header of a layer it does not link.

The layers and what each links are declared once, in CMakeLists.txt (tandem_layer calls);
CMake writes them to BUILD/layers.txt, one line per layer: "dir: layers it links".
A file in src/DIR may include headers of DIR and of every layer DIR links, directly or
through another layer; src/cli (the executable) may include any layer.

usage: check_layers.py BUILD/layers.txt SRC_DIR
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*(?:include|define\s+HWY_TARGET_INCLUDE)\s+"([a-z_]+)/[^"]+"', re.M)


def read_graph(path):
    graph = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if ":" in line:
            name, below = line.split(":", 1)
            graph[name.strip()] = below.split()
    return graph


def reachable(graph, layer):
    seen, todo = set(), [layer]
    while todo:
        for below in graph.get(todo.pop(), []):
            if below not in seen:
                seen.add(below)
                todo.append(below)
    return seen


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    graph = read_graph(sys.argv[1])
    src = pathlib.Path(sys.argv[2])
    problems, checked = [], 0
    for folder in sorted(p for p in src.iterdir() if p.is_dir()):
        layer = folder.name
        if layer == "cli":
            continue
        if layer not in graph:
            problems.append(f"src/{layer}/ is not declared as a layer in CMakeLists.txt")
            continue
        allowed = reachable(graph, layer) | {layer}
        for f in sorted(folder.rglob("*")):
            if f.suffix not in (".h", ".cc"):
                continue
            checked += 1
            text = f.read_text(encoding="utf-8", errors="replace")
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                if target in graph and target not in allowed:
                    line = text.count("\n", 0, m.start()) + 1
                    problems.append(f"{f}:{line}: layer '{layer}' includes '{m.group(1)}/', "
                                    f"which it does not link (it links: "
                                    f"{' '.join(sorted(allowed - {layer})) or 'nothing'})")
    for p in problems:
        print(p)
    print(f"checked {checked} files in {len(graph)} layers: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
