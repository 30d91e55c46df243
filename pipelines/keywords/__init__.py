"""Keyword rules and matching: the rules file (``rules``), boolean queries (``parse``, ``query``), text
folding (``fold``), the Aho-Corasick matcher (``matcher``), the pipeline, storage and ``retag``."""
