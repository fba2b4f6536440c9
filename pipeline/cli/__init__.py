"""The command line: ``normalize`` (``main``: the app and ``run``) and one module per command group."""
