"""Scheduled batch work (chapter 9 of the standard) on a database-backed job runner."""
