"""Time each stage on pathological sizes: a 20 MB one-paragraph file, a 10,000-character sentence.

Usage: python bench/large_inputs.py [--megabytes 20] [--translate]
Prints seconds per stage so a quadratic step shows up as a number, not a hang.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.engines import create_engine
from pipeline.glossary.load import load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.model import Document
from pipeline.readers.files import read_document
from pipeline.stages.check import CheckStage
from pipeline.stages.enforce import EnforceStage
from pipeline.stages.language import LanguageStage
from pipeline.stages.match import MatchStage
from pipeline.stages.segment import segment
from pipeline.stages.translate import TranslateStage

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    print(f"{label:<28} {time.perf_counter() - start:8.2f} s")
    return result


def one_paragraph(megabytes: float) -> str:
    """The seed's paragraphs joined into one, repeated up to the size asked."""
    seed = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    body = " ".join(p.strip() for p in re.split(r"\n\s*\n", seed.split(" ", 3)[-1]) if p.strip())
    return (body + " ") * max(1, int(megabytes * 1_000_000 / len(body.encode())))


def no_punctuation(chars: int) -> str:
    """One sentence of ``chars`` characters with glossary terms and no punctuation at all."""
    words = "les terroristes de Daech et du Front Al-Nosra ont attaqué les positions de l armée syrienne".split()
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < chars:
        out.extend(words)
    return " ".join(out)[:chars].rsplit(" ", 1)[0]


def run(text: str, label: str, translate: bool) -> None:
    print(f"== {label}: {len(text):,} characters")
    glossary = load_glossary_file(ROOT / "glossaries" / "fr-en.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(text, encoding="utf-8")
        doc: Document = timed("read", lambda: read_document(path, language="fr"))
    timed("language", lambda: LanguageStage("fr")(doc))
    timed("segment", lambda: segment(doc))
    print(f"{'segments':<28} {len(doc.segments):8d}")
    timed("match", lambda: MatchStage(Matcher(glossary))(doc))
    print(f"{'hits':<28} {sum(len(s.hits) for s in doc.segments):8d}")
    if not translate:
        return
    engine = create_engine("apertium", "fr", "en")
    stage = TranslateStage(engine)
    timed("translate (apertium)", lambda: stage([doc]))
    timed("enforce", lambda: EnforceStage(glossary.target)(doc))
    timed("check", lambda: CheckStage(glossary)(doc))
    print(f"{'changes':<28} {sum(len(s.changes) for s in doc.segments):8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--translate", action="store_true", help="also run Apertium, enforce and check")
    args = parser.parse_args()
    run(no_punctuation(10_000), "10,000-character sentence", translate=True)
    run(one_paragraph(args.megabytes), f"{args.megabytes:g} MB one paragraph", translate=args.translate)


if __name__ == "__main__":
    main()
