"""``normalize eval``: score the raw and the normalised translation of a parallel corpus.

Registered on the main app in ``pipeline.cli``. Two modes, exactly one per call:
``--source`` and ``--reference`` are FILES (one sentence a line, line-aligned)
scored with sacrebleu; ``--articles DIR`` audits whole articles with no reference
(``pipeline.evaluation.audit``). The languages are ``--from`` and ``--to``, unlike ``run``,
where ``--source`` is the language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from pipeline.cli.errors import say
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, NormalizeError


def read_lines(path: Path, what: str) -> list[str]:
    """The lines of a UTF-8 text file, without line ends; a final newline adds no line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}; check the path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} {path} is not UTF-8 (byte {exc.start}); convert it, e.g. with iconv") from exc
    return text.splitlines()


@contextmanager
def user_errors(nothing_done: str) -> Iterator[None]:
    """Both eval modes' errors as one-line exits: 2 for configuration, 1 for a failed run, 130 on Ctrl-C."""
    from pipeline.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, fail

    try:
        yield
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except NormalizeError as exc:
        raise fail(str(exc), EXIT_FAILED) from None
    except KeyboardInterrupt:
        raise fail(f"interrupted; {nothing_done}", EXIT_INTERRUPTED) from None


def eval_command(
    source: Annotated[
        Path | None,
        typer.Option("--source", metavar="FILE", help="Source-language FILE, one sentence a line.", show_default=False),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            "-r",
            metavar="FILE",
            help="Reference translation FILE, line-aligned with --source.",
            show_default=False,
        ),
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(
            "--articles",
            metavar="DIR",
            help="Folder of *.txt articles to audit (no reference needed), instead of --source/--reference.",
            show_default=False,
        ),
    ] = None,
    src_lang: Annotated[str, typer.Option("--from", metavar="LANG", help="Language of --source or --articles.")] = "fr",
    tgt_lang: Annotated[str, typer.Option("--to", metavar="LANG", help="Language of --reference.")] = "en",
    engine: Annotated[str, typer.Option("--engine", "-e", metavar="NAME", help="auto, apertium or argos.")] = "auto",
    glossary: Annotated[
        list[Path] | None,
        typer.Option(
            "--glossary", "-g", metavar="FILE", help="Glossary YAML file (repeatable); default glossaries/FROM-TO*.yaml."
        ),
    ] = None,
    glossaries: Annotated[
        Path | None, typer.Option("--glossaries", metavar="DIR", help="Folder holding the default glossaries.")
    ] = None,
    show: Annotated[
        int,
        typer.Option(
            "--show", metavar="N", help="Changed lines (with --articles: examples of each problem) to print (0: none).", min=0
        ),
    ] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (every changed line, not just --show).")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            metavar="DIR",
            help="Folder to write raw.txt and normalised.txt (one line per source line) to, for rescoring.",
        ),
    ] = None,
) -> None:
    """Score raw and normalised translations of --source against --reference (BLEU, chrF), or audit --articles.

    The audit runs `normalize run`'s stages over whole articles and counts, per document and in
    total, changes, loaded renderings left, quoted labels rewritten, mangled names, collateral
    edits and unknown words.
    """
    from pipeline.cli.errors import EXIT_FAILED, fail
    from pipeline.cli.main import resolve_glossary  # cli imports this module
    from pipeline.evaluation.parallel import evaluate
    from pipeline.outputs.write import write_atomic
    from pipeline.render.json_format import dumps

    if articles is not None:
        if source is not None or reference is not None or save is not None:
            given = "--source" if source is not None else "--reference" if reference is not None else "--save"
            raise fail(
                f"--articles audits a folder without a reference; drop {given}, "
                "or drop --articles to score --source against --reference"
            )
        audit_articles(articles, src_lang, tgt_lang, engine, glossary, glossaries, show=show, as_json=as_json)
    if source is None or reference is None:
        missing = (
            "--reference FILE"
            if source is not None
            else "--source FILE"
            if reference is not None
            else "--source FILE and --reference FILE"
        )
        raise fail(f"give {missing} to score a translation, or --articles DIR to audit whole articles")
    with user_errors("nothing was scored"):
        gloss = resolve_glossary(glossary, glossaries, src_lang, tgt_lang)
        src_lines = read_lines(source, "--source")
        ref_lines = read_lines(reference, "--reference")
        mt = run_engine(engine, src_lang, tgt_lang, cache=False)
        try:
            result = evaluate(src_lines, ref_lines, mt, gloss, source_name=str(source), reference_name=str(reference))
        finally:
            mt.close()
    if save is not None:
        try:
            for name, lines in result.outputs.items():
                write_atomic(save / f"{name}.txt", "".join(line + "\n" for line in lines))
        except OSError as exc:
            raise fail(f"cannot write to {save}: {exc.strerror or exc}; check that it is writable", EXIT_FAILED) from None
    typer.echo(dumps(result.to_json()) if as_json else result.format(show=show), nl=False)
    for line, error in sorted(result.failed.items()):
        say(f"normalize: failed: line {line}: {error}")
    raise typer.Exit(EXIT_FAILED if result.failed else 0)


def audit_articles(
    folder: Path,
    src_lang: str,
    tgt_lang: str,
    engine: str,
    glossary: list[Path] | None,
    glossaries: Path | None,
    *,
    show: int,
    as_json: bool,
) -> NoReturn:
    """``eval --articles``: process the folder as ``normalize run`` would (nothing written), then audit it."""
    from pipeline.cli.errors import EXIT_FAILED
    from pipeline.cli.main import resolve_glossary
    from pipeline.evaluation.audit import audit, process_articles
    from pipeline.render.json_format import dumps
    from pipeline.render.run_info import RunInfo

    with user_errors("nothing was audited"):
        gloss = resolve_glossary(glossary, glossaries, src_lang, tgt_lang)
        mt = run_engine(engine, src_lang, tgt_lang)
        try:
            report = audit(process_articles(folder, gloss, mt), info=RunInfo.of(mt, gloss), corpus=str(folder))
        finally:
            mt.close()
    typer.echo(dumps(report.to_json()) if as_json else report.format(show=show), nl=False)
    for doc in report.failed:
        say(f"normalize: failed: {doc.path}: {doc.error}")
    raise typer.Exit(EXIT_FAILED if report.failed else 0)


def run_engine(name: str, source: str, target: str, *, cache: bool = True) -> Engine:
    """The engine as ``normalize run`` builds it by default: ``normalize.toml``'s settings and the translation cache."""
    from pipeline.config import load_settings
    from pipeline.engines import build_engine

    settings = load_settings(None)
    return build_engine(
        name, source, target, settings=settings.engines, cache=cache and settings.cache, cache_path=settings.cache_path
    )
