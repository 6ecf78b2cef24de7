"""Lessons: one package per idea (see ``lessons/contract.py`` for the contract, ``lessons/registry.py`` for the order)."""
