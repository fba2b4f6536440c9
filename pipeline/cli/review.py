"""``normalize review OUTPUT_DIR``: review a run's pages in the browser and act on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def review_command(
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="Output folder of a `normalize run` (holds report.json).", show_default=False)
    ],
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on; keep 127.0.0.1 unless you know why.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="N", help="Port; 0 picks a free one.")] = 0,
    cache: Annotated[
        Path | None, typer.Option("--cache", metavar="FILE", help="Translation cache file, if the run used --cache.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", metavar="FILE", help="TOML settings; default ./normalize.toml if present.")
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", show_default=False, help="Open the index in the default browser (not by default).")
    ] = False,
) -> None:
    """Serve OUT's review pages on a local address: accept or reject changes, resolve findings, edit the glossary."""
    from pipeline.cli.errors import fail
    from pipeline.config import load_settings
    from pipeline.errors import ConfigError, NormalizeError, printable
    from pipeline.mixed import language_folders
    from pipeline.review.server import new_session, open_socket, output_folder, serve
    from pipeline.review.workspace import Workspace

    try:
        languages = language_folders(out)
        if languages:
            shown = ", ".join(str(out / code) for code in languages)
            raise ConfigError(
                f"{out} holds one run per language ({shown}): review one, e.g. normalize review {out / languages[0]}"
            )
        settings = load_settings(config)
        workspace = Workspace(output_folder(out), cache_path=cache or settings.cache_path, engine_settings=settings.engines)
        sock = open_socket(host, port)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except NormalizeError as exc:
        raise fail(str(exc), 1) from None
    session = new_session(workspace, sock, host)
    count = len(workspace.docs)
    folder = printable(str(out))  # a folder's name cannot drive the terminal
    typer.echo(
        f"Reviewing {count} document{'' if count == 1 else 's'} of {folder}/ at\n  {session.url}\nCtrl-C to stop.", err=True
    )
    if open_browser:
        import webbrowser

        webbrowser.open(session.url)
    try:
        serve(session, sock)
    except KeyboardInterrupt:
        pass
    finally:
        workspace.close()
        sock.close()
