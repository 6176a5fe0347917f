"""Small dispatch inputs shared by the dispatch tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from actions.dispatch.travel import LatLon

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REFERENCE_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"


@dataclass(frozen=True)
class FlatTravel:
    """Ten minutes between any two distinct points, so hand-made schedules are easy to read."""

    minutes_between: int = 10

    def minutes(self, points: Sequence[LatLon]) -> list[list[int]]:
        return [[0 if a == b else self.minutes_between for b in points] for a in points]


@pytest.fixture
def flat_travel() -> FlatTravel:
    return FlatTravel()


@pytest.fixture
def solomon_dir() -> Path:
    folder = REFERENCE_DATA / "vrptw" / "solomon_100"
    if not folder.is_dir():
        pytest.skip(f"reference data absent: {folder} (checked out beside the repo as ../shared)")
    return folder
