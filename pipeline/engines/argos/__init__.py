"""Neural translation with installed Argos Translate packages, driving CTranslate2 directly.

- ``engine``: ``ArgosEngine``, the pipeline's engine (a direct package or two through English);
- ``model``: one package loaded for decoding, batched and streamed;
- ``alignment``: where a source span went in the translation, from the attention;
- ``options``: the engine's option defaults, threads and compute type;
- ``packages``: installed packages (finding a route, installing a file), no model loaded;
- ``index``: the remote package index and downloads, used by ``normalize models`` only.
"""

from pipeline.engines.argos.engine import ArgosEngine

__all__ = ["ArgosEngine"]
