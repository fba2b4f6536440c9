"""Build tiny synthetic Argos Translate packages for tests and benchmarks.

No real Argos model can be downloaded here, so the tests build one: a
CTranslate2 Transformer with seeded random weights and a SentencePiece model
trained on fixture text, laid out and zipped exactly like an ``.argosmodel``.
It exercises the real loading, tokenisation, batching and caching code; its
output is gibberish and proves nothing about translation quality.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import model_spec, transformer_spec

SEED_TEXT = Path(__file__).resolve().parent.parent / "seeds" / "000_f8df967454c24556.txt"
# Every ASCII letter and digit appears in the training text, so placeholders
# such as ``ZQAQ`` tokenise to known pieces and decode back verbatim.
ALPHABET_LINE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 ZQAQ ZQBQ ' ’ « » - _ ( ) ; : ! ?"


@dataclass(frozen=True)
class ModelShape:
    """Transformer hyper-parameters; ``TINY`` keeps tests fast, ``BENCH`` makes decoding dominate."""

    layers: int
    heads: int
    d_model: int
    ffn: int
    vocab_size: int
    # Random weights rarely emit "</s>", and 256-token gibberish would make
    # tests and benchmarks measure runaway decoding. So one decoder position
    # dimension is a ramp (0, 1, 2, ...) and the "</s>" logit reads it: its
    # score grows with the output length and ends outputs after a few dozen
    # tokens, like a real model's. ``eos_weight``/``eos_bias`` set where.
    eos_weight: float
    eos_bias: float
    # Added to the score of every piece that starts a word ("▁..."): random weights otherwise
    # glue pieces into 60-letter "words", where a real model writes words of a few pieces.
    word_bias: float = 0.0
    # How the weights are stored on disk: None (float32) or a CTranslate2 quantization such as "int8",
    # which real Argos packages use (their model.bin is int8, so loading converts nothing).
    quantization: str | None = None
    # Make each output about as long as its input (in tokens), as a real model's is, rather than
    # a few dozen tokens whatever the input: see ``_follow_source_length``. Then the "</s>" logit
    # is ``eos_weight`` x (length so far - source length), in the units of the decoder's final
    # layer norm, + ``eos_bias``.
    follow_source_length: bool = False


TINY = ModelShape(layers=1, heads=2, d_model=32, ffn=64, vocab_size=200, eos_weight=2.0, eos_bias=-8.0, word_bias=2.0)
BENCH = ModelShape(layers=2, heads=4, d_model=256, ffn=1024, vocab_size=600, eos_weight=1.0, eos_bias=-8.5)
# The size of a real Argos model (6+6 layers, d_model 512, FFN 2048, 50k vocabulary), for bench/whole_run.py.
# The vocabulary is padded to 50k entries the decoder scores but never picks, so the output
# projection costs what a real one does; each output is about as long as its input (see bench/README.md).
REAL = ModelShape(
    layers=6, heads=8, d_model=512, ffn=2048, vocab_size=50_000, eos_weight=100.0, eos_bias=-47.0,
    word_bias=2.0, quantization="int8", follow_source_length=True,
)
# SentencePiece pieces trained for ``REAL`` (a larger table than the training text supports is capped).
REAL_PIECES = 16_000
# Rows of the decoder position table: covers the longest decoding (256) with room.
MAX_POSITIONS = 1024


def fixture_sentences() -> list[str]:
    """The seed article's paragraphs plus an alphabet line: the SentencePiece training text."""
    paragraphs = [p.strip() for p in SEED_TEXT.read_text(encoding="utf-8").split("\n") if p.strip()]
    return paragraphs + [ALPHABET_LINE]


# A few real sentences of the parallel corpora (``../shared/corpus/parallel-ru`` and ``parallel-ar``), as
# SET:LINE of Helsinki-NLP/OPUS-MT-testsets@ac0f19c0be3cb4e0d9450fcb2d7a9847c4bdd180 (WMT news test sets:
# research use under WMT's terms; FLORES-200 and NTREX-128: CC BY-SA 4.0), then sentences written for the
# rules (a quotation with its speaker, a name in naming marks). They train the synthetic ru->en and ar->en
# packages' SentencePiece models and are the articles of ``tests/test_run_ru_ar.py``.
RU_SENTENCES: tuple[tuple[str, str], ...] = (
    ("newstest2012:2797", "Париж обеспокоен связями исламского Магриба с сектой Боко Харам."),
    ("newstest2012:20", "По сути, удивительно, что исламские боевики приняли помощь от неверующих."),
    (
        "newstest2018:2821",
        'Движение "Талибан" угрожает сорвать процесс выборов, которые совпадают с переходом международных сил '
        "от боевых операций к роли советников.",
    ),
    (
        "newstest2019:1708",
        'По словам Муаллема, США и их партнеры оказывали "прямую поддержку террористам", так как цели боевиков и '
        'западной коалиции в Сирии совпадали и подразумевали "сеяние хаоса, смерть и разрушения на своем пути".',
    ),
    ("written", "«ДАИШ будет побеждён», — заявил Лавров."),
    ("written", "«Мы уничтожим всех террористов», — заявил министр."),
)
AR_SENTENCES: tuple[tuple[str, str], ...] = (
    ("flores200-devtest:27", "وستتولى تركيا أيضاً حراسة مقاتلي داعش الذين تم أسرهم، وقال البيان إن الدول الأوروبية رفضت إعادتهم."),
    ("flores200-devtest:36", "وقالت الشرطة إنها تشتبه في مسؤولية أحد مقاتلي داعش المزعومين عن الهجوم."),
    ("ntrex128-newstest2019:1648", "وصرحت الشرطة، حسب أقوالهم، بأنه رغب في تعليق علم تنظيم داعش داخل غرفته بالمشفى."),
    ("ntrex128-newstest2019:1954", "تواصل الحكومة إصلاح المناطق التي دمرها الإرهابيون لاستعادة سيرالحياة الطبيعية."),
    ("written", "وأعلن تنظيم «داعش» مسؤوليته عن الهجوم."),
    ("written", "وقال المتحدث باسم الجيش: «قضينا على الإرهابيين في المدينة»."),
)
LANGUAGE_SENTENCES = {"ru": RU_SENTENCES, "ar": AR_SENTENCES}


def language_sentences(code: str) -> list[str]:
    """SentencePiece training text for a synthetic CODE->en package: the sentences above, the alphabet line."""
    return [text for _, text in LANGUAGE_SENTENCES[code]] + [ALPHABET_LINE]


def train_sentencepiece(directory: Path, vocab_size: int, sentences: list[str] | None = None) -> Path:
    """Train a SentencePiece unigram model (default: on the fixture text); returns ``sentencepiece.model``."""
    directory.mkdir(parents=True, exist_ok=True)
    corpus = directory / "sp_corpus.txt"
    corpus.write_text("\n".join(sentences or fixture_sentences()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(directory / "sentencepiece"),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    corpus.unlink()
    (directory / "sentencepiece.vocab").unlink()
    return directory / "sentencepiece.model"


def build_ctranslate2_model(directory: Path, vocabulary: list[str], shape: ModelShape, seed: int) -> Path:
    """Save a Transformer with seeded random weights and a shared vocabulary to ``directory``.

    A vocabulary shorter than ``shape.vocab_size`` is padded with entries the decoder never picks.
    """
    spec = transformer_spec.TransformerSpec.from_config(num_layers=shape.layers, num_heads=shape.heads)
    rng = np.random.default_rng(seed)
    real = len(vocabulary)
    if shape.vocab_size > real:
        vocabulary = vocabulary + [f"<pad{i}>" for i in range(shape.vocab_size - real)]
    d, v = shape.d_model, len(vocabulary)
    eos = vocabulary.index("</s>")

    def fill(layer: object, name: str, value: object) -> None:
        if value is not None:  # already set, or model_spec.OPTIONAL
            return
        leaf = name.rsplit("/", 1)[-1]
        owner = name.rsplit("/", 2)[-2]
        if leaf == "gamma":
            weight = np.ones(d, dtype=np.float32)
        elif leaf == "beta":
            weight = np.zeros(d, dtype=np.float32)
        elif owner.startswith("embeddings") or owner == "projection":
            weight = rng.normal(0, 1 / np.sqrt(d), (v, d)).astype(np.float32)
        else:
            # first match wins: "attention/linear_1" (cross-attention keys and values) also ends
            # "self_attention/linear_1"
            rows = {
                "self_attention/linear_0": 3 * d,
                "self_attention/linear_1": d,
                "attention/linear_1": 2 * d,
                "ffn/linear_0": shape.ffn,
            }
            cols = shape.ffn if name.endswith("ffn/linear_1/weight") else d
            n_rows = next((n for key, n in rows.items() if name.endswith(key + "/weight")), d)
            weight = rng.normal(0, 1 / np.sqrt(cols), (n_rows, cols)).astype(np.float32)
        setattr(layer, leaf, weight)

    model_spec.visit_spec(spec, fill)
    spec.decoder.position_encodings.encodings = _length_aware_positions(d)
    if shape.follow_source_length:
        _follow_source_length(spec, shape)
    spec.decoder.projection.weight[eos] = 0.0
    spec.decoder.projection.weight[eos, 0] = shape.eos_weight
    bias = np.zeros(v, dtype=np.float32)
    bias[eos] = shape.eos_bias
    bias[real:] = -1e4  # padding: scored at every step, never chosen
    if shape.word_bias:
        bias[[i for i, piece in enumerate(vocabulary[:real]) if piece.startswith("\u2581") and len(piece) > 1]] += shape.word_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    if shape.quantization:
        spec.optimize(quantization=shape.quantization)
    directory.mkdir(parents=True, exist_ok=True)
    spec.save(str(directory))
    return directory


def _length_aware_positions(d_model: int, ramp: float = 1.0) -> np.ndarray:
    """Sinusoidal position encodings whose first dimension is replaced by the position times ``ramp``."""
    positions = np.arange(MAX_POSITIONS, dtype=np.float32)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, d_model, 2, dtype=np.float32) / d_model)
    table = np.zeros((MAX_POSITIONS, d_model), dtype=np.float32)
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    table[:, 0] = positions[:, 0] * ramp
    return table


# Slopes of the two position ramps ``_follow_source_length`` adds: small enough that dimension 0
# never dominates a layer norm's variance on sentences of a few dozen tokens.
SOURCE_RAMP = 0.1
TARGET_RAMP = 0.25
# The encoder's final layer norm divides dimension 0 by the residual stream's spread, which random
# weights of REAL's size put at about this: calibrated so that outputs on the bench corpora are
# 1.00x their inputs' length in tokens (see bench/README.md).
ENCODER_SPREAD = 2.67


def _follow_source_length(spec: transformer_spec.TransformerSpec, shape: ModelShape) -> None:
    """Rewire dimension 0 so that the decoder knows ``target position - source length`` there.

    The encoder carries its position times ``SOURCE_RAMP`` in dimension 0 (no embedding or sublayer
    writes it). In decoder layer 0 the last cross-attention head has zero queries, so it attends
    evenly over the source, and its value is encoder dimension 0: the mean source position, half the
    source length. Its output subtracts twice that, in ``TARGET_RAMP`` units, from the decoder's own
    position ramp in dimension 0, which no other weight writes. "</s>" reads that dimension.
    (The alignment head, head 0 of the last layer, is untouched.)
    """
    d, heads = shape.d_model, shape.heads
    depth = d // heads
    head = heads - 1
    spec.encoder.position_encodings.encodings = _length_aware_positions(d, SOURCE_RAMP)
    spec.decoder.position_encodings.encodings = _length_aware_positions(d, TARGET_RAMP)
    spec.encoder.embeddings[0].weight[:, 0] = 0.0
    spec.decoder.embeddings.weight[:, 0] = 0.0
    for layer in spec.encoder.layer:
        layer.self_attention.linear[1].weight[0] = 0.0
        layer.ffn.linear_1.weight[0] = 0.0
    for layer in spec.decoder.layer:
        layer.self_attention.linear[1].weight[0] = 0.0
        layer.attention.linear[2].weight[0] = 0.0
        layer.ffn.linear_1.weight[0] = 0.0
    cross = spec.decoder.layer[0].attention
    cross.linear[0].weight[head * depth : (head + 1) * depth] = 0.0  # zero queries: even attention
    value = cross.linear[1].weight[d + head * depth]
    value[:] = 0.0
    value[0] = 1.0  # encoder dimension 0, after its final layer norm: SOURCE_RAMP x position / spread
    cross.linear[2].weight[:, head * depth] = 0.0
    cross.linear[2].weight[0, head * depth] = -2.0 * TARGET_RAMP * ENCODER_SPREAD / SOURCE_RAMP


def build_package(
    out_dir: Path,
    from_code: str,
    to_code: str,
    *,
    package_version: str = "1.0",
    shape: ModelShape = TINY,
    seed: int = 0,
    sentences: list[str] | None = None,
    pieces: int | None = None,
) -> Path:
    """Build ``translate-FROM_TO-VERSION.argosmodel`` in ``out_dir`` and return its path.

    The archive holds one top-level directory with ``metadata.json``,
    ``model/`` (CTranslate2) and ``sentencepiece.model``, as Argos expects.
    SentencePiece is trained on ``sentences`` (default: the fixture text)
    with ``pieces`` pieces (default: the shape's vocabulary size).
    """
    name = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    root = out_dir / name
    sp_model = train_sentencepiece(root, pieces or shape.vocab_size, sentences)
    processor = spm.SentencePieceProcessor(model_file=str(sp_model))
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    build_ctranslate2_model(root / "model", vocabulary, shape, seed)
    metadata = {
        "package_version": package_version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code.upper(),
        "to_code": to_code,
        "to_name": to_code.upper(),
        "type": "translate",
        "links": [],
    }
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (root / "README.md").write_text("Synthetic test package: random weights, gibberish output.\n", encoding="utf-8")
    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(out_dir).as_posix())
    return archive
