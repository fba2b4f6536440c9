"""One Argos package loaded for decoding: tokenise as Argos does, batch by length, decode in one streaming call.

argostranslate itself translates one paragraph per call, re-splits sentences
with a model it downloads, and batches 32 tokens at a time. The pipeline has
already split sentences and hands over every sentence of every document, so
this model tokenises exactly as Argos does (SentencePiece pieces, the
package's target prefix) and sends everything, sorted by length, to
CTranslate2 in one call (``translate_iterable``: 512-token ``translate_batch``
batches, streamed so memory does not grow with the input).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.engines.argos.alignment import EMPTY, REVERSE_CANDIDATES, Alignment, piece_spans
from pipeline.engines.argos.options import LENGTH_PENALTY
from pipeline.engines.base import Span
from pipeline.engines.chunking import split_to_fit
from pipeline.errors import EngineError, EngineUnavailable

if TYPE_CHECKING:
    import ctranslate2
    import sentencepiece
    from argostranslate.package import Package


class PackageModel:
    """One package's CTranslate2 translator and SentencePiece model, loaded once, used for whole batches."""

    def __init__(
        self,
        package: Package,
        *,
        device: str,
        compute_type: str,
        threads: tuple[int, int],
        beam_size: int,
        max_batch_tokens: int,
        max_input_tokens: int,
    ) -> None:
        import ctranslate2
        import sentencepiece

        root = Path(package.package_path)
        sp_path = root / "sentencepiece.model"
        if not sp_path.is_file():
            raise EngineUnavailable(
                f"the Argos package in {root} has no sentencepiece.model (BPE packages are not supported); "
                "install a current package with `normalize models install`"
            )
        try:
            self.translator: ctranslate2.Translator = ctranslate2.Translator(
                str(root / "model"),
                device=device,
                compute_type=compute_type,
                inter_threads=threads[0],
                intra_threads=threads[1],
            )
            self.processor: sentencepiece.SentencePieceProcessor = sentencepiece.SentencePieceProcessor(
                model_file=str(sp_path)
            )
        except (RuntimeError, OSError, ValueError) as error:
            raise EngineError(
                f"cannot load the Argos model in {root} ({error}); reinstall it with `normalize models install`"
            ) from error
        self.target_prefix: str = package.target_prefix
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.curly_apostrophe = needs_apostrophe_normalising(self.processor)

    def translate(self, texts: Sequence[str]) -> list[str]:
        """One output per input: unique, non-blank texts go to the model once, long ones in pieces."""
        return [result.text for result in self.run(texts, align=frozenset())]

    def translate_aligned(self, texts: Sequence[str], wanted: Sequence[bool]) -> list[Alignment]:
        """Like ``translate``; the output of each text ``wanted`` with the source token every target token
        attended to most. The others (sentences without a glossary hit) keep no attention: it would only cost memory."""
        return self.run(texts, align=frozenset(t.strip() for t, w in zip(texts, wanted, strict=True) if w))

    def run(self, texts: Sequence[str], *, align: AbstractSet[str]) -> list[Alignment]:
        """Deduplicate, split over-long texts, decode everything in one call, join the pieces back."""
        unique = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
        pieces: list[str] = []
        lengths: list[int] = []
        aligned: list[bool] = []
        owners: list[tuple[int, int]] = []  # (unique text, offset of the piece in it)
        for owner, text in enumerate(unique):
            length = self._count(text)
            split = (
                [text] if length <= self.max_input_tokens else split_to_fit(text, self._count, self.max_input_tokens)
            )
            offset = 0
            for part in split:
                piece = part.strip()
                if piece:
                    pieces.append(piece)
                    lengths.append(length if len(split) == 1 else self._count(piece))
                    aligned.append(text in align)
                    owners.append((owner, offset + len(part) - len(part.lstrip())))
                offset += len(part)
        joined: list[list[tuple[Alignment, int]]] = [[] for _ in unique]
        for (owner, offset), result in zip(owners, self._translate_pieces(pieces, lengths, aligned), strict=True):
            joined[owner].append((result, offset))
        by_text = {text: Alignment.join(parts) for text, parts in zip(unique, joined, strict=True)}
        results = []
        for text in texts:
            lead = len(text) - len(text.lstrip())
            result = by_text.get(text.strip(), EMPTY)
            results.append(result.shifted_source(lead) if lead else result)
        return results

    def _translate_pieces(self, pieces: list[str], lengths: list[int], aligned: list[bool]) -> list[Alignment]:
        """Shortest first (less padding), one streaming CTranslate2 call, decoded as results arrive.

        ``translate_iterable`` is CTranslate2's streaming form of
        ``translate_batch``: it reads 16 batches (8k tokens) ahead and runs
        ``translate_batch`` on them asynchronously. Tokens are made lazily, so
        memory stays flat however many documents come in one call (token lists
        for 26,000 sentences alone cost ~160 MB of Python strings). The
        attention matrix of each ``aligned`` piece is reduced to one source
        token per target token as it arrives, so it never accumulates either.
        """
        attention = any(aligned)
        order = sorted(range(len(pieces)), key=lengths.__getitem__)
        prefix = ([self.target_prefix] for _ in order) if self.target_prefix else None
        out = [EMPTY] * len(pieces)
        encoded: dict[int, list[Span]] = {}

        def source(i: int) -> list[str]:
            if not aligned[i]:
                return self._encode(pieces[i])
            tokens, encoded[i] = self._encode_with_spans(pieces[i])
            return tokens

        try:
            results = self.translator.translate_iterable(
                (source(i) for i in order),
                target_prefix=prefix,
                max_batch_size=self.max_batch_tokens,
                batch_type="tokens",
                beam_size=self.beam_size,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                return_attention=attention,
                max_input_length=0,  # never truncate: long inputs were already split to fit
            )
            for position, result in zip(order, results, strict=True):
                hypothesis = result.hypotheses[0]
                text = self._decode(hypothesis)
                if aligned[position]:
                    out[position] = self._align(text, hypothesis, result.attention[0], encoded.pop(position))
                else:
                    out[position] = Alignment(text)
        except RuntimeError as error:
            raise EngineError(f"CTranslate2 failed on a batch of {len(pieces)} sentences ({error})") from error
        return out

    def _align(self, text: str, hypothesis: list[str], attention: list[list[float]], source: list[Span]) -> Alignment:
        """Each target token's character span in ``text`` and that of the source token it attends to most."""
        skip = len(hypothesis) - len(attention) if len(attention) < len(hypothesis) else 0
        if self.target_prefix and hypothesis[:1] == [self.target_prefix]:
            skip = max(skip, 1)
        tokens = hypothesis[skip:]
        weights = attention[len(attention) - len(tokens) :] if tokens else []
        if not tokens or not source or not weights:
            return Alignment(text)
        import numpy as np

        matrix = np.asarray(weights, dtype=np.float32)[:, : len(source)]
        targets = piece_spans(text, tokens)
        visible = [row for row, (a, b) in enumerate(targets) if a < b]  # a lone "▁" renders as no character
        if not visible:
            return Alignment(text)
        matrix = matrix[visible]
        best = matrix.argmax(axis=1)
        links = tuple(
            (targets[row], source[int(j)], float(matrix[k, j])) for k, (row, j) in enumerate(zip(visible, best, strict=True))
        )
        # A hit is rendered as words: a target token with no letter or digit ("(...)", ".") is never a candidate.
        words = np.array([any(ch.isalnum() for ch in text[a:b]) for a, b in (targets[row] for row in visible)])
        top = np.argsort(-np.where(words[:, None], matrix, -1.0), axis=0, kind="stable")[
            : min(REVERSE_CANDIDATES, int(words.sum()))
        ]
        reverse = tuple(
            (span, targets[visible[int(k)]], float(matrix[k, j]))
            for j, span in enumerate(source[: matrix.shape[1]])
            if span[0] < span[1]
            for k in top[:, j]
        )
        return Alignment(text, links, reverse)

    def _encode(self, text: str) -> list[str]:
        if self.curly_apostrophe:
            text = text.replace("\u2019", "'")
        return list(self.processor.encode(text, out_type=str))

    def _encode_with_spans(self, text: str) -> tuple[list[str], list[Span]]:
        tokens = self._encode(text)
        return tokens, piece_spans(text.replace("\u2019", "'") if self.curly_apostrophe else text, tokens)

    def _count(self, text: str) -> int:
        return len(self._encode(text))

    def _decode(self, pieces: list[str]) -> str:
        """Decode as Argos does, minus its ``_`` -> space replacement, which breaks placeholders and identifiers."""
        text = str(self.processor.decode_pieces(pieces)).replace("\u2581", " ")
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix) :]
        return text.strip()


def needs_apostrophe_normalising(processor: sentencepiece.SentencePieceProcessor) -> bool:
    """True when the model knows ``'`` but not ``’``: French elision (``l’État``) then tokenises like the training data.

    Models that do know ``’`` keep it, so quotes and typography survive.
    """
    unk = processor.unk_id()
    return unk in processor.encode("\u2019") and unk not in processor.encode("'")

