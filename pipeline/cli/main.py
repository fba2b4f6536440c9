"""The ``normalize`` command line. Reads options and environment, calls the library, maps errors to exit codes.

Exit codes and the one-line error shape live in ``pipeline.cli.errors``, shared by every command.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from pipeline import __version__
from pipeline.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, fail, say
from pipeline.cli.eval import eval_command
from pipeline.cli.glossary import glossary_app
from pipeline.cli.models import models_app
from pipeline.cli.review import review_command
from pipeline.errors import ConfigError, NormalizeError

if TYPE_CHECKING:  # imported where used: `normalize --help` loads neither SQLite nor the glossary loader
    from pipeline.glossary.load import Glossary
    from pipeline.run import RunOptions


# Plain click help: rich's help formatter alone costs more import time than the rest of `normalize --help`.
app = typer.Typer(
    name="normalize",
    help="Translate conflict news offline and replace loaded group labels with neutral standard names.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(glossary_app, name="glossary")
app.add_typer(models_app, name="models")

# The glossaries that come with normalize: inside the installed package (a wheel or `pip install .`), or
# beside it in a source checkout (an editable install).
_PACKAGE = Path(__file__).resolve().parents[1]
SHIPPED_GLOSSARIES = (_PACKAGE / "glossaries", _PACKAGE.parent / "glossaries")


def glossary_folder(folder: Path | None) -> Path:
    """``--glossaries``, else ``./glossaries`` (the ones you edit), else the ones shipped with normalize."""
    if folder is not None:
        return folder
    here = Path("glossaries")
    return here if here.is_dir() else next((p for p in SHIPPED_GLOSSARIES if p.is_dir()), here)


def resolve_glossary(files: list[Path] | None, folder: Path | None, source: str, target: str, *, auto: bool = False) -> Glossary:
    """``--glossary`` files, else the folder's ``SRC-TGT*.yaml`` (``auto``: for one language of a mixed run)."""
    from pipeline.glossary.load import default_glossary_paths, load_glossaries

    paths = list(files or []) or default_glossary_paths(glossary_folder(folder), source, target)
    if not paths:
        where = "pass --glossaries DIR" if auto else "pass --glossary FILE"
        raise ConfigError(
            f"no glossary for {source}->{target}: create glossaries/{source}-{target}.yaml (see glossaries/README.md) or {where}"
        )
    return load_glossaries(paths, source=source, target=target)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"normalize {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """normalize: read foreign-language conflict news without inheriting its labels."""


@app.command(short_help="Translate, normalise group labels, write review pages and JSON.")
def run(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Articles (.txt, .html, .warc.gz, RSS/Atom, .jsonl, .json, .csv, .docx, .odt), or folders searched for them.",
            show_default=False,
            metavar="INPUTS",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")] = Path("output"),
    source: Annotated[
        str, typer.Option("--source", "-s", metavar="LANG", help="Language of the input; auto: tell each file's language.")
    ] = "fr",
    target: Annotated[str, typer.Option("--target", "-t", metavar="LANG", help="Language to translate into.")] = "en",
    engine: Annotated[str, typer.Option("--engine", "-e", metavar="NAME", help="auto, apertium or argos.")] = "auto",
    glossary: Annotated[
        list[Path] | None,
        typer.Option(
            "--glossary", "-g", metavar="FILE", help="Glossary YAML file (repeatable); default glossaries/SRC-TGT*.yaml."
        ),
    ] = None,
    glossaries: Annotated[
        Path | None, typer.Option("--glossaries", metavar="DIR", help="Folder holding the default glossaries.")
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", metavar="LIST", help="Comma-separated output formats: html, json, tmx, xliff.")
    ] = "html,json",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary; errors only.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", metavar="FILE", help="TOML settings; default ./normalize.toml if present.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Translate everything again; do not read or write the cache.")
    ] = False,
    cache: Annotated[Path | None, typer.Option("--cache", metavar="FILE", help="Translation cache file (SQLite).")] = None,
    beam_size: Annotated[
        int | None, typer.Option("--beam-size", metavar="N", help="argos: beam width (default 4, as Argos).")
    ] = None,
    compute_type: Annotated[
        str | None,
        typer.Option(
            "--compute-type", metavar="TYPE", help="argos: CTranslate2 compute type (default auto: int8 where supported)."
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads", metavar="N", help="argos: CPU threads to use (default 0: every usable core; parallel batches first)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo every document, and overwrite files in --out that normalize did not write.")
    ] = False,
    clean: Annotated[
        bool, typer.Option("--clean", help="Remove pages of earlier runs in --out that this run did not write.")
    ] = False,
    executor: Annotated[
        str, typer.Option("--executor", metavar="NAME", help="local, or ray (needs: pip install 'normalize[ray]').")
    ] = "local",
    ray_workers: Annotated[
        int | None, typer.Option("--ray-workers", metavar="N", min=1, help="ray: translate actors (default: one per CPU).")
    ] = None,
    batch_sentences: Annotated[
        int, typer.Option("--batch-sentences", metavar="N", min=1, help="Sentences per translation batch (memory grows with it).")
    ] = 2000,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", metavar="ADDRESS", help="ray: address of a running cluster (default: start a local one)."),
    ] = None,
    max_size: Annotated[
        str, typer.Option("--max-size", metavar="SIZE", help="Largest input file read, e.g. 20MB; bigger ones fail.")
    ] = "20MB",
    follow_links: Annotated[
        bool,
        typer.Option("--follow-links", help="Read links to files outside the input folders (never folders or system files)."),
    ] = False,
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field",
            metavar="NAME",
            help="JSON Lines/JSON/CSV: field of the text (default text, content, body; a,b tries both).",
        ),
    ] = None,
    title_field: Annotated[
        str | None,
        typer.Option("--title-field", metavar="NAME", help="JSON Lines/JSON/CSV: field of the headline (default title)."),
    ] = None,
    id_field: Annotated[
        str | None,
        typer.Option(
            "--id-field", metavar="NAME", help="JSON Lines/JSON/CSV: field that names each record's pages (default id)."
        ),
    ] = None,
    date_field: Annotated[
        str | None,
        typer.Option("--date-field", metavar="NAME", help="JSON Lines/JSON/CSV: field of the date (default date, published)."),
    ] = None,
    url_field: Annotated[
        str | None,
        typer.Option("--url-field", metavar="NAME", help="JSON Lines/JSON/CSV: field of the article's URL (default url)."),
    ] = None,
) -> None:
    """Translate INPUTS, normalise group labels, and write review pages and JSON to --out."""
    from pipeline.config import load_settings
    from pipeline.engines.cache import CacheWarning
    from pipeline.glossary.load import Glossary
    from pipeline.mixed import AUTO
    from pipeline.readers import Fields
    from pipeline.readers.sizes import parse_size
    from pipeline.run import Interrupted, RunOptions

    try:
        if source == AUTO and glossary:
            raise ConfigError("--glossary names one language's files: with --source auto pass --glossaries DIR instead")
        settings = load_settings(config)
        flags = {"beam_size": beam_size, "compute_type": compute_type, "threads": threads}
        argos = settings.engines.setdefault("argos", {})
        argos.update({k: v for k, v in flags.items() if v is not None})
        options = RunOptions(
            inputs=inputs,
            out=out,
            glossary=(  # with auto, each language's run loads its own
                Glossary(source=AUTO, target=target, entries=[])
                if source == AUTO
                else resolve_glossary(glossary, glossaries, source, target)
            ),
            source=source,
            target=target,
            engine=engine,
            engine_settings=settings.engines,
            cache=settings.cache and not no_cache,
            cache_path=cache or settings.cache_path,
            formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
            quiet=quiet,
            force=force,
            clean=clean,
            executor=executor,
            ray_address=ray_address,
            ray_workers=ray_workers,
            batch_sentences=batch_sentences,
            keep_documents=False,
            max_size=parse_size(max_size),
            follow_links=follow_links,
            fields=Fields.of(text=text_field, title=title_field, id=id_field, date=date_field, url=url_field),
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CacheWarning)
            lines, code = _execute(options, glossaries)
        for warning in caught:
            say(f"normalize: warning: {warning.message}")
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except NormalizeError as exc:
        raise fail(str(exc), EXIT_FAILED) from None
    except Interrupted as exc:
        raise fail(
            f"interrupted: {exc.written} of {exc.total} documents written to {out}/, each complete"
            + (f" ({exc.kept} of them already up to date)" if exc.kept else "")
            + "; re-run to finish",
            EXIT_INTERRUPTED,
        ) from None
    except KeyboardInterrupt:
        raise fail("interrupted before any document was written", EXIT_INTERRUPTED) from None
    if not quiet:  # failures were printed as they happened
        for line in lines:
            say(line)
    raise typer.Exit(code)


def _execute(options: RunOptions, glossaries: Path | None) -> tuple[list[str], int]:
    """Run one language, or each language of a ``--source auto`` run: (the summary's lines, the exit code)."""
    from pipeline.mixed import AUTO, mixed_summary, problem_lines, run_mixed
    from pipeline.run import run as run_pipeline

    if options.source != AUTO:
        result = run_pipeline(options)
        return result.report.summary(options.out), result.exit_code
    mixed = run_mixed(options, lambda code: resolve_glossary(None, glossaries, code, options.target, auto=True))
    for line in problem_lines(mixed):  # errors: said even with --quiet
        say(line)
    return mixed_summary(mixed, options.out), mixed.exit_code


app.command("eval", short_help="Score translations against a reference, or audit whole articles.")(eval_command)
app.command("review", short_help="Review a run's changes in the browser and edit the glossary.")(review_command)


def entry_point() -> None:
    """``python -m pipeline`` and the console script."""
    app(prog_name="normalize")


if __name__ == "__main__":  # pragma: no cover
    entry_point()
