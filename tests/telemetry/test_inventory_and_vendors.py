"""Inventory loading (secrets from the environment only) and vendor value decoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from pysnmp.proto import rfc1902

from ingest.telemetry import CredentialError, InventoryError, OltTarget, load_inventory
from ingest.telemetry.vendors import VENDORS, decode_serial, profile
from simulator.network.mib import encode_serial


def test_inventory_applies_defaults_and_reads_secrets_from_the_environment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "olts.yaml"
    path.write_text(
        "max_concurrent_olts: 3\n"
        "defaults: {timeout_s: 0.5, community_env: MY_COMMUNITY}\n"
        "olts:\n"
        "  - {olt_id: OLT-01, host: 10.0.0.1}\n"
        "  - {olt_id: OLT-02, host: 10.0.0.2, port: 1161, version: v3, v3_user: ops}\n"
    )
    inventory = load_inventory(path)
    first, second = inventory.olts
    assert inventory.max_concurrent_olts == 3
    assert (first.port, first.timeout_s, first.source) == (161, 0.5, "snmp://10.0.0.1:161")
    assert first.credentials({"MY_COMMUNITY": "s3cret"}).community == "s3cret"
    with pytest.raises(CredentialError, match="FIBEROPS_SNMP_AUTH_KEY"):
        second.credentials({"FIBEROPS_SNMP_PRIV_KEY": "x" * 8})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("olts: [{olt_id: A}]", r"olts\[0\]"),
        ("olts: [{olt_id: A, host: h, community: public}]", "community"),
        ("olts: [{olt_id: A, host: h}, {olt_id: A, host: g}]", "listed twice: A"),
        ("- not a mapping", "expected a mapping"),
    ],
)
def test_bad_inventory_says_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "olts.yaml"
    path.write_text(text)
    with pytest.raises(InventoryError, match=message) as raised:
        load_inventory(path)
    assert str(path) in str(raised.value)


def test_missing_inventory_and_unknown_vendor_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="no OLT inventory"):
        load_inventory(tmp_path / "absent.yaml")
    with pytest.raises(InventoryError, match="unknown vendor profile 'acme'"):
        profile("acme")
    assert OltTarget(olt_id="x", host="h").vendor in VENDORS


def test_huawei_values_decode_with_the_no_reading_sentinel() -> None:
    serial = rfc1902.OctetString(encode_serial("HWTC1A2B3C4D"))
    assert decode_serial(serial) == "HWTC1A2B3C4D"
    assert decode_serial(rfc1902.OctetString(b"ZTEGC0FFEE01")) == "ZTEGC0FFEE01"
    columns = {
        "serial": {(4194304000, 3): serial},
        "run_status": {(4194304000, 3): rfc1902.Integer32(2)},
        "last_up": {},
        "tx": {(4194304000, 3): rfc1902.Integer32(2147483647)},
        "rx": {(4194304000, 3): rfc1902.Integer32(2147483647)},
        "olt_rx": {(4194304000, 3): rfc1902.Integer32(-2150)},
    }
    [row] = VENDORS["huawei"].decode_onts(columns)
    assert row == {
        "pon_if_index": 4194304000,
        "ont_id": 3,
        "serial": "HWTC1A2B3C4D",
        "run_status": "offline",
        "last_up_at": None,
        "ont_rx_power_dbm": None,
        "ont_tx_power_dbm": None,
        "olt_rx_power_dbm": -21.5,
    }
