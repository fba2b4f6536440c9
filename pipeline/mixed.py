"""``--source auto``: a folder of articles in several languages, each routed to its own language's run.

A run is one language pair (its engine, glossaries, signature, review
workspace), so a mixed folder becomes one run per language, each a complete
output folder of its own (``out/fr/``, ``out/es/``: reviewable with
``normalize review out/fr``), and one index over all of them at ``out/index.html``
with each document's language. Each input file's language is told by py3langid
from the start of its text (a feed or export by its first items, together). A
file whose language cannot be told, or whose language has no glossary or no
engine here, fails alone, with what to do; the other languages still run.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError, NormalizeError
from pipeline.outputs.lock import OutputLock
from pipeline.outputs.write import read_own, write_atomic
from pipeline.readers.files import collect_inputs, input_root, read_documents
from pipeline.render.json_format import FORMAT_VERSION

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

    from pipeline.glossary.load import Glossary
    from pipeline.outputs.report import DocSummary
    from pipeline.run import RunOptions, RunResult

AUTO = "auto"
LANGUAGES_NAME = "languages.json"  # what out/ holds: one run folder per language, and the files that failed
INDEX_NAME = "index.html"
SAMPLE_CHARS = 10_000  # the start of a file's text is enough to tell its language
MIN_LETTERS = 40  # below this a guess is too shaky to route a document on
MIN_CONFIDENCE = 0.9
MAX_ITEMS = 20  # a feed or export is judged by its first items


@dataclass(frozen=True)
class Unrouted:
    """An input that no language's run took, and why."""

    path: str
    language: str  # "" when it could not be told
    error: str


@dataclass
class MixedResult:
    """The runs of a ``--source auto`` run, one per language, and the inputs none of them could take."""

    runs: dict[str, RunResult] = field(default_factory=dict)
    unrouted: list[Unrouted] = field(default_factory=list)

    def problems(self) -> list[tuple[str, str, list[str]]]:
        """The unrouted inputs grouped by (language, reason): a language without an engine is said once."""
        groups: dict[tuple[str, str], list[str]] = {}
        for item in self.unrouted:
            groups.setdefault((item.language, item.error), []).append(item.path)
        return [(language, error, paths) for (language, error), paths in groups.items()]

    @property
    def exit_code(self) -> int:
        return 1 if self.unrouted or any(r.exit_code for r in self.runs.values()) else 0


GlossaryFor = Callable[[str], "Glossary"]


def run_mixed(options: RunOptions, glossary_for: GlossaryFor) -> MixedResult:
    """Tell each input's language, run each language into ``options.out / code``, write the overall index."""
    from pipeline.run import run

    out = options.out
    _check_out(out)
    paths = collect_inputs(options.inputs, out=out)
    if not paths:
        raise ConfigError(f"no article files found in {', '.join(map(str, options.inputs))}; pass articles or a folder")
    result = MixedResult()
    with OutputLock(out):
        groups: dict[str, list[Path]] = {}
        for path, (language, reason) in zip(paths, detect_languages(paths, options), strict=True):
            if reason is not None:
                result.unrouted.append(Unrouted(str(path), language, reason))
            else:
                groups.setdefault(language, []).append(path)
        for language, group in sorted(groups.items()):
            problem = _cannot_run(language, out)
            glossary = None
            if problem is None:
                try:
                    glossary = glossary_for(language)
                except ConfigError as exc:
                    problem = str(exc)
            if problem is not None or glossary is None:
                result.unrouted.extend(Unrouted(str(p), language, problem or "no glossary") for p in group)
                continue
            sub = replace(options, source=language, glossary=glossary, out=out / language, only=frozenset(group))
            try:
                result.runs[language] = run(sub)
            except NormalizeError as exc:  # this language's run could not start: no engine for it here, say
                result.unrouted.extend(Unrouted(str(p), language, str(exc)) for p in group)
        _write_overview(out, result)
    return result


def detect_languages(paths: list[Path], options: RunOptions) -> Iterator[tuple[str, str | None]]:
    """(language code, None) for each input whose language is clear, else (best guess or "", why it failed)."""
    identifier: LanguageIdentifier | None = None
    for path in paths:
        try:
            sample = _sample(path, options)
        except NormalizeError as exc:  # unreadable: the reason a run would give
            yield "", str(exc)
            continue
        letters = sum(ch.isalpha() for ch in sample)
        if letters < MIN_LETTERS:
            yield "", f"too short to tell its language ({letters} letters); run it with --source LANG"
            continue
        if identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        language, confidence = identifier.classify(sample)
        if float(confidence) < MIN_CONFIDENCE:
            yield (
                str(language),
                (
                    f"cannot tell its language for sure (maybe {language}, confidence {float(confidence):.2f}); "
                    "run it with --source LANG"
                ),
            )
            continue
        yield str(language), None


def _sample(path: Path, options: RunOptions) -> str:
    """The start of the text of ``path``'s first documents, as the run would read them."""
    parts: list[str] = []
    size = 0
    documents = read_documents(path, language=AUTO, max_size=options.max_size, root=input_root(path, options.inputs),
                               follow_links=options.follow_links, fields=options.fields)  # fmt: skip
    for count, doc in enumerate(documents):
        if doc.failed:
            continue
        parts.append(doc.text[doc.body_start : doc.body_start + SAMPLE_CHARS - size])
        size += len(parts[-1])
        if size >= SAMPLE_CHARS or count + 1 >= MAX_ITEMS:
            break
    return "\n".join(parts)


def _cannot_run(language: str, out: Path) -> str | None:
    """Why ``language``'s pages cannot go to ``out / language`` (an engine missing is the run's own error)."""
    folder = out / language
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder (a link or a file); remove it so this language's pages can be written there"
    return None


def _check_out(out: Path) -> None:
    """``out`` may hold an earlier ``--source auto`` run, never the pages of a one-language run."""
    if (out / "report.json").exists():
        raise ConfigError(f"{out}/ holds the run of one language (report.json); pass another --out for --source auto")
    if (out / INDEX_NAME).exists() and read_own(out / LANGUAGES_NAME) is None:
        raise ConfigError(f"{out}/{INDEX_NAME} was not written by normalize; pass another --out or remove it")


def _write_overview(out: Path, result: MixedResult) -> None:
    """``languages.json`` (what each folder holds) and the index of every document of every language."""
    from pipeline.render.mixed_index import Row, render_mixed_index

    rows: list[Row] = []
    languages: dict[str, dict[str, object]] = {}
    for language, run in sorted(result.runs.items()):
        docs: list[DocSummary] = run.report.docs
        languages[language] = {
            "folder": language,
            "engine": run.report.info.engine,
            "signature": run.report.info.signature_line(),
            "documents": len(docs),
            "failed": sum(d.failed for d in docs),
        }
        rows.extend(Row.of(language, d) for d in docs)
    failed = [{"path": u.path, "language": u.language, "error": u.error} for u in result.unrouted]
    rows.extend(Row(u.language, u.path, Path(u.path).name, u.error, routed=False) for u in result.unrouted)
    record = {"format_version": FORMAT_VERSION, "languages": languages, "failed": failed}
    write_atomic(out / LANGUAGES_NAME, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    write_atomic(out / INDEX_NAME, render_mixed_index(rows, sorted(result.runs), result.problems()))


def problem_lines(result: MixedResult) -> list[str]:
    """One ``failed:`` line per reason: the file, or how many files and the first few."""
    lines = []
    for language, error, paths in result.problems():
        if len(paths) == 1:
            lines.append(f"normalize: failed: {paths[0]}: {error}")
        else:
            shown = ", ".join(os.path.basename(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
            lines.append(f"normalize: failed: {len(paths)} files{f' in {language}' if language else ''} ({shown}): {error}")
    return lines


def mixed_summary(result: MixedResult, out: Path) -> list[str]:
    """The command line's closing lines: each language's summary, then where the overall index is."""
    lines: list[str] = []
    for language, run in sorted(result.runs.items()):
        lines.extend(f"{language}: {line}" for line in run.report.summary(out / language))
    if result.unrouted:
        lines.append(f"{len(result.unrouted)} input(s) in no language's run (see above)")
    lines.append(f"every language: open {out / INDEX_NAME}")
    return lines


def language_folders(out: Path) -> list[str]:
    """The language codes whose runs ``out`` holds, when it is the folder of a ``--source auto`` run (else [])."""
    from pipeline.render.json_format import read_output

    if (out / "report.json").exists() or read_own(out / LANGUAGES_NAME) is None:
        return []
    return sorted(read_output(out / LANGUAGES_NAME, "languages")["languages"])
