"""``normalize glossary check|test|export|import``: work on glossaries without running a job."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.errors import fail, say
from pipeline.errors import ConfigError, NormalizeError, printable

Files = Annotated[
    list[Path] | None, typer.Argument(metavar="FILES", help="Glossary files; default glossaries/*.yaml.", show_default=False)
]
DEFAULT_FOLDER = Path("glossaries")  # or, where there is none, the glossaries shipped with normalize
Folder = Annotated[Path, typer.Option("--glossaries", metavar="DIR", help="Folder searched when no FILES are given.")]

# The glossary modules (YAML, XML, the matcher) are imported by the command that needs them, so that
# `normalize --help` and the other commands do not pay for them.
glossary_app = typer.Typer(rich_markup_mode=None, help="Check, test, export and import glossaries.", no_args_is_help=True)


def _files(files: list[Path] | None, folder: Path) -> list[Path]:
    from pipeline.cli.main import glossary_folder

    if not files and folder == DEFAULT_FOLDER:
        folder = glossary_folder(None)
    found = list(files or []) or sorted(folder.glob("*.yaml"))
    if not found:
        raise typer.BadParameter(f"no glossary files in {folder}; pass FILES")
    return found


@glossary_app.command("check", short_help="Validate glossaries: schema, duplicates, fields that have no effect.")
def check(
    files: Files = None,
    folder: Folder = DEFAULT_FOLDER,
) -> None:
    """Validate glossaries: schema, duplicate ids, variants claimed twice, fields that have no effect."""
    from pipeline.glossary.lint import lint
    from pipeline.glossary.load import load_glossary_file, short_variants
    from pipeline.glossary.matcher import Matcher

    errors = 0
    for path in _files(files, folder):
        try:
            glossary = load_glossary_file(path)
            Matcher(glossary)
        except ConfigError as exc:
            say(str(exc))
            errors += 1
            continue
        too_short = short_variants(glossary)
        for problem in too_short:
            say(problem)
        if too_short:
            errors += 1
            continue
        notes = lint(glossary)
        for warning in notes:
            say(warning)
        typer.echo(printable(f"{path}: {len(glossary.entries)} entries OK" + (f", {len(notes)} warnings" if notes else "")))
    if errors:
        raise typer.Exit(2)


@glossary_app.command("test", short_help="Run every entry's examples and check the English.")
def test(
    files: Files = None,
    engine: Annotated[str, typer.Option("--engine", "-e", metavar="NAME", help="auto, apertium or argos.")] = "auto",
    folder: Folder = DEFAULT_FOLDER,
) -> None:
    """Run every entry's examples through the pipeline and check what the English must (not) contain."""
    from pipeline.engines import create_engine
    from pipeline.glossary.examples import run_examples
    from pipeline.glossary.load import load_glossary_file

    failures = total = 0
    try:
        for path in _files(files, folder):
            glossary = load_glossary_file(path)
            if not any(e.examples for e in glossary.entries):
                continue
            results = run_examples(glossary, create_engine(engine, glossary.source, glossary.target))
            for result in results:
                total += 1
                if result.problems:
                    failures += 1
                    say(f"FAIL {result.entry.file}:{result.entry.line} {result.entry.id}: {result.example.source!r}")
                    say(f"     got: {result.target!r}")
                    for problem in result.problems:
                        say(f"     {problem}")
    except ConfigError as exc:
        raise fail(exc) from None
    except NormalizeError as exc:
        raise fail(exc, 1) from None
    typer.echo(f"{total - failures} of {total} examples pass")
    if failures:
        raise typer.Exit(1)


@glossary_app.command("export", short_help="Write glossaries as TBX or CSV.")
def export(
    files: Files = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="tbx or csv (Amazon Translate custom terminology).")
    ] = "tbx",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="File to write; default standard output.")
    ] = None,
    folder: Folder = DEFAULT_FOLDER,
) -> None:
    """Write glossaries as TBX or CSV for CAT tools and translation services."""
    from pipeline.glossary.interop import to_csv, to_tbx
    from pipeline.glossary.load import load_glossaries, load_glossary_file

    writers = {"tbx": to_tbx, "csv": to_csv}
    if fmt not in writers:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose tbx or csv", param_hint="--format")
    paths = _files(files, folder)
    _check_output(output)
    try:
        first = load_glossary_file(paths[0])
        # The run's own merge: the same pair for every file, ids and variants unique across them.
        merged = load_glossaries(paths, source=first.source, target=first.target)
    except ConfigError as exc:
        raise fail(exc) from None
    _write(writers[fmt](merged), output)


@glossary_app.command("import", short_help="Convert a TBX or CSV terminology file into glossary YAML.")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .tbx or .csv file.", show_default=False)],
    source: Annotated[str, typer.Option("--source", "-s", metavar="LANG", help="Source language code in the file.")] = "fr",
    target: Annotated[str, typer.Option("--target", "-t", metavar="LANG", help="Target language code in the file.")] = "en",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="YAML file to write; default standard output.")
    ] = None,
) -> None:
    """Convert a TBX or Amazon-style CSV terminology file into glossary YAML (then edit and `check` it)."""
    from pipeline.glossary.interop import InteropWarning, from_csv, from_tbx, to_yaml

    readers = {".tbx": from_tbx, ".xml": from_tbx, ".csv": from_csv}
    reader = readers.get(file.suffix.lower())
    if reader is None:
        raise typer.BadParameter(f"{file}: expected a .tbx or .csv file", param_hint="FILE")
    _check_output(output)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InteropWarning)
            data = reader(file, source=source, target=target)
    except ConfigError as exc:
        raise fail(exc) from None
    for warning in caught:
        say(f"normalize: warning: {warning.message}")
    _write(to_yaml(data), output)


def _check_output(output: Path | None) -> None:
    """Refuse an ``--output`` that cannot be a file before any work is done."""
    if output is None:
        return
    if output.is_dir():
        raise fail(f"--output {output} is a folder; give a file name, e.g. {output / 'glossary.yaml'}")
    if not output.parent.is_dir():
        raise fail(f"--output {output}: the folder {output.parent} does not exist; create it first")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from pipeline.outputs.write import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}; check the folder exists and is writable") from None
