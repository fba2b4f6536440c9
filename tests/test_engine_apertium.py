"""The Apertium engine, for real: Debian's apertium with fr-es and spa-eng."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

import pipeline.engines.apertium as apertium_module
from pipeline.engines import create_engine, engine_class
from pipeline.engines.apertium import ApertiumEngine, unknown_spans
from pipeline.errors import ConfigError, EngineError, EngineUnavailable
from tests.conftest import needs


@pytest.fixture(scope="module")
def apertium() -> ApertiumEngine:
    engine = create_engine("apertium", "fr", "en")
    assert isinstance(engine, ApertiumEngine)
    return engine


@needs("apertium")
def test_translates_french_to_english_through_spanish(apertium: ApertiumEngine) -> None:
    out = apertium.translate(["La Russie a livré des missiles à la Syrie.", "Les analystes croient à un retour."])
    assert len(out) == 2
    assert "Russia" in out[0] and "Syria" in out[0]
    assert "analysts" in out[1]
    assert apertium.pivot == ["fr", "es", "en"]
    assert "apertium-fr-es=" in apertium.version


@needs("apertium")
def test_one_output_per_sentence_in_order_even_when_hostile(apertium: ApertiumEngine) -> None:
    sentences = [f"Phrase numéro {i} sans point" for i in range(300)]
    sentences[5] = ""
    sentences[7] = "⟦3⟧ imite un marqueur"
    sentences[9] = "Une ligne\navec un saut"
    out = apertium.translate(sentences)
    assert len(out) == 300
    assert out[5] == ""
    assert "[3]" in out[7]
    assert "\n" not in out[9]
    assert "299" in out[299] and "42" in out[42]


@needs("apertium")
def test_a_sentence_translates_the_same_alone_and_in_any_batch(apertium: ApertiumEngine) -> None:
    # Unpunctuated lines (headings, captions) before these used to change them: "There OF AGREEMENT", "18 month", "girls".
    sentences = [
        "PAS D'ACCORD POUR CRÉER DES APATRIDES",
        "Depuis plus de 18 mois, les autorités françaises ont souvent changé de pied.",
        "Dix enfants de jihadistes français étaient retenus dans des camps de déplacés.",
        "Les Kurdes se disent prêts à s'arranger.",
    ]
    before = ["Il est là", "Nous sommes en guerre", "UNE GRANDE CONFÉRENCE POUR RECONSTRUIRE LA SYRIE", "Selon lui"]
    alone = [apertium.translate([s])[0] for s in sentences]
    batch = [x for b in before for s in sentences for x in (b, s)]
    assert apertium.translate(batch)[1::2] == alone * len(before)
    assert [out.text for out in apertium.translate_aligned(batch, [()] * len(batch))][1::2] == alone * len(before)
    assert apertium.translate(sentences[::-1]) == alone[::-1]


def _script_chain(engine: ApertiumEngine, sentences: list[str], *, marks: bool) -> list[str]:
    """The sentences through the ``apertium`` script itself, one leg after the other, as the engine ran them before."""
    stream = b"".join(engine._stream(sentences, time.monotonic() + 60))
    for mode in engine.modes:
        command = ["apertium", "-f", "none", "-z", *([] if marks else ["-u"]), mode]
        stream = subprocess.run(command, input=stream, capture_output=True, check=True).stdout
    return engine._texts(
        [subprocess.run(["apertium-retxt"], input=stream, capture_output=True, check=True).stdout], len(sentences)
    )


@needs("apertium")
def test_texts_and_unknown_words_are_those_of_the_apertium_script_chains(apertium: ApertiumEngine) -> None:
    # The marks change what the next leg and the post-generator do ("a **imam", "an imam"; "*Sales", "Exit"), so the
    # unmarked text is not the marked one without marks: each leg's front runs once and feeds both tails.
    sentences = [
        "Converti à l'islam à 21 ans au contact d'un imam, il est très vite fanatisé.",
        "Il y a aujourd'hui une prise de conscience qui est insuffisante de leur part.",
        "Omaima A., une Germano-Tunisienne de 35 ans, s'était rendue en Syrie en 2015 avec ses trois enfants.",
        "Les takfiristes de Daech ont attaqué les combattants kurdes.",
        "L'envoyé Nathan Sales a parlé.",
        "La Russie a livré des missiles à la Syrie.",
    ] * 40  # over JOB_BYTES, so split across pipelines
    plain, marked = _script_chain(apertium, sentences, marks=False), _script_chain(apertium, sentences, marks=True)
    out = apertium.translate_aligned(sentences, [()] * len(sentences))
    assert [o.text for o in out] == plain == apertium.translate(sentences)
    assert [o.unknown for o in out] == [unknown_spans(p, m) for p, m in zip(plain, marked, strict=True)]
    assert any(p != "".join(ch for ch in m if ch not in "*@#") for p, m in zip(plain, marked, strict=True))
    one = ApertiumEngine("fr", "en", jobs=1).translate_aligned(sentences[:6], [()] * 6)
    assert one == out[:6]


@needs("apertium")
def test_stream_format_characters_and_nul_come_back_as_text(apertium: ApertiumEngine) -> None:
    out = apertium.translate(["Paris [b] c\\d ^e$ f/g <h> @i {j} *k #l 50% ~m |n", "un\0deux", "Fin."])
    for kept in ("[b]", "c\\d", "^", "$", "f/g", "<h>", "@i", "{j}", "*k", "#l", "50%", "~m", "|n"):
        assert kept in out[0]
    assert "\0" not in out[1] and out[1]
    assert out[2] == "Final."  # the sentence after the NUL is still its own


@needs("apertium")
def test_placeholders_survive(apertium: ApertiumEngine) -> None:
    tokens = [apertium.placeholder(i) for i in range(30)]
    out = apertium.translate([f"Les combattants de {t} ont attaqué {u}." for t, u in zip(tokens, reversed(tokens), strict=True)])
    for line, t, u in zip(out, tokens, reversed(tokens), strict=True):
        assert t in line and u in line


@needs("apertium")
def test_empty_batch_starts_no_process(apertium: ApertiumEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("an empty batch started apertium")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert apertium.translate([]) == []
    assert apertium.translate_aligned([], []) == []


def test_unknown_engine_and_pair_are_configuration_errors() -> None:
    with pytest.raises(ConfigError, match="unknown engine 'babel'"):
        create_engine("babel", "fr", "en")
    with pytest.raises(EngineUnavailable, match="fr->en"):
        create_engine("apertium", "xx", "en")
    assert "apt-get install" in engine_class("apertium").install_hint("fr", "en")


@needs("apertium")
def test_unknown_words_are_reported_as_spans_of_the_unmarked_text(apertium: ApertiumEngine) -> None:
    sentences = [
        "Les takfiristes de Daech ont attaqué les combattants kurdes.",
        "La Russie a livré des missiles à la Syrie.",
        "",
        "Le #MeToo et @AFP, *note",
    ]
    out = apertium.translate_aligned(sentences, [[(4, 15)], [], [], []])
    assert [o.text for o in out] == apertium.translate(sentences)  # the text is exactly the -u chain's
    assert not any(mark in out[0].text for mark in "*@#")
    words = [[o.text[a:b] for a, b in o.unknown] for o in out]
    assert "takfiristes" in words[0] and "Daech" in words[0]  # unknown to the French leg
    assert "combatientes" in words[0]  # a Spanish word the second leg did not know: a leak, now visible
    assert words[1] == [] and words[2] == []
    assert "#MeToo" in out[3].text and "@AFP" in out[3].text and "*note" in out[3].text  # literal marks kept
    assert out[0].spans == (None,)


def test_unknown_spans_carry_marks_over_to_the_plain_text() -> None:
    plain = "The takfiristes of Daech have attacked the combatientes kurdos to Raqqa."
    marked = "The **takfiristes of **Daech have #attack the *combatientes *kurdos to **Raqqa."
    assert [plain[a:b] for a, b in unknown_spans(plain, marked)] == ["takfiristes", "Daech", "combatientes", "kurdos", "Raqqa"]
    # Where a mark changed the next leg's reading ("*Sales" stayed a name), the other words still count.
    plain = "But the envoy Nathan Exit said."
    assert [plain[a:b] for a, b in unknown_spans(plain, "But the envoy *Nathan *Sales said.")] == ["Nathan"]
    assert unknown_spans("The #MeToo", "The #**MeToo") == ((5, 10),)
    assert unknown_spans("cette", "ce**tte") == ()  # a mark inside a word is not a word


# Process handling, with fake apertium scripts (no Apertium needed): every pipe is drained at once, one deadline ends all.


def _fake_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, legs: dict[str, str]) -> tuple[str, Path]:
    """A fake Apertium: ``apertium`` and its helpers, and modes whose first program runs the given shell code.

    Each mode is ``leg-MODE | pass | gen $1`` (analysis, transfer, generation); every program logs its pid.
    """
    bin_dir, modes, pids = tmp_path / "bin", tmp_path / "modes", tmp_path / "pids"
    bin_dir.mkdir()
    modes.mkdir()
    monkeypatch.setattr(apertium_module, "MODES_DIR", modes)
    log = f'#!/bin/sh\necho $$ >> "{pids}"\n'
    scripts = {
        "apertium": "#!/bin/sh\nexit 0\n",
        "apertium-destxt": "#!/bin/sh\nexec cat\n",
        "apertium-retxt": log + 'exec tr -d "\\\\000"\n',
        "apertium-wblank-mode": '#!/bin/sh\nfor last in "$@"; do :; done\nexec cat "$last"\n',
        "pass": log + "exec cat\n",
        "gen": log + "exec cat\n",
    }
    for mode in ("fr-es", "spa-eng"):
        scripts[f"leg-{mode}"] = log + legs.get(mode, "exec cat") + "\n"
        (modes / f"{mode}.mode").write_text(f"{bin_dir}/leg-{mode} | {bin_dir}/pass | {bin_dir}/gen $1\n", encoding="utf-8")
    for name, text in scripts.items():
        path = bin_dir / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
    return str(bin_dir / "apertium"), pids


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def test_a_leg_that_writes_much_to_stderr_does_not_block_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1 MB on stderr before reading any input (a full stderr pipe stops its writer); the input is larger than a pipe too.
    noisy = "head -c 1000000 /dev/zero | tr '\\\\0' x >&2; exec cat"
    binary, _ = _fake_apertium(tmp_path, monkeypatch, {"fr-es": noisy, "spa-eng": noisy})
    engine = ApertiumEngine("fr", "en", binary=binary, timeout=60)
    sentences = [f"phrase {i} " + "mot " * 50 for i in range(2000)]
    assert engine.translate(sentences) == [" ".join(s.split()) for s in sentences]
    out = engine.translate_aligned(sentences, [()] * len(sentences))
    assert [o.text for o in out] == [" ".join(s.split()) for s in sentences]


def test_a_failing_leg_reports_the_last_line_of_its_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = "head -c 1000000 /dev/zero | tr '\\\\0' x >&2; echo >&2; echo 'cannot read the dictionary' >&2; exit 3"
    binary, _ = _fake_apertium(tmp_path, monkeypatch, {"spa-eng": failing})
    engine = ApertiumEngine("fr", "en", binary=binary, timeout=60)
    with pytest.raises(EngineError, match="spa-eng leg-spa-eng exited 3: cannot read the dictionary"):
        engine.translate(["Une phrase."] * 1000)


def test_a_hung_leg_times_out_and_every_process_is_ended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary, pids = _fake_apertium(tmp_path, monkeypatch, {"fr-es": "exec sleep 300"})
    engine = ApertiumEngine("fr", "en", binary=binary, timeout=0.5)
    with pytest.raises(EngineError, match="did not finish in 0.5s"):
        engine.translate(["Une phrase."] * 10)
    started = [int(line) for line in pids.read_text(encoding="utf-8").split()]
    assert len(started) == 7  # both legs' three programs and the reformatter, in one pipeline
    assert all(_gone(pid) for pid in started)
    pids.unlink()
    with pytest.raises(EngineError, match="did not finish in 0.5s"):
        engine.translate_aligned(["Une phrase."] * 10, [()] * 10)
    started = [int(line) for line in pids.read_text(encoding="utf-8").split()]
    assert len(started) == 2 and all(_gone(pid) for pid in started)  # the first leg's front: the hung program, the next


def test_available_checks_the_configured_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary, _ = _fake_apertium(tmp_path, monkeypatch, {})
    assert ApertiumEngine.available("fr", "en", binary=binary)
    missing = str(tmp_path / "nowhere" / "apertium")
    assert not ApertiumEngine.available("fr", "en", binary=missing)
    with pytest.raises(EngineUnavailable, match="nowhere"):
        ApertiumEngine("fr", "en", binary=missing)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert ApertiumEngine.available("fr", "en")  # the default binary is looked up on PATH


def test_create_engine_checks_the_configured_binary_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary, _ = _fake_apertium(tmp_path, monkeypatch, {})
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no apertium on PATH: only the configured one exists
    engine = create_engine("apertium", "fr", "en", settings={"apertium": {"binary": binary}})
    assert isinstance(engine, ApertiumEngine)
    with pytest.raises(EngineUnavailable):
        create_engine("apertium", "fr", "en", settings={"apertium": {"binary": str(tmp_path / "nowhere" / "apertium")}})
