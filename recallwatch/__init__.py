"""Shared machinery of the RecallWatch crawlers: database, provenance, snapshot, runs, watchlist."""
