"""The output folder: ``names`` (one safe name per document), ``report`` (``DocSummary``, ``RunReport``),
``folder`` (the manifest, what a run may overwrite, every write), ``write`` (atomic writes that never follow
a link) and ``lock`` (one run per folder).

Safety rules, so a run never loses a user's file:

- every file the program writes is listed in a manifest in the folder
  (``.normalize-manifest.json``), recorded *before* the file is written, so a
  run killed mid-write still knows the file is its own;
- a run refuses (``ForeignFiles``, exit 2) to overwrite a file of the same name
  it did not write, unless forced;
- a document's files are first written completely to temporary files, then
  renamed, JSON last: a full disk fails before anything is replaced, and a page
  on disk is always a complete one; the JSON's run signature then says which
  run it belongs to (resume);
- ``report.json`` and ``index.html`` are renamed together, after both are
  complete, so they always describe the same run.

``RunReport`` is built once, from one ``DocSummary`` per document (a few
numbers, never the document itself, so it stays small on any corpus): it is
report.json, it feeds the index and the command line's summary.
"""
