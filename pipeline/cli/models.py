"""``normalize models``: list and install Argos Translate packages.

Only argument parsing, progress display and exit codes live here; the work is
in ``pipeline.engines.argos.packages`` and ``.index``. The main CLI adds
this sub-app with ``app.add_typer(models_app, name="models")``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.errors import fail
from pipeline.errors import NormalizeError, printable

if TYPE_CHECKING:
    from argostranslate.package import Package


models_app = typer.Typer(
    rich_markup_mode=None,
    name="models",
    help="List and install Argos Translate model packages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@models_app.command("list", short_help="Show the installed Argos packages.")
def list_packages() -> None:
    """Show installed Argos packages: language pair, version, size on disk and folder."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.engines.argos import packages as argos_packages

    directory = argos_packages.packages_dir()
    try:
        packages = argos_packages.installed_packages(directory)
    except NormalizeError as error:
        raise fail(str(error)) from None
    if not packages:
        typer.echo(f"no Argos packages in {directory}; install one with `normalize models install fr en`")
        return
    table = Table(title=f"Argos packages in {directory}")
    for column in ("pair", "version", "size", "path"):
        table.add_column(column, overflow="fold")
    for package in sorted(packages, key=lambda p: (p.from_code, p.to_code)):
        path = Path(package.package_path)
        size = argos_packages.package_size(path)
        table.add_row(f"{package.from_code}->{package.to_code}", package.package_version, _human(size), str(path))
    Console().print(table)


@models_app.command("install", short_help="Install an Argos package from the package index or a file.")
def install(
    from_code: Annotated[
        str | None, typer.Argument(metavar="FROM", help="Source language code, e.g. fr.", show_default=False)
    ] = None,
    to_code: Annotated[
        str | None, typer.Argument(metavar="TO", help="Target language code, e.g. en.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", metavar="FILE", help="Install this .argosmodel file instead of downloading.", show_default=False),
    ] = None,
) -> None:
    """Install a package: FROM TO from the Argos package index, or --file PATH.argosmodel offline."""
    from pipeline.engines.argos import packages as argos_packages  # imported by the commands, so `normalize --help` stays quick

    directory = argos_packages.packages_dir()
    try:
        if file is not None and from_code is None:
            package = argos_packages.install_file(file, directory)
        elif file is None and from_code is not None and to_code is not None:
            package = _download_and_install(from_code, to_code, directory)
        else:
            raise fail("give either two language codes (`normalize models install fr en`) or --file PATH.argosmodel")
    except NormalizeError as error:
        raise fail(str(error)) from None
    typer.echo(printable(f"installed {package.from_code}->{package.to_code} {package.package_version} in {package.package_path}"))


def _download_and_install(from_code: str, to_code: str, directory: Path) -> Package:
    """Fetch the index, download the newest matching package with a progress bar, install it."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from pipeline.engines.argos import index as argos_index  # the network code, only when a download is asked for
    from pipeline.engines.argos import packages as argos_packages

    url = argos_index.index_url()
    chosen = argos_index.choose(argos_index.fetch_index(url), from_code, to_code)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with (
        tempfile.TemporaryDirectory(prefix="normalize-download-") as scratch,
        Progress(*columns, console=Console(stderr=True), transient=True) as progress,
    ):
        task = progress.add_task(f"{from_code}->{to_code} {chosen.package_version}", total=None)
        archive = argos_index.download(
            chosen, Path(scratch), on_progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
        return argos_packages.install_file(archive, directory)


def _human(size: int) -> str:
    """Bytes as a short human figure (``12.3 MB``)."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
