"""Extractors: page text, entities, quotes and claims, one concern per module."""

# Bump when page/HTML extraction rules change: the index re-extracts every file.
TEXT_EXTRACTOR_VERSION = "text-2"
