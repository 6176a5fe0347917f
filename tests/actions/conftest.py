"""Fixtures of the action tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from olt_testkit import serve_network

from simulator.network import AgentFleet


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, AgentFleet]]:
    """A fresh operator home whose two OLTs (16 ONTs each) are served, frozen at ``AT``."""
    fleet = serve_network(tmp_path, monkeypatch)
    try:
        yield tmp_path, fleet
    finally:
        fleet.close()
