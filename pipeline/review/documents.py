"""A run's documents for review: read from its inputs and run through the chain on the engine's own thread.

The engine and its cache (an SQLite connection) belong to the thread that opened them, so the whole chain runs
there as one job (``worker``), whatever thread the server answers on.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.chain import Chain
from pipeline.engines import Engine
from pipeline.errors import NormalizeError
from pipeline.glossary.load import Glossary
from pipeline.model import Document
from pipeline.outputs.names import output_names
from pipeline.readers.files import read_document
from pipeline.render import FORMATS
from pipeline.render.json_format import OutputFormatError, read_output
from pipeline.review.record import RunRecord

__all__ = ["recorded_signature", "run_documents"]


def run_documents(
    worker: ThreadPoolExecutor,
    engine: Engine,
    glossary: Glossary,
    inputs: Sequence[tuple[Path, str, str]],
    *,
    language: str,
    order: tuple[str, ...],
) -> tuple[list[Document], dict[str, dict[str, str]]]:
    """Read and run ``inputs`` (path, label shown, output name); the documents and their glossary fingerprints.

    A file that cannot be read any more becomes a failed document with the reason, as in a run.
    """
    from pipeline.resume import GlossaryUse

    docs = []
    for path, label, name in inputs:
        try:
            doc = read_document(path, language=language, name=name)
            doc.path = Path(label)
        except NormalizeError as exc:
            doc = Document(path=Path(label), name=name, text="", language=language, sha256="", error=str(exc))
        docs.append(doc)

    def work() -> dict[str, dict[str, str]]:
        chain = Chain(glossary, engine, order)
        use = GlossaryUse(glossary)
        for doc in docs:
            chain.prepare(doc)
        matches = {d.name: use.matches(d) for d in docs if not d.failed}
        chain.finish(docs)
        return {d.name: use.fingerprint(d, matches[d.name]) for d in docs if not d.failed and d.name in matches}

    return docs, worker.submit(work).result()


def recorded_signature(out: Path, record: RunRecord) -> str:
    """The run's signature as its documents' JSON records it, so a page rewritten by review still resumes."""
    if "json" not in record.formats:
        return ""
    for name in output_names([Path(p) for p in record.input_labels]):
        try:
            data = read_output(out / (name + FORMATS["json"][0]), "document")
            return str(data.get("run_signature", ""))
        except OutputFormatError:
            continue
    return ""
