"""``fiberops poll``: one agent, once, written as JSON lines or Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from conftest import SNMP_ENV

from fiberops.commands.poll import poll
from simulator.network import AgentFleet


def test_poll_v2c_writes_json_lines(small_fleet: AgentFleet, tmp_path: Path) -> None:
    host, port = small_fleet.endpoints["OLT-01"]
    out = tmp_path / "olt.jsonl"
    poll(host=host, port=port, community=SNMP_ENV["FIBEROPS_SNMP_COMMUNITY"], out=out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    by_table = {t: [r for r in rows if r["table"] == t] for t in {r["table"] for r in rows}}
    assert len(by_table["ont_status"]) == 64
    assert by_table["olt_poll_events"][0]["event"] == "polled"
    assert by_table["ont_status"][0]["polled_at"].endswith("Z")
    assert by_table["ont_status"][0]["_source_file"] == f"snmp://{host}:{port}"


def test_poll_v3_reads_secrets_from_named_variables(
    small_fleet: AgentFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_AUTH", SNMP_ENV["FIBEROPS_SNMP_AUTH_KEY"])
    monkeypatch.setenv("LAB_PRIV", SNMP_ENV["FIBEROPS_SNMP_PRIV_KEY"])
    host, port = small_fleet.endpoints["OLT-02"]
    out = tmp_path / "olt.parquet"
    poll(
        host=host,
        port=port,
        v3_user="fiberops",
        v3_auth_key_env="LAB_AUTH",
        v3_priv_key_env="LAB_PRIV",
        olt_id="OLT-02",
        out=out,
    )
    frame = pd.read_parquet(out)
    onts = frame[frame["table"] == "ont_status"]
    assert len(onts) == 64
    assert set(onts["olt_id"]) == {"OLT-02"}


def test_poll_exits_non_zero_when_the_agent_does_not_answer(
    small_fleet: AgentFleet, tmp_path: Path
) -> None:
    host, port = small_fleet.endpoints["OLT-01"]
    with pytest.raises(typer.Exit) as raised:
        poll(
            host=host,
            port=port,
            community="wrong",
            timeout=0.2,
            retries=0,
            out=tmp_path / "x.jsonl",
        )
    assert raised.value.exit_code == 1
