"""Warnings about glossary entries that load fine but do not do what their author likely meant."""

from __future__ import annotations

from pipeline.glossary.load import Glossary
from pipeline.glossary.matcher import SLOT


def lint(glossary: Glossary) -> list[str]:
    """``file:line: message`` for each field that has no effect or contradicts another."""
    out: list[str] = []
    for e in glossary.entries:
        where = f"{e.file}:{e.line}: {e.id}:"
        slotted = any(SLOT in v for v in e.variants + e.plural_variants)
        if slotted and SLOT not in e.standard:
            out.append(f"{where} variants use {SLOT} but the standard name does not, so the group's name is lost")
        if SLOT in e.standard and not slotted:
            out.append(f"{where} the standard name uses {SLOT} but no variant does; it will print literally")
        if e.plural is not None and e.plural == e.standard:
            out.append(f"{where} plural is the same as standard; remove it")
        if e.plural is not None and not e.plural_variants and not any("(" in v for v in e.variants):
            out.append(
                f"{where} plural is unused: no variant has an optional ending like terroriste(s) and there are no plural_variants"
            )
        if e.kind == "group" and (e.only_after or e.not_after or e.not_before):
            out.append(f"{where} context rules on a group are ignored when it fills a {SLOT} slot")
        if e.loaded and not e.flag_only and not e.renderings:
            out.append(f"{where} a loaded entry without renderings: leftovers in the English cannot be detected")
    return out
