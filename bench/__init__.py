"""Benchmarks for Embedding Lab: every comparison measured side by side in one run.

Run one with ``python -m bench.<name>`` from the repository root (see bench/README.md).
"""
