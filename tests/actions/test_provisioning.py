"""Zero-touch provisioning: the simulated driver against simulated OLTs over real HTTP and SNMP.

Every test serves a small synthetic network with ``require_provisioning`` on, through
``serve_operator`` (so ``provisioning.yaml`` and the command log are the real ones), drives it
with the driver ``driver_for(home)`` builds, and reads the ONTs back with the repo's SNMP
poller over UDP on loopback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from olt_testkit import AT, SNMP_ENV, ont_at, poll_onts, profile_for, serve_network

from actions.provisioning import (
    DriverConfigError,
    DriverError,
    ProfileError,
    ProvisioningDriver,
    ProvisioningProfile,
    SimulatedOltDriver,
    driver_config_path,
    driver_for,
    write_driver_config,
)
from simulator import SimulationConfig, simulate
from simulator.network import (
    AgentFleet,
    command_log_path,
    simulated_olts,
    synthetic_network,
)


def _driver(home: Path) -> SimulatedOltDriver:
    """The driver ``provisioning.yaml`` names: the built-in one, for the simulated OLTs."""
    driver = driver_for(home)
    assert isinstance(driver, SimulatedOltDriver)
    return driver


def _logged(home: Path) -> list[dict[str, Any]]:
    path = command_log_path(home)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_unprovisioned_ont_is_not_in_the_ont_table(served: tuple[Path, AgentFleet]) -> None:
    home, fleet = served
    rows = poll_onts(fleet)

    assert fleet.network.ont_count() > 0
    assert rows == {}
    assert driver_for(home).lookup("OLT-01", "never-sent") is None
    assert _logged(home) == []


def test_apply_brings_the_ont_online_at_the_next_read(served: tuple[Path, AgentFleet]) -> None:
    home, fleet = served
    ont = ont_at(fleet)
    driver = _driver(home)

    result = driver.apply(profile_for(ont), "apply-1")

    rows = poll_onts(fleet)
    row = rows[ont.serial]
    expected = fleet.network.reading(ont, AT)
    assert expected is not None and expected.rx_dbm is not None
    assert (row["run_status"], row["ont_rx_power_dbm"]) == ("online", expected.rx_dbm)
    assert row["last_up_at"] == AT.replace(tzinfo=None)
    assert (result.pon_if_index, result.ont_id) == (row["pon_if_index"], row["ont_id"])
    assert (result.command, result.olt_id, result.ont_serial) == ("apply", "OLT-01", ont.serial)
    assert (result.admin_state, result.applied_at) == ("active", AT)
    assert [s for s, r in rows.items() if r["run_status"] == "online"] == [ont.serial]
    config = driver.ont_config("OLT-01", ont.serial)
    assert config["provisioned"] and config["profile"] == profile_for(ont).to_json()


def test_a_repeated_request_id_is_answered_once_and_logged_once(
    served: tuple[Path, AgentFleet],
) -> None:
    home, fleet = served
    ont = ont_at(fleet)
    driver = _driver(home)

    first = driver.apply(profile_for(ont), "apply-twice")
    second = driver.apply(profile_for(ont), "apply-twice")
    with pytest.raises(DriverError) as reused:
        driver.apply(profile_for(ont, download_mbps=1000), "apply-twice")

    assert first == second
    assert not reused.value.retryable and reused.value.code == "request_id_reused"
    assert [c["request_id"] for c in _logged(home)] == ["apply-twice"]
    [line] = _logged(home)
    assert line["command"] == "apply" and line["profile"] == profile_for(ont).to_json()
    assert line["olt_id"] == "OLT-01" and line["ont_serial"] == ont.serial


def test_lookup_finds_an_applied_request_and_not_an_unknown_one(
    served: tuple[Path, AgentFleet],
) -> None:
    home, fleet = served
    driver = _driver(home)
    result = driver.apply(profile_for(ont_at(fleet, "OLT-02", 3)), "apply-olt-02")

    assert driver.lookup("OLT-02", "apply-olt-02") == result
    assert driver.lookup("OLT-02", "apply-unknown") is None
    assert driver.lookup("OLT-01", "apply-olt-02") is None
    with pytest.raises(DriverError) as unknown_olt:
        driver.lookup("OLT-99", "apply-olt-02")
    assert not unknown_olt.value.retryable and "OLT-99" in str(unknown_olt.value)


def test_suspend_takes_the_ont_offline_and_restore_brings_it_back(
    served: tuple[Path, AgentFleet],
) -> None:
    home, fleet = served
    ont = ont_at(fleet, n=5)
    driver = _driver(home)
    with pytest.raises(DriverError) as not_provisioned:
        driver.suspend("OLT-01", ont.serial, "suspend-too-early")
    assert not not_provisioned.value.retryable and not_provisioned.value.code == "not_provisioned"
    driver.apply(profile_for(ont), "apply-5")
    assert poll_onts(fleet)[ont.serial]["run_status"] == "online"

    suspended = driver.suspend("OLT-01", ont.serial, "suspend-5")
    row = poll_onts(fleet)[ont.serial]
    assert suspended.admin_state == "suspended"
    assert (row["run_status"], row["ont_rx_power_dbm"]) == ("offline", None)

    fleet.set_time(AT + dt.timedelta(minutes=5))
    restored = driver.restore("OLT-01", ont.serial, "restore-5")
    row = poll_onts(fleet)[ont.serial]
    assert restored.admin_state == "active"
    assert (row["run_status"], row["last_up_at"]) == (
        "online",
        restored.applied_at.replace(tzinfo=None),
    )
    assert row["ont_rx_power_dbm"] is not None
    assert [c["command"] for c in _logged(home)] == ["apply", "suspend", "restore"]


def test_a_serial_not_on_the_olt_is_a_non_retryable_error(
    served: tuple[Path, AgentFleet],
) -> None:
    home, fleet = served
    stranger = ont_at(fleet, "OLT-02", 0)
    driver = _driver(home)

    with pytest.raises(DriverError) as error:
        driver.apply(profile_for(stranger, olt_id="OLT-01"), "apply-stranger")

    assert not error.value.retryable and error.value.code == "unknown_ont"
    assert "OLT-01" in str(error.value) and stranger.serial in str(error.value)
    with pytest.raises(DriverError) as wrong_port:
        driver.apply(profile_for(ont_at(fleet), pon_port_id=stranger.pon_port_id), "apply-port")
    assert not wrong_port.value.retryable and wrong_port.value.code == "wrong_pon_port"
    assert _logged(home) == []


def test_an_unreachable_api_is_a_retryable_error(served: tuple[Path, AgentFleet]) -> None:
    _home, fleet = served
    url = fleet.provisioning_url
    assert url is not None
    fleet.close()

    with pytest.raises(DriverError) as error:
        SimulatedOltDriver(url, timeout_s=1.0).apply(profile_for(ont_at(fleet)), "apply-down")
    assert error.value.retryable and url in str(error.value)


def test_a_restarted_fleet_keeps_its_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_network(tmp_path, monkeypatch) as fleet:
        online, suspended = ont_at(fleet, n=1), ont_at(fleet, "OLT-02", 2)
        driver = _driver(tmp_path)
        applied = driver.apply(profile_for(online), "apply-online")
        driver.apply(profile_for(suspended), "apply-suspended")
        driver.suspend("OLT-02", suspended.serial, "suspend-suspended")

    with serve_network(tmp_path, monkeypatch) as fleet:
        driver = _driver(tmp_path)
        rows = poll_onts(fleet)
        assert rows[online.serial]["run_status"] == "online"
        assert rows[suspended.serial]["run_status"] == "offline"
        assert driver.lookup("OLT-01", "apply-online") == applied
        assert driver.apply(profile_for(online), "apply-online") == applied
        assert driver.ont_config("OLT-02", suspended.serial)["admin_state"] == "suspended"
        assert [c["request_id"] for c in _logged(tmp_path)] == [
            "apply-online",
            "apply-suspended",
            "suspend-suspended",
        ]


def test_a_command_cut_short_by_a_crash_is_dropped_on_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_network(tmp_path, monkeypatch) as fleet:
        ont = ont_at(fleet, n=2)
        driver_for(tmp_path).apply(profile_for(ont), "apply-kept")
    with command_log_path(tmp_path).open("a") as log:
        log.write('{"request_id": "apply-half", "comm')

    with serve_network(tmp_path, monkeypatch) as fleet:
        driver = _driver(tmp_path)
        assert driver.lookup("OLT-01", "apply-half") is None
        driver.apply(profile_for(ont_at(fleet, n=3)), "apply-after")
        assert [c["request_id"] for c in _logged(tmp_path)] == ["apply-kept", "apply-after"]


def test_simulated_olts_require_provisioning_on_the_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SNMP_ENV.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "op"
    simulate(SimulationConfig(passings=400, days=10, seed=7, start=dt.date(2026, 9, 1)), home)
    serial = str(pd.read_csv(home / "truth" / "activations.csv")["ont_serial"].iloc[0])

    with simulated_olts(home, inject=False) as fleet:
        assert fleet is not None and fleet.network.require_provisioning
        [ont] = [o for olt in fleet.network.olts.values() for o in olt.onts if o.serial == serial]
        assert serial not in poll_onts(fleet)
        result = driver_for(home).apply(profile_for(ont), "apply-wall-clock")
        row = poll_onts(fleet)[serial]

    assert row["run_status"] == "online" and row["ont_rx_power_dbm"] is not None
    assert (row["pon_if_index"], row["ont_id"]) == (result.pon_if_index, result.ont_id)
    assert abs(result.applied_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_driver_for_explains_a_missing_or_bad_file(tmp_path: Path) -> None:
    with pytest.raises(DriverConfigError, match=re.escape(str(driver_config_path(tmp_path)))):
        driver_for(tmp_path)
    write_driver_config(tmp_path, "nosuchdriver")
    with pytest.raises(DriverConfigError, match=re.escape("package.module:Class")):
        driver_for(tmp_path)
    write_driver_config(tmp_path, "simulated", url="ftp://nowhere")
    with pytest.raises(DriverConfigError, match="ftp://nowhere"):
        driver_for(tmp_path)
    write_driver_config(tmp_path, "actions.provisioning.profile:ProvisioningProfile")
    with pytest.raises(DriverConfigError, match="lacks apply"):
        driver_for(tmp_path)

    url = "http://127.0.0.1:9"
    write_driver_config(
        tmp_path, "actions.provisioning.simulated:SimulatedOltDriver", url=url, timeout_s=3
    )
    driver = driver_for(tmp_path)
    assert isinstance(driver, ProvisioningDriver) and isinstance(driver, SimulatedOltDriver)
    assert (driver.url, driver.timeout_s) == (url, 3.0)


def test_profile_round_trips_and_rejects_bad_values() -> None:
    ont = synthetic_network(1, 1).olts["OLT-01"].onts[0]
    profile = profile_for(ont, voice_vlan_id=300)
    assert ProvisioningProfile.from_json(profile.to_json()) == profile
    with pytest.raises(ProfileError, match="service_vlan_id 5000"):
        profile_for(ont, service_vlan_id=5000)
    with pytest.raises(ProfileError, match=ont.serial):
        ProvisioningProfile.from_json({**profile.to_json(), "download_mbps": True})
    with pytest.raises(ProfileError, match="upload_mbps"):
        ProvisioningProfile.from_json(
            {k: v for k, v in profile.to_json().items() if k != "upload_mbps"}
        )
