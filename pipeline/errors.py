"""Exceptions the pipeline raises on purpose.

    NormalizeError
     ├── ConfigError      bad option, glossary or missing engine: the whole run stops (exit 2)
     │    └── EngineUnavailable
     ├── DocumentError    one input cannot be processed: that document fails, the others go on
     └── EngineError      an engine ran but misbehaved (crash, lost sentence markers)

Every message says what was expected, what came, and what to do next; the CLI
prints it on one line, never as a traceback.
"""


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
