"""Subcommands of the ``fiberops`` CLI, one module each; registered in ``fiberops.cli``."""
