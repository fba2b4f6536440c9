"""Debian's Apertium, a rule-based engine that runs anywhere without a model download.

French has no direct English pair in Debian, so French goes through Spanish:
``apertium -u fr-es | apertium -u spa-eng``. All sentences of a run go through
one process pipeline, separated by numbered marker lines that both steps copy
through unchanged; the markers are checked on the way out so a lost or merged
sentence is an error, never a silent shift.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from pipeline.engines.base import Engine
from pipeline.errors import EngineError

MODES_DIR = Path("/usr/share/apertium/modes")
# (source, target) -> the Apertium modes to chain.
ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "en"): ("fr-es", "spa-eng"),
    ("es", "en"): ("spa-eng",),
    ("fr", "es"): ("fr-es",),
    ("en", "es"): ("eng-spa",),
}
PACKAGES = ("apertium", "apertium-fr-es", "apertium-eng-spa")
MARKER = "⟦{}⟧"
MARKER_LINE = re.compile(r"^[ \t]*⟦(\d+)⟧[ \t]*$", re.MULTILINE)


class ApertiumEngine(Engine):
    """Translate through a chain of Apertium modes in one process pipeline per call."""

    name = "apertium"

    def __init__(self, source: str, target: str, *, binary: str = "apertium", timeout: float = 3600.0) -> None:
        super().__init__(source, target)
        self.binary = binary
        self.modes = ROUTES[(source, target)]
        self.timeout = timeout
        self._version: str | None = None

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        route = ROUTES.get((source, target))
        return bool(route) and shutil.which("apertium") is not None and all(
            (MODES_DIR / f"{mode}.mode").exists() for mode in route or ()
        )

    @classmethod
    def install_hint(cls, source: str, target: str) -> str:
        if (source, target) not in ROUTES:
            pairs = ", ".join(f"{s}->{t}" for s, t in ROUTES)
            return f"Apertium is wired here for {pairs} only"
        return "for Apertium run: apt-get install -y --no-install-recommends " + " ".join(PACKAGES)

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = " ".join(self.modes) + " (" + _package_versions() + ")"
        return self._version

    @property
    def pivot(self) -> list[str]:
        return [self.source, "es", self.target] if len(self.modes) == 2 else [self.source, self.target]

    def translate(self, sentences: Sequence[str]) -> list[str]:
        if not sentences:
            return []
        text = "".join(f"{MARKER.format(i)}\n\n{_clean(s)}\n\n" for i, s in enumerate(sentences))
        out = self._run(text)
        parts = MARKER_LINE.split(out)
        ids = [int(x) for x in parts[1::2]]
        if ids != list(range(len(sentences))):
            raise EngineError(
                f"apertium lost sentence markers ({len(ids)} of {len(sentences)} came back); "
                "report the input that caused it"
            )
        return [" ".join(chunk.split()) for chunk in parts[2::2]]

    def _run(self, text: str) -> str:
        procs: list[subprocess.Popen[bytes]] = []
        stdin = subprocess.PIPE
        try:
            for mode in self.modes:
                proc = subprocess.Popen(
                    [self.binary, "-u", mode],
                    stdin=stdin if not procs else procs[-1].stdout,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                procs.append(proc)
        except OSError as exc:
            raise EngineError(f"cannot start {self.binary}: {exc}; {self.install_hint(self.source, self.target)}") from exc
        first, last = procs[0], procs[-1]
        assert first.stdin is not None and last.stdout is not None
        for proc in procs[:-1]:
            assert proc.stdout is not None
            proc.stdout.close()  # the next process owns the pipe now

        def feed() -> None:
            assert first.stdin is not None
            try:
                first.stdin.write(text.encode("utf-8"))
            except BrokenPipeError:
                pass
            finally:
                first.stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        output = last.stdout.read()
        writer.join()
        errors = []
        for proc, mode in zip(procs, self.modes, strict=True):
            try:
                rc = proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise EngineError(f"apertium {mode} did not finish in {self.timeout:.0f}s") from None
            err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if rc != 0:
                errors.append(f"apertium {mode} exited {rc}: {err.splitlines()[-1] if err else 'no message'}")
        last.stdout.close()
        if errors:
            raise EngineError("; ".join(errors))
        return output.decode("utf-8", "replace")


def _clean(sentence: str) -> str:
    """One line without our marker characters, so input cannot forge a boundary."""
    return " ".join(sentence.replace("⟦", "[").replace("⟧", "]").split())


def _package_versions() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}=${Version} ", *PACKAGES],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    return out.strip() or "version unknown"
