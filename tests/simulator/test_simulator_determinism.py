"""Same configuration, same bytes; different seed, different operator."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from simulator_testkit import SMALL

from simulator import ConfigError, SimulationConfig, SimulatorError, simulate


def _tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_config_writes_byte_identical_trees(tmp_path: Path) -> None:
    simulate(SMALL, tmp_path / "a")
    simulate(SMALL, tmp_path / "b")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(first) > 2 * SMALL.days
    assert first == second


def test_another_seed_gives_another_operator(tmp_path: Path) -> None:
    simulate(SMALL, tmp_path / "a")
    simulate(dataclasses.replace(SMALL, seed=SMALL.seed + 1), tmp_path / "b")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    # One payment file per day with payments, as a bank sends; one trace per OTDR shot; one
    # dispute file per day a case changed, as the CRM exports.
    varying = ("landing/payments/", "landing/otdr/", "landing/disputes/")
    assert {k for k in first if not k.startswith(varying)} == {
        k for k in second if not k.startswith(varying)
    }
    assert first["landing/gis/addresses.geojson"] != second["landing/gis/addresses.geojson"]
    assert first["truth/activations.csv"] != second["truth/activations.csv"]
    assert first["landing/catalog/catalog.yaml"] == second["landing/catalog/catalog.yaml"]


def test_existing_output_is_kept_unless_overwrite(tmp_path: Path) -> None:
    config = dataclasses.replace(SMALL, days=3)
    simulate(config, tmp_path)
    marker = tmp_path / "landing" / "orders" / "orders_1999-01-01.json"
    marker.write_text("[]\n")
    with pytest.raises(SimulatorError, match="already holds files"):
        simulate(config, tmp_path)
    messages: list[str] = []
    simulate(config, tmp_path, on_progress=messages.append, overwrite=True)
    assert not marker.exists()
    assert messages and all(isinstance(m, str) and m for m in messages)


@pytest.mark.parametrize(("field", "value"), [("passings", 9), ("days", 0)])
def test_config_rejects_out_of_range_values(field: str, value: int) -> None:
    with pytest.raises(ConfigError, match=field):
        SimulationConfig(**{field: value})
