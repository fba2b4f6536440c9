"""Exceptions the pipeline raises on purpose.

    NormalizeError
     ├── ConfigError      bad option, glossary or missing engine: the whole run stops (exit 2)
     │    └── EngineUnavailable
     ├── DocumentError    one input cannot be processed: that document fails, the others go on
     └── EngineError      an engine ran but misbehaved (crash, lost sentence markers)

Every message says what was expected, what came, and what to do next; the CLI
prints it on one line, never as a traceback (``printable`` escapes what a
terminal would interpret in it).
"""

from __future__ import annotations

import re


class NormalizeError(Exception):
    """Base class of every error the pipeline raises deliberately."""


class ConfigError(NormalizeError):
    """The run cannot start: a usage, configuration or glossary problem."""


class EngineUnavailable(ConfigError):
    """The requested translation engine is not installed on this machine."""


class DocumentError(NormalizeError):
    """One input document cannot be processed; the run continues without it."""


class EngineError(NormalizeError):
    """A translation engine failed while translating."""


# Control characters (C0, DEL, C1), bidirectional overrides and lone surrogates
# (undecodable file-name bytes): a name holding them could move the cursor,
# retitle the terminal (OSC) or forge a second message line.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` safe for a terminal: each unsafe character written as its escape (``\\x1b``, ``\\n``, ``\\udce9``)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), str(text))
