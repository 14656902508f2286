#!/usr/bin/env python3
"""Summarise numeric columns of CSV files: count, mean, standard deviation, quantiles."""

import argparse
import csv
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional


@dataclass
class ColumnStats:
    name: str
    values: List[float] = field(default_factory=list)
    missing: int = 0

    def add(self, raw: str) -> None:
        raw = raw.strip()
        if not raw or raw.lower() in {"na", "nan", "null"}:
            self.missing += 1
            return
        try:
            self.values.append(float(raw))
        except ValueError:
            self.missing += 1

    @property
    def count(self) -> int:
        return len(self.values)

    def mean(self) -> Optional[float]:
        return sum(self.values) / self.count if self.count else None

    def stddev(self) -> Optional[float]:
        if self.count < 2:
            return None
        mu = self.mean()
        var = sum((x - mu) ** 2 for x in self.values) / (self.count - 1)
        return math.sqrt(var)

    def quantile(self, q: float) -> Optional[float]:
        if not self.values:
            return None
        xs = sorted(self.values)
        pos = (len(xs) - 1) * q
        lo, hi = math.floor(pos), math.ceil(pos)
        if lo == hi:
            return xs[int(pos)]
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def read_columns(rows: Iterable[Dict[str, str]]) -> Dict[str, ColumnStats]:
    columns: Dict[str, ColumnStats] = {}
    for row in rows:
        for key, value in row.items():
            if key is None:
                continue
            stats = columns.setdefault(key, ColumnStats(key))
            stats.add(value or "")
    return columns


def format_number(x: Optional[float], digits: int = 4) -> str:
    if x is None:
        return "-"
    if abs(x) >= 1e6 or (abs(x) < 1e-3 and x != 0):
        return f"{x:.{digits}e}"
    return f"{x:.{digits}f}"


def render_table(columns: Dict[str, ColumnStats], digits: int) -> str:
    header = ["column", "count", "missing", "mean", "std", "p25", "p50", "p75"]
    lines = [header]
    for name, st in sorted(columns.items()):
        if st.count == 0:
            continue
        lines.append([
            name,
            str(st.count),
            str(st.missing),
            format_number(st.mean(), digits),
            format_number(st.stddev(), digits),
            format_number(st.quantile(0.25), digits),
            format_number(st.quantile(0.50), digits),
            format_number(st.quantile(0.75), digits),
        ])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = []
    for row in lines:
        out.append("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
    return "\n".join(out)


def group_by(rows: List[Dict[str, str]], key: str) -> Dict[str, List[Dict[str, str]]]:
    groups: Dict[str, List[Dict[str, str]]] = defaultdict(list)
    for row in rows:
        groups[row.get(key, "")].append(row)
    return dict(groups)


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", help="CSV files to summarise")
    parser.add_argument("--delimiter", default=",", help="field separator")
    parser.add_argument("--group-by", dest="group_by", help="summarise per value of this column")
    parser.add_argument("--digits", type=int, default=4, help="decimal digits in the output")
    return parser.parse_args(argv)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    exit_code = 0
    for path in args.files:
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle, delimiter=args.delimiter))
        except OSError as err:
            print(f"{path}: {err.strerror}", file=sys.stderr)
            exit_code = 1
            continue
        print(f"== {path} ({len(rows)} rows)")
        if args.group_by:
            for value, members in sorted(group_by(rows, args.group_by).items()):
                print(f"-- {args.group_by} = {value!r}")
                print(render_table(read_columns(members), args.digits))
        else:
            print(render_table(read_columns(rows), args.digits))
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
