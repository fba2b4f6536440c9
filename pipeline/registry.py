"""One small registry for everything chosen by name: stages, engines, executors, output formats, grammars.

A ``Registry`` is a mapping from name to whatever the kind needs (a class, a
``"module:Class"`` string imported on first use, a factory); what it adds is
registering by decorator and one error that names the kind and every choice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pipeline.errors import ConfigError

T = TypeVar("T")


class Registry(dict[str, T]):
    """Names of one kind of thing (``kind`` is said in errors: "unknown stage 'x'")."""

    def __init__(self, kind: str, items: Iterable[tuple[str, T]] = ()) -> None:
        super().__init__(items)
        self.kind = kind

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@STAGES.register("match")`` on a class or function."""

        def add(thing: T) -> T:
            self[name] = thing
            return thing

        return add

    def find(self, name: str) -> T:
        """The thing registered as ``name``, or a ``ConfigError`` that lists the choices."""
        try:
            return self[name]
        except KeyError:
            raise ConfigError(f"unknown {self.kind} {name!r}: choose one of {', '.join(self)}") from None


def load(spec: str) -> Any:
    """The object a lazy registry entry names: ``"package.module:attribute"``, imported now (a missing optional
    dependency costs nothing until its entry is used)."""
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute)
