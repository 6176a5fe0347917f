"""Deterministic simulator of a fiber-broadband operator.

``simulate(SimulationConfig(...), out)`` lays out a town with its outside plant, sells
fiber to some of its homes, sends technicians to install it, and writes what the
operator's systems would export (``out/landing/``) along with the ground truth of what
was injected (``out/truth/``), as ``docs/data-contracts.md`` specifies.
"""

from __future__ import annotations

from simulator.config import SimulationConfig
from simulator.errors import ConfigError, SimulatorError
from simulator.run import SimulationSummary, simulate

__all__ = [
    "ConfigError",
    "SimulationConfig",
    "SimulationSummary",
    "SimulatorError",
    "simulate",
]
