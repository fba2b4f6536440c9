"""Translation throughput: raw CTranslate2, ArgosEngine, argostranslate, and a warm cache.

    python bench/translate_throughput.py [--model PATH.argosmodel] [--corpus DIR] [--sentences 2000]

Without ``--model`` a synthetic Argos package (random weights, see
tests/argos_fixture.py) is built: its output is gibberish, but the work per
token is that of a real small Transformer, which is what is measured here.
Every path translates the same sentences with the same decoding settings
(beam, length penalty); each sentence carries a document number, so no path
gains from repeated sentences. Peak RSS is measured in fresh subprocesses.
The last line prints the ratios the engine is expected to meet.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

SEED = REPO / "seeds" / "000_f8df967454c24556.txt"
METADATA = re.compile(r"^\s*date \S+\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
Document = list[list[str]]  # paragraphs of sentences


def split_sentences(paragraph: str) -> list[str]:
    """The benchmark's sentence splitter, also given to argostranslate so both see the same sentences."""
    return [s for s in SENTENCE_END.split(paragraph.strip()) if s]


def read_documents(folder: Path | None) -> list[Document]:
    """Each ``*.txt`` in ``folder`` (default: the seed) as paragraphs (blank-line separated) of sentences."""
    files = sorted(folder.glob("*.txt")) if folder else [SEED]
    documents = []
    for file in files:
        text = METADATA.sub("", file.read_text(encoding="utf-8"))
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        documents.append([split_sentences(p.replace("\n", " ")) for p in paragraphs])
    return documents


def replicate(templates: list[Document], *, documents: int = 0, sentences: int = 0) -> list[Document]:
    """Copies of the templates, each sentence tagged ``[n]`` so that every sentence is unique."""
    out: list[Document] = []
    while len(out) < documents or sum(len(s) for d in out for s in d) < sentences:
        n = len(out)
        out.append([[f"[{n}] {s}" for s in p] for p in templates[n % len(templates)]])
    return out


def timed(label: str, count: int, action: Callable[[], object], repeat: int = 1) -> float:
    """Sentences per second of the fastest of ``repeat`` runs (the machine may be shared and noisy)."""
    elapsed = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        elapsed = min(elapsed, time.perf_counter() - start)
    rate = count / elapsed
    print(f"{label:<44} {elapsed:8.2f} s {rate:9.1f} sentences/s", flush=True)
    return rate


def raw_ctranslate2(package_dir: Path, sentences: list[str], beam_size: int, compute_type: str) -> None:
    """The floor: tokenise, one translate_batch, detokenise; nothing else."""
    import ctranslate2
    import sentencepiece

    from pipeline.engines.argos.options import DEFAULT_MAX_BATCH_TOKENS, LENGTH_PENALTY

    translator = ctranslate2.Translator(str(package_dir / "model"), compute_type=compute_type)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    tokens = [processor.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(
        tokens,
        max_batch_size=DEFAULT_MAX_BATCH_TOKENS,
        batch_type="tokens",
        beam_size=beam_size,
        length_penalty=LENGTH_PENALTY,
        replace_unknowns=True,
    )
    [processor.decode_pieces(r.hypotheses[0]) for r in results]


def argostranslate_documents(documents: list[Document], compute_type: str | None) -> None:
    """argostranslate's public ``translate`` per document; it translates paragraph by paragraph.

    Only its sentence splitter is replaced (MiniSBD downloads a model) by the
    benchmark's own, so it sees exactly the sentences the other paths see.
    """
    from argostranslate import settings, translate

    class BenchSentencizer:
        def __init__(self, pkg: object) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    translate.MiniSBDSentencizer = BenchSentencizer
    settings.compute_type = compute_type or "auto"
    translate.installed_translates.clear()
    translate.get_installed_languages.cache_clear()
    for document in documents:
        translate.translate("\n".join(" ".join(p) for p in document), "fr", "en")


def peak_rss_mb(documents: int, packages_dir: Path, corpus: Path | None) -> float:
    """Peak RSS of a fresh process translating ``documents`` documents with ArgosEngine in one call."""
    command = [sys.executable, __file__, "--rss-worker", str(documents)]
    command += ["--corpus", str(corpus)] if corpus else []
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages_dir)}
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return float(output.split()[-1]) / 1024


def rss_worker(documents: int, corpus: Path | None) -> None:
    from pipeline.engines.argos import ArgosEngine

    docs = replicate(read_documents(corpus), documents=documents)
    ArgosEngine("fr", "en").translate([s for d in docs for p in d for s in p])
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help=".argosmodel to measure (default: build a synthetic one)")
    parser.add_argument("--corpus", type=Path, help="folder of *.txt documents (default: the seed article)")
    parser.add_argument("--sentences", type=int, default=2000, help="at least this many sentences (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs for the fast paths (default 3)")
    parser.add_argument("--rss-documents", type=int, nargs="*", default=[20, 2000], help="document counts for peak RSS")
    parser.add_argument("--rss-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_worker is not None:
        rss_worker(args.rss_worker, args.corpus)
        return

    with tempfile.TemporaryDirectory(prefix="normalize-bench-") as scratch:
        compare(args, Path(scratch))


def compare(args: argparse.Namespace, work: Path) -> None:
    """Build or install the model under ``work``, time every path, print the table and the ratios."""
    packages_dir = work / "packages"
    # argostranslate reads its folders when first imported: set them before any import.
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    from argos_fixture import BENCH, build_package

    from pipeline.engines.argos import ArgosEngine
    from pipeline.engines.argos.options import DEFAULT_BEAM_SIZE, resolve_compute_type
    from pipeline.engines.argos.packages import install_file
    from pipeline.engines.cache import CachedEngine, TranslationCache

    archive = args.model or build_package(work, "fr", "en", shape=BENCH)
    package_dir = Path(install_file(archive, packages_dir).package_path)
    documents = replicate(read_documents(args.corpus), sentences=args.sentences)
    sentences = [s for d in documents for p in d for s in p]
    compute_type, beam = resolve_compute_type("auto", "cpu"), DEFAULT_BEAM_SIZE
    print(f"model {archive.name}; {len(documents)} documents, {len(sentences)} sentences; {compute_type}, beam {beam}")
    print(f"cpus {os.cpu_count()}; intra_threads 0 (all cores) for every path")

    n, best_of = len(sentences), args.repeat
    raw = timed(
        "1. raw CTranslate2 translate_batch",
        n,
        lambda: raw_ctranslate2(package_dir, sentences, beam, compute_type),
        best_of,
    )
    pipeline = timed(
        "2. ArgosEngine (fresh engine, loads the model)",
        n,
        lambda: ArgosEngine("fr", "en").translate(sentences),
        best_of,
    )
    cache = TranslationCache(work / "cache.sqlite3")
    cold = timed(
        "2. ArgosEngine through an empty cache (cold)",
        n,
        lambda: CachedEngine(ArgosEngine("fr", "en"), cache).translate(sentences),
    )
    warm = timed(
        "4. the same again, served by the cache (warm)",
        n,
        lambda: CachedEngine(ArgosEngine("fr", "en"), cache).translate(sentences),
        best_of,
    )
    argos_same = timed(
        f"3. argostranslate, {compute_type} like the engine",
        n,
        lambda: argostranslate_documents(documents, compute_type),
    )
    argos_default = timed("3. argostranslate, its own defaults", n, lambda: argostranslate_documents(documents, None))
    for count in args.rss_documents:
        print(f"peak RSS, {count} documents in one call: {peak_rss_mb(count, packages_dir, args.corpus):.0f} MB")
    print(
        f"ratios: pipeline/raw {pipeline / raw:.2f} (>= 0.9), pipeline/argostranslate "
        f"{pipeline / argos_same:.1f} same compute type, {pipeline / argos_default:.1f} its defaults (>= 3), "
        f"warm/cold {warm / cold:.0f} (>= 20)"
    )


if __name__ == "__main__":
    main()
