"""The review workbench: decisions on changes and findings, glossary edits from the page, and the local server.

``decisions`` is imported by the renderers (pages and XLIFF show what was
decided); ``glossary_edit`` and ``server`` are only loaded by ``normalize review``.
"""
