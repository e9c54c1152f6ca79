"""Imported once by the analysis workers' fork server (`ingest.Workers`): spaCy and the extractors'
tables (first-name genders, places, cue lexicon, check-worthiness weights) are loaded here, before any
worker is forked, so every worker starts with them."""

from __future__ import annotations

import spacy  # noqa: F401  (imported for the workers forked from here)

from .extract import warm_tables

warm_tables()
