"""``normalize eval``: score the raw and the normalised translation of a parallel corpus.

Registered on the main app in ``pipeline.cli``. ``--source`` and ``--reference``
are FILES here (one sentence a line, line-aligned); the languages are
``--from`` and ``--to``, unlike ``run``, where ``--source`` is the language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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


def eval_command(
    source: Annotated[Path, typer.Option("--source", help="Source-language FILE, one sentence a line.", show_default=False)],
    reference: Annotated[
        Path, typer.Option("--reference", "-r", help="Reference translation FILE, line-aligned with --source.", show_default=False)
    ],
    src_lang: Annotated[str, typer.Option("--from", help="Language of --source.")] = "fr",
    tgt_lang: Annotated[str, typer.Option("--to", help="Language of --reference.")] = "en",
    engine: Annotated[str, typer.Option("--engine", "-e", help="auto, apertium or argos.")] = "auto",
    glossary: Annotated[
        list[Path] | None, typer.Option("--glossary", "-g", help="Glossary YAML file (repeatable); default glossaries/FROM-TO*.yaml.")
    ] = None,
    glossaries: Annotated[Path | None, typer.Option("--glossaries", help="Folder holding the default glossaries.")] = None,
    show: Annotated[int, typer.Option("--show", help="Changed lines to print as a word diff (0: none).", min=0)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (every changed line, not just --show).")] = False,
    save: Annotated[
        Path | None, typer.Option("--save", help="Folder to write raw.txt and normalised.txt (one line per source line) to, for rescoring.")
    ] = None,
) -> None:
    """Translate --source, normalise it, and score raw and normalised output against --reference (BLEU, chrF)."""
    from pipeline.cli import (  # the app's helpers; cli imports this module
        EXIT_FAILED,
        EXIT_INTERRUPTED,
        fail,
        resolve_glossary,
    )
    from pipeline.engines import create_engine
    from pipeline.evaluate import evaluate
    from pipeline.render.json_format import dumps
    from pipeline.render.write import write_atomic

    try:
        gloss = resolve_glossary(glossary, glossaries, src_lang, tgt_lang)
        src_lines = read_lines(source, "--source")
        ref_lines = read_lines(reference, "--reference")
        mt = create_engine(engine, src_lang, tgt_lang)
        try:
            result = evaluate(src_lines, ref_lines, mt, gloss, source_name=str(source), reference_name=str(reference))
        finally:
            mt.close()
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except NormalizeError as exc:
        raise fail(str(exc), EXIT_FAILED) from None
    except KeyboardInterrupt:
        raise fail("interrupted; nothing was scored", EXIT_INTERRUPTED) from None
    if save is not None:
        try:
            for name, lines in result.outputs.items():
                write_atomic(save / f"{name}.txt", "".join(line + "\n" for line in lines))
        except OSError as exc:
            raise fail(f"cannot write to {save}: {exc.strerror or exc}; check that it is writable", EXIT_FAILED) from None
    typer.echo(dumps(result.to_json()) if as_json else result.format(show=show), nl=False)
    for line, error in sorted(result.failed.items()):
        typer.echo(f"normalize: failed: line {line}: {error}", err=True)
    raise typer.Exit(EXIT_FAILED if result.failed else 0)
