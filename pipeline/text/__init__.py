"""Text analysis the stages share, not stages themselves: quotations and their speakers (``quotes``), Moses
punctuation normalisation and detokenisation with offsets kept (``punct``)."""
