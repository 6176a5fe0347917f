"""Errors raised by the simulator."""

from __future__ import annotations

__all__ = ["ConfigError", "SimulatorError"]


class SimulatorError(Exception):
    """Base class for every error the simulator raises."""


class ConfigError(SimulatorError, ValueError):
    """A :class:`~simulator.config.SimulationConfig` value is out of range."""
