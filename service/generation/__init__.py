"""Prompt → validated HTML: model providers, the offline composer, extraction and the repair loop."""
