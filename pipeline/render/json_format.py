"""The per-document JSON contract and the run report.

Later versions may add fields, never remove them: downstream scripts rely on
``source[start:end] == segment.source`` and ``target[target_span] == target_text``.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.model import Document
from pipeline.render.run_info import RunInfo


def document_dict(doc: Document, run: RunInfo) -> dict[str, Any]:
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


def render_document(doc: Document, run: RunInfo) -> str:
    return dumps(document_dict(doc, run))


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
