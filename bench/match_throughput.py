"""Glossary matching speed: 5,000 entries over up to 10 MB of French text.

Target (glossary issue): 10 MB in <= 2 s, growing linearly with the text.
Prints seconds and MB/s per size, then the linearity ratio on the last line.

    python bench/match_throughput.py [--entries 5000] [--megabytes 10]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.glossary.load import Entry, Glossary, load_glossary_file  # noqa: E402
from pipeline.glossary.matcher import Matcher  # noqa: E402

SEED = ROOT / "seeds" / "000_f8df967454c24556.txt"


def synthetic_glossary(n: int) -> Glossary:
    """The real fr-en entries plus n made-up ones (two-word names, optional plurals)."""
    base = load_glossary_file(ROOT / "glossaries" / "fr-en.yaml")
    rng = random.Random(1)
    syllables = ["ka", "lo", "mi", "ra", "ste", "vo", "dju", "ne", "ba", "ri", "tan", "sul"]
    extra = []
    for i in range(n - len(base.entries)):
        word = "".join(rng.choice(syllables) for _ in range(3)) + str(i)
        extra.append(Entry(id=f"synthetic-{i}", standard=f"Group {i}", variants=(f"brigade {word}", f"{word}iste(s)")))
    return Glossary(source="fr", target="en", entries=base.entries + extra)


def corpus(megabytes: float) -> str:
    seed = SEED.read_text(encoding="utf-8")
    copies = int(megabytes * 1_000_000 / len(seed.encode("utf-8"))) + 1
    return "\n\n".join([seed] * copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--megabytes", type=float, default=10.0)
    args = parser.parse_args()

    started = time.perf_counter()
    matcher = Matcher(synthetic_glossary(args.entries))
    print(f"compiled {len(matcher.entries)} entries in {time.perf_counter() - started:.2f} s")

    rates = []
    for fraction in (0.1, 0.5, 1.0):
        size = args.megabytes * fraction
        text = corpus(size)
        started = time.perf_counter()
        hits = matcher.find(text)
        seconds = time.perf_counter() - started
        mb = len(text.encode("utf-8")) / 1e6
        rates.append(mb / seconds)
        print(f"{mb:6.1f} MB  {seconds:6.2f} s  {mb / seconds:6.1f} MB/s  {len(hits)} matches")
    print(f"linearity (MB/s at largest / at smallest): {rates[-1] / rates[0]:.2f}  (1.0 = linear)")


if __name__ == "__main__":
    main()
