"""End to end, as users run it: the whole pipeline with the glossary on, against raw CTranslate2 and argostranslate.

    python bench/whole_run.py                       # both corpora, 150 sentences each
    python bench/whole_run.py --sentences 0         # every sentence
    python bench/whole_run.py --skip-argostranslate --beam 2

A synthetic Argos package of real size is built once under ``--work``
(tests/argos_fixture.py ``REAL``: 6+6 layers, d_model 512, 8 heads, FFN 2048,
50k vocabulary, int8; SentencePiece trained on the corpora; each output about
as long as its input in tokens). For each corpus (the news articles of
``../shared/corpus/articles`` and ``tests/data/parallel/fr.txt``) the same
sentences go, with the same beam, compute type and threads, through:

1. raw CTranslate2: SentencePiece, one ``translate_batch`` over every sentence, decode;
2. the pipeline: ``pipeline.chain.Chain`` (read, segment, match with the real
   glossaries, translate, enforce, check) on the documents, ``ArgosEngine``
   without the cache (what ``normalize run --no-cache`` does);
3. argostranslate's own call path (``translate.translate`` per document, one
   paragraph per call), only its sentence splitter replaced so it sees the
   same sentences.

Each path runs in a fresh subprocess, which reports its wall time (model load
included), the sentences and tokens it sent to CTranslate2, the tokens the
decoder produced (best hypothesis) and its peak RSS. With ``--repeat N`` the
paths run N times in turn and each path's fastest run is shown. The ratios
the throughput issue sets are printed last.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
# ../shared/corpus/articles from the main checkout (two levels up from a worktree under /work/wt).
ARTICLES = next(
    (p / "shared" / "corpus" / "articles" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared" / "corpus" / "articles",
)
PARALLEL = REPO / "tests" / "data" / "parallel" / "fr.txt"
DEFAULT_WORK = Path("/tmp/normalize-bench-pipeline")


class Counter:
    """Totals of what reached CTranslate2, filled by the ``Translator`` stand-in below."""

    calls = 0
    inputs = 0
    source_tokens = 0
    decoder_tokens = 0


def install_counting_translator() -> None:
    """Replace ``ctranslate2.Translator`` by a proxy that counts inputs and decoded tokens of every call."""
    import ctranslate2

    real = ctranslate2.Translator

    class CountingTranslator:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._inner = real(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        def _count_inputs(self, source: list[list[str]]) -> None:
            Counter.calls += 1
            Counter.inputs += len(source)
            Counter.source_tokens += sum(map(len, source))

        def translate_batch(self, source: list[list[str]], *args: Any, **kwargs: Any) -> Any:
            self._count_inputs(source)
            results = self._inner.translate_batch(source, *args, **kwargs)
            Counter.decoder_tokens += sum(len(r.hypotheses[0]) for r in results)
            return results

        def translate_iterable(self, source: Any, *args: Any, **kwargs: Any) -> Any:
            source = list(source)
            self._count_inputs(source)
            for result in self._inner.translate_iterable(source, *args, **kwargs):
                Counter.decoder_tokens += len(result.hypotheses[0])
                yield result

    ctranslate2.Translator = CountingTranslator


# ---- the three paths, each run in its own process ---------------------------------------------


def raw_path(package: Path, sentences: list[str], options: dict[str, Any]) -> None:
    import ctranslate2
    import sentencepiece

    from pipeline.engines.argos.options import LENGTH_PENALTY

    translator = ctranslate2.Translator(
        str(package / "model"), compute_type=options["compute_type"], inter_threads=1, intra_threads=options["threads"]
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    results = translator.translate_batch(
        [processor.encode(s, out_type=str) for s in sentences],
        max_batch_size=options["batch_tokens"],
        batch_type="tokens",
        beam_size=options["beam"],
        length_penalty=LENGTH_PENALTY,
        replace_unknowns=True,
    )
    [processor.decode_pieces(r.hypotheses[0]) for r in results]


def pipeline_path(files: list[Path], options: dict[str, Any]) -> dict[str, Any]:
    from pipeline.chain import Chain
    from pipeline.engines.argos import ArgosEngine
    from pipeline.glossary.load import default_glossary_paths, load_glossaries
    from pipeline.model import Method
    from pipeline.readers.files import read_document

    glossary = load_glossaries(default_glossary_paths(REPO / "glossaries", "fr", "en"), source="fr", target="en")
    engine = ArgosEngine(
        "fr",
        "en",
        beam_size=options["beam"],
        compute_type=options["compute_type"],
        intra_threads=options["threads"],
        max_batch_tokens=options["batch_tokens"],
    )
    docs = [read_document(path, language="fr") for path in files]
    Chain(glossary, engine)(docs)
    failed = [d.error for d in docs if d.error]
    if failed:
        raise SystemExit(f"pipeline failed: {failed[0]}")
    methods: dict[str, int] = {}
    for doc in docs:
        for seg in doc.segments:
            for change in seg.changes:
                methods[str(change.method)] = methods.get(str(change.method), 0) + 1
    hits = sum(len(seg.hits) for doc in docs for seg in doc.segments)
    aligned = sum(
        1 for doc in docs for seg in doc.segments for h in seg.hits if h.rendered and h.rendered.method == Method.ALIGNED
    )
    return {"hits": hits, "aligned": aligned, "changes": methods}


def argostranslate_path(documents: list[list[str]], options: dict[str, Any]) -> None:
    from argostranslate import settings, translate

    class OneSentencePerLine:
        def __init__(self, pkg: object) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return [text]

    translate.MiniSBDSentencizer = OneSentencePerLine
    translate.SpacySentencizerSmall = OneSentencePerLine
    settings.compute_type = options["compute_type"]
    settings.beam_size = options["beam"]
    settings.inter_threads, settings.intra_threads = 1, options["threads"]
    for sentences in documents:
        translate.translate("\n".join(sentences), "fr", "en")


def worker(kind: str, spec_file: Path) -> None:
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    install_counting_translator()
    start = time.perf_counter()
    extra: dict[str, Any] = {}
    if kind == "raw":
        raw_path(Path(spec["package"]), [s for d in spec["documents"] for s in d], spec["options"])
    elif kind == "pipeline":
        extra = pipeline_path([Path(f) for f in spec["files"]], spec["options"])
    else:
        argostranslate_path(spec["documents"], spec["options"])
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "calls": Counter.calls,
                "inputs": Counter.inputs,
                "source_tokens": Counter.source_tokens,
                "decoder_tokens": Counter.decoder_tokens,
                "rss_mb": peak_rss_mb(),
                **extra,
            }
        )
    )


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ``ru_maxrss``, which survives ``exec`` and so would count
    the parent's pages (this script's, after building the model) in a fresh child."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- orchestration ------------------------------------------------------------------------------


def select(work: Path, name: str, sources: list[Path], limit: int) -> tuple[list[Path], list[list[str]]]:
    """Whole documents (or lines of a one-document file) up to ``limit`` sentences, written under ``work``.

    Returns the files and, per document, its sentences exactly as the engine sees them.
    """
    from pipeline.readers.files import read_document
    from pipeline.stages.segment import segment

    folder = work / f"corpus-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    files: list[Path] = []
    documents: list[list[str]] = []
    if len(sources) == 1:  # one long file: its first lines
        lines = [line for line in sources[0].read_text(encoding="utf-8").splitlines() if line.strip()]
        chosen = lines[:limit] if limit else lines
        sources = [folder / sources[0].name]
        sources[0].write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
    for source in sources:
        doc = segment(read_document(source, language="fr"))
        target = folder / source.name
        if source != target:
            target.write_bytes(source.read_bytes())
        files.append(target)
        documents.append([" ".join(seg.source.split()) for seg in doc.segments])
        if limit and sum(map(len, documents)) >= limit:
            break
    return files, documents


def build_model(work: Path, texts: list[str]) -> Path:
    """The REAL-shape synthetic package under ``work`` (built once), installed; returns the package folder."""
    from argos_fixture import REAL, REAL_PIECES, build_package

    from pipeline.engines.argos.packages import install_file

    archive = work / "translate-fr_en-1_0.argosmodel"
    stamp = work / "model-shape.txt"  # a model built for another shape is built again
    packages = work / "packages"
    installed = packages / archive.stem
    if not archive.exists() or not stamp.exists() or stamp.read_text(encoding="utf-8") != repr(REAL):
        start = time.perf_counter()
        build_package(work, "fr", "en", shape=REAL, sentences=texts, pieces=REAL_PIECES)
        stamp.write_text(repr(REAL), encoding="utf-8")
        shutil.rmtree(installed, ignore_errors=True)
        print(f"built the {REAL} model in {time.perf_counter() - start:.0f} s", flush=True)
    if not installed.exists():
        install_file(archive, packages)
    return installed


def run_worker(kind: str, spec: dict[str, Any], work: Path) -> dict[str, Any]:
    spec_file = work / f"spec-{kind}.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"), "HOME": str(work / "home")}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(spec_file)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(name: str, results: dict[str, dict[str, Any]], sentences: int) -> None:
    print(f"\n{name}: {sentences} sentences")
    print(f"{'path':<16}{'time s':>9}{'sent/s':>9}{'calls':>7}{'inputs':>8}{'src tok':>9}{'dec tok':>9}{'RSS MB':>8}")
    for kind, r in results.items():
        rate = sentences / r["seconds"]
        print(
            f"{kind:<16}{r['seconds']:9.1f}{rate:9.1f}{r['calls']:7d}{r['inputs']:8d}"
            f"{r['source_tokens']:9d}{r['decoder_tokens']:9d}{r['rss_mb']:8.0f}"
        )
    raw, pipe = results["raw"], results["pipeline"]
    print(f"pipeline: {pipe['aligned']} of {pipe['hits']} hits aligned; changes by method {pipe['changes']}")
    line = (
        f"ratios: decoder tokens pipeline/raw {pipe['decoder_tokens'] / raw['decoder_tokens']:.2f} (<= 1.1), "
        f"throughput pipeline/raw {raw['seconds'] / pipe['seconds']:.2f} (>= 0.9), "
        f"peak RSS pipeline/raw {pipe['rss_mb'] / raw['rss_mb']:.2f} (<= 1.2)"
    )
    if "argostranslate" in results:
        line += f", throughput pipeline/argostranslate {results['argostranslate']['seconds'] / pipe['seconds']:.2f} (>= 3)"
    print(line, flush=True)


def main() -> None:
    from pipeline.engines.argos.options import DEFAULT_MAX_BATCH_TOKENS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=150, help="sentences per corpus, whole documents (0: all)")
    parser.add_argument("--beam", type=int, default=4, help="beam size for every path (default 4, Argos's own)")
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 intra_threads for every path (default 2)")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--batch-tokens", type=int, default=DEFAULT_MAX_BATCH_TOKENS,
                        help=f"tokens per CTranslate2 batch, raw and pipeline (default {DEFAULT_MAX_BATCH_TOKENS}, the engine's)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the model is built once and kept")
    parser.add_argument("--skip-argostranslate", action="store_true", help="the slowest path; skip it")
    parser.add_argument("--corpus", choices=("articles", "parallel", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each path, alternating; the fastest is shown")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    corpora = {"articles": sorted(ARTICLES.glob("*.txt")), "parallel": [PARALLEL]}
    chosen = list(corpora) if args.corpus == "both" else [args.corpus]
    selections = {name: select(args.work, name, corpora[name], args.sentences) for name in chosen}
    every_text = [s for name in corpora for doc in select(args.work, f"all-{name}", corpora[name], 0)[1] for s in doc]
    package = build_model(args.work, every_text)
    options = {"beam": args.beam, "threads": args.threads, "compute_type": args.compute_type, "batch_tokens": args.batch_tokens}
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; beam {args.beam}, {args.compute_type}, "
          f"intra_threads {args.threads}, {args.batch_tokens}-token batches")
    for name, (files, documents) in selections.items():
        spec = {"package": str(package), "files": [str(f) for f in files], "documents": documents, "options": options}
        kinds = ["raw", "pipeline"] + ([] if args.skip_argostranslate else ["argostranslate"])
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
        for _ in range(args.repeat):  # alternating, so a burst of load from elsewhere hits every path alike
            for kind in kinds:
                runs[kind].append(run_worker(kind, spec, args.work))
        results = {kind: min(done, key=lambda r: r["seconds"]) for kind, done in runs.items()}
        report(name, results, sum(map(len, documents)))


if __name__ == "__main__":
    main()
