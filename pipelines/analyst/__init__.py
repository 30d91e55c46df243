"""Analyst layer: views (migration 0004), exports, read-only SQL, full-text search, reports."""
