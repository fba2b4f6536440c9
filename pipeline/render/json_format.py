"""The per-document JSON contract and the run report.

Later versions may add fields, never remove them: downstream scripts rely on
``source[start:end] == segment.source`` and ``target[target_span] == target_text``.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.model import Document
from pipeline.render.run_info import RunInfo


def document_dict(doc: Document, run: RunInfo, *, glossary_use: dict[str, str] | None = None) -> dict[str, Any]:
    """``glossary_use``: what of the glossary the document depends on (``pipeline.run.GlossaryUse``), for resume."""
    return {
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
