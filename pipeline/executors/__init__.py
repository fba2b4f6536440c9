"""How documents move through the stage chain: ``local`` (streaming batches in this process) or ``ray`` (a cluster).

An executor module has ``check(options)`` (raise ``ConfigError`` before the run
starts if it cannot work) and ``execute(job, engine, collector)``, which hands
every document's summary to ``collector.done`` (and skips up-to-date ones with
``collector.skip_if_done``). Both write through the job's ``OutputFolder``, so
the outputs are the same whichever runs.
"""
