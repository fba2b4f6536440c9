"""Run a pipeline of processes (Apertium's legs) with every pipe drained at once and one deadline for all.

Apertium is a chain of programs, each of which may write to stderr at any
time (the spa-eng transfer rules print "index > limit" on some input). A
stderr pipe that nobody reads fills at 64 KiB and stops its writer, which
then stops reading its input, so the whole chain waits forever. Here one
selector loop feeds the first process, reads the last one's output and every
process's stderr as they come; the pipeline shares one process group, so a
deadline (or any error, Ctrl-C included) ends every process in it, their
children too (the ``apertium`` script starts a dozen).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, cast

from pipeline.errors import EngineError

CHUNK = 1 << 16
STDERR_KEEP = 4096  # the tail of each process's stderr kept for error messages


@dataclass(frozen=True)
class Step:
    """One process of a pipeline: its command, and the name error messages give it."""

    command: Sequence[str]
    name: str


def run_pipeline(
    steps: Sequence[Step],
    data: bytes,
    *,
    timeout: float,
    deadline: float | None = None,
    hint: str = "",
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Pipe ``data`` through ``steps`` (each one's stdout the next one's stdin); the last one's stdout.

    Raises ``EngineError`` when a process cannot start, exits non-zero (with
    the last line it wrote to stderr) or the whole pipeline takes longer than
    ``timeout`` seconds (or passes ``deadline``, a ``time.monotonic()`` of a
    longer job that took ``timeout`` in all); every process is ended before it returns or raises.
    """
    deadline = time.monotonic() + timeout if deadline is None else deadline
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for step in steps:
            try:
                proc = subprocess.Popen(
                    list(step.command),
                    stdin=subprocess.PIPE if not procs else procs[-1].stdout,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    process_group=procs[0].pid if procs else 0,
                    env=env,
                )
            except OSError as exc:
                raise EngineError(f"cannot start {step.command[0]}: {exc}" + (f"; {hint}" if hint else "")) from exc
            if procs:
                assert procs[-1].stdout is not None
                procs[-1].stdout.close()  # the new process owns that pipe now
            procs.append(proc)
        output, errors = _communicate(procs, data, deadline)
        codes = []
        for proc in procs:
            codes.append(proc.wait(timeout=max(deadline - time.monotonic(), 0.0)))
    except (_Deadline, subprocess.TimeoutExpired):
        raise EngineError(
            f"{' | '.join(s.name for s in steps)} did not finish in {timeout:g}s; every process of it was ended"
        ) from None
    finally:
        _end(procs)
    failed = [
        f"{step.name} exited {rc}: {_last_line(err) or 'no message'}"
        for step, rc, err in zip(steps, codes, errors, strict=True)
        if rc != 0
    ]
    if failed:
        raise EngineError("; ".join(failed))
    return output


class _Deadline(Exception):
    """The pipeline's deadline passed while its pipes were still open."""


def _communicate(procs: Sequence[subprocess.Popen[bytes]], data: bytes, deadline: float) -> tuple[bytes, list[bytes]]:
    """Feed ``data`` to the first process while reading the last one's stdout and every stderr, until all close."""
    first, last = procs[0], procs[-1]
    assert first.stdin is not None and last.stdout is not None
    output: list[bytes] = []
    errors: list[bytearray] = [bytearray() for _ in procs]
    view = memoryview(data)
    with selectors.DefaultSelector() as selector:
        if view:
            os.set_blocking(first.stdin.fileno(), False)
            selector.register(first.stdin, selectors.EVENT_WRITE)
        else:
            first.stdin.close()
        selector.register(last.stdout, selectors.EVENT_READ, output)
        for proc, err in zip(procs, errors, strict=True):
            assert proc.stderr is not None
            selector.register(proc.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Deadline
            for key, _ in selector.select(left):
                fileobj = cast(IO[bytes], key.fileobj)
                if key.events & selectors.EVENT_WRITE:
                    try:
                        view = view[os.write(key.fd, view[:CHUNK]) :]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        view = view[:0]  # the first process stopped reading; its exit code says why
                    if not view:
                        selector.unregister(fileobj)
                        fileobj.close()
                    continue
                chunk = os.read(key.fd, CHUNK)
                if not chunk:
                    selector.unregister(fileobj)
                    fileobj.close()
                elif isinstance(key.data, list):
                    key.data.append(chunk)
                else:
                    err = key.data
                    err += chunk
                    del err[:-STDERR_KEEP]
    return b"".join(output), [bytes(e) for e in errors]


def _end(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    """Kill whatever is still running of the pipeline (its whole process group) and reap it."""
    if procs and any(p.poll() is None for p in procs):
        try:
            os.killpg(procs[0].pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc in procs:
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _last_line(err: bytes) -> str:
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""
