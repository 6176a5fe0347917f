"""Solomon VRPTW: loader, checker, and a short solve of C101 near the best known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions.dispatch.errors import SolomonFormatError
from actions.dispatch.solomon import (
    check_solomon,
    load_solomon,
    main,
    route_distance,
    solve_solomon,
    solve_vrptw_json,
)
from tests.dispatch.conftest import FIXTURES

C101 = FIXTURES / "C101.txt"
C101_BKS_VEHICLES, C101_BKS_DISTANCE = 10, 828.94


def test_loader_parses_c101() -> None:
    instance = load_solomon(C101)
    assert (instance.name, instance.vehicles, instance.capacity) == ("C101", 25, 200)
    assert len(instance.customers) == 101
    depot, first = instance.customers[0], instance.customers[1]
    assert (depot.x, depot.y, depot.due) == (40.0, 50.0, 1236.0)
    assert (first.x, first.y, first.demand, first.ready, first.due, first.service) == (
        45.0, 68.0, 10, 912.0, 967.0, 90.0,
    )  # fmt: skip


def test_loader_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("X\n\nVEHICLE\nNUMBER CAPACITY\n25 two\n")
    with pytest.raises(SolomonFormatError, match=r"bad.txt:5"):
        load_solomon(bad)


def test_checker_catches_bad_routes() -> None:
    instance = load_solomon(C101)
    everyone = list(range(1, 101))
    violations = check_solomon(instance, [everyone])
    assert any("load" in v for v in violations)
    assert any("> due" in v for v in violations)
    assert any("visited 0 times" in v for v in check_solomon(instance, [[1, 2]]))


def test_short_solve_of_c101_is_feasible_and_near_best_known() -> None:
    result = solve_solomon(load_solomon(C101), seconds=5)
    assert result.feasible, result.violations
    assert result.vehicles == C101_BKS_VEHICLES
    # A wall-clock limit on a shared machine: the bound is loose on purpose (the gap itself is
    # measured by benchmarks/dispatch/solomon_benchmark.py, not by a timed test).
    assert result.distance <= C101_BKS_DISTANCE * 1.05
    assert result.distance == pytest.approx(route_distance(load_solomon(C101), result.routes))


def test_json_and_module_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(solve_vrptw_json(C101, 1)) == {"vehicles", "distance", "feasible"}
    assert main([str(C101), "--seconds", "1"]) == 0
    line = capsys.readouterr().out.strip()
    assert set(json.loads(line)) == {"vehicles", "distance", "feasible"}


@pytest.mark.reference_data
def test_every_solomon_100_instance_loads(solomon_dir: Path) -> None:
    files = sorted(solomon_dir.glob("*.txt"))
    assert len(files) == 56
    for path in files:
        instance = load_solomon(path)
        assert len(instance.customers) == 101, path
