"""Dagster definitions, found by ``dagster.load_defs`` from the modules of this folder."""
