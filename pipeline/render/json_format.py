"""The JSON outputs' contract: the document JSON written here, and the one reader of every JSON output.

Each output carries its ``format_version`` (``review.json``: ``version``) and
has a JSON Schema shipped in ``pipeline/render/schemas/`` (document, report,
review, languages). Later versions may add fields, never remove them: downstream scripts
rely on ``source[start:end] == segment.source`` and ``target[target_span] ==
target_text``. ``read_output`` is what resume, the index, the review server and
eval read these files with: a file from a newer normalize, or one that is not
normalize's, is refused with one line instead of being half-understood.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import marshal
import os
import re
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pipeline.errors import NormalizeError
from pipeline.model import Document
from pipeline.render.run_info import RunInfo

FORMAT_VERSION = 1  # of the document JSON and report.json; bump when a field changes meaning or goes
Kind = Literal["document", "report", "review", "languages"]
VERSION_KEY: dict[str, str] = {"document": "format_version", "report": "format_version", "review": "version",
                               "languages": "format_version"}  # fmt: skip


class OutputFormatError(NormalizeError):
    """A JSON output that is missing, not normalize's, or from a newer normalize."""


def document_dict(doc: Document, run: RunInfo, *, glossary_use: dict[str, str] | None = None) -> dict[str, Any]:
    """``glossary_use``: what of the glossary the document depends on (``pipeline.run.GlossaryUse``), for resume."""
    return {
        "format_version": FORMAT_VERSION,
        "source": {
            "path": str(doc.path),
            "language": doc.language,
            "sha256": doc.sha256,
            "metadata": doc.metadata,
        },
        "target": {"language": run.target},
        "engine": {"name": run.engine, "version": run.engine_version, "pivot": run.pivot},
        "signature": run.signature_line(),
        "run_signature": run.run_signature,
        **({"glossary_fingerprint": glossary_use} if glossary_use is not None else {}),
        "glossaries": dict(run.glossary.files),
        "warnings": list(doc.warnings),
        "segments": [
            {
                "id": seg.id,
                "paragraph": seg.paragraph,
                "start": seg.start,
                "end": seg.end,
                "source": seg.source,
                "mt": seg.mt,
                "target": seg.target,
                "changes": [c.to_json() for c in seg.changes],
                "findings": [f.to_json() for f in seg.findings],
            }
            for seg in doc.segments
        ],
    }


def render_document(doc: Document, run: RunInfo, *, glossary_use: dict[str, str] | None = None) -> str:
    return dumps(document_dict(doc, run, glossary_use=glossary_use))


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_output(path: Path, kind: Kind) -> dict[str, Any]:
    """``path``'s content, checked against its schema; ``OutputFormatError`` says what is wrong and what to do.

    Read only when it is a regular file (never through a link, never a FIFO). A file written before
    versions were recorded has the first version's layout and is read as version 1.
    """
    from pipeline.outputs.write import read_own

    text = read_own(path)
    if text is None:
        raise OutputFormatError(f"{path}: missing or not a regular file; run `normalize run` again to write it")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise OutputFormatError(f"{path}: not JSON ({exc}); run `normalize run` again to rewrite it") from None
    return check_output(data, kind, where=str(path))


def check_output(data: Any, kind: Kind, *, where: str = "the output") -> dict[str, Any]:
    """``data`` if it is a ``kind`` output this version of normalize reads; else ``OutputFormatError``."""
    import fastjsonschema

    if not isinstance(data, dict):
        raise OutputFormatError(f"{where}: not a normalize {kind} file (not a JSON object); run `normalize run` again")
    version = data.setdefault(VERSION_KEY[kind], 1)
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise OutputFormatError(
            f"{where}: written by a newer normalize (format {version}; this one reads up to {FORMAT_VERSION}); upgrade normalize"
        )
    try:
        _validator(kind)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise OutputFormatError(f"{where}: not a normalize {kind} file ({exc.message}); run `normalize run` again") from None
    return data


def schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of one output, as shipped in ``pipeline/render/schemas/``."""
    text = resources.files("pipeline.render").joinpath(f"schemas/{kind}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator(kind: Kind) -> Callable[[Any], Any]:
    return compiled_validator(schema(kind))


def compiled_validator(definition: dict[str, Any]) -> Callable[[Any], Any]:
    """``fastjsonschema.compile(definition)``, with the generated code kept in the user's cache folder.

    Generating a validator costs ~25 ms for the document schema, on every resumed run (its first JSON read);
    loading the code already generated costs ~0.3 ms. The file is named by what the code depends on (the
    schema, fastjsonschema's version, Python's bytecode format), so a change generates it again; a cache that
    cannot be read or written only costs the generation.
    """
    import fastjsonschema

    from pipeline.engines.cache import cache_home

    text = json.dumps(definition, sort_keys=True)
    key = hashlib.sha256(f"{text}\n{fastjsonschema.VERSION}\n{importlib.util.MAGIC_NUMBER.hex()}".encode()).hexdigest()
    path = cache_home() / "validators" / f"{key[:32]}.marshal"
    try:
        name, code = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        source = fastjsonschema.compile_to_code(definition)
        found = VALIDATE_FUNCTION.search(source)
        assert found is not None, "fastjsonschema generated no validate function"
        name, code = found.group(1), compile(source, f"<validator {key[:12]}>", "exec")
        _store(path, marshal.dumps((name, code)))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # code fastjsonschema generated from our own schema
    validate: Callable[[Any], Any] = namespace[name]
    return validate


VALIDATE_FUNCTION = re.compile(r"^def (\w+)\(", re.MULTILINE)  # the first is the schema's root (its $refs follow)


def _store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (a temporary file renamed), or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # the next run generates the code again
