"""Kaiku's analysis engine: what people feel in their own words, in Finnish, Swedish
and English. A plain Python package with no Django import, so that it can be used,
tested and benchmarked on its own; Django code calls it, never the other way round.

Built so far: PII redaction (`kaiku.analysis.redaction`).
"""
