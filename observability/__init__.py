"""Metrics, request ids and log configuration: the lowest layer, importable from every package
(docs/operations.md). Imports nothing of the project."""
