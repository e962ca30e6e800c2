"""mt-auditor: flag garbled spans in German machine translation, score them, gate feeds."""

__version__ = "0.1.0"
