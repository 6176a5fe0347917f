"""OTDR writer: simulated drop traces read back through the warehouse's SR-4731 reader."""

from __future__ import annotations

import datetime
import itertools
import random
import struct
from pathlib import Path

import pytest

from ingest.otdr import assess, loss_budget_db, read_trace
from simulator.otdr import TraceEvent, checksum, drop_trace, sor_bytes

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "otdr"
TAKEN_AT = datetime.datetime(2024, 5, 14, 9, 30, tzinfo=datetime.UTC)

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"OTDR reference traces not found at {REFERENCE}"
)


def _crc16_ccitt(data: bytes, init: int) -> int:
    """Bit-by-bit CRC-16 with the CCITT polynomial x^16 + x^12 + x^5 + 1, MSB first."""
    crc = init
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _stored_checksum(data: bytes) -> int:
    value: int = struct.unpack("<H", data[-2:])[0]
    return value


def _blocks(data: bytes) -> dict[str, bytes]:
    """Each block's bytes by name, located through the Map block."""
    assert data.startswith(b"Map\0")
    map_size, count = struct.unpack_from("<IH", data, 6)
    position, offset = 12, map_size
    blocks: dict[str, bytes] = {}
    for _ in range(count - 1):
        end = data.index(b"\0", position)
        name = data[position:end].decode("ascii")
        _version, size = struct.unpack_from("<HI", data, end + 1)
        position = end + 7
        blocks[name] = data[offset : offset + size]
        offset += size
    assert offset == len(data)
    return blocks


def _curve_db(data: bytes) -> tuple[float, list[float]]:
    """Sample spacing (metres) and the backscatter levels (dB) of a trace."""
    fixed = _blocks(data)["FxdParams"][len(b"FxdParams\0") :]
    spacing_10fs, _points, index = struct.unpack_from("<III", fixed, 20)
    spacing_m = spacing_10fs * 1e-14 * 299_792_458 / (index / 100_000)
    points = _blocks(data)["DataPts"][len(b"DataPts\0") :]
    count, _traces, _count, scale = struct.unpack_from("<IHIH", points)
    samples = struct.unpack_from(f"<{count}H", points, 12)
    return spacing_m, [-s * scale / 1_000_000 for s in samples]


def _drop(length_m: float, loss_db: float, wavelength_nm: int = 1310, seed: int = 7) -> bytes:
    return drop_trace(
        drop_length_m=length_m,
        total_loss_db=loss_db,
        rng=random.Random(seed),
        wavelength_nm=wavelength_nm,
        taken_at=TAKEN_AT,
        cable_id="DROP-000123",
        fibre_id="1",
    )


@pytest.mark.parametrize("wavelength_nm", [1310, 1550])
@pytest.mark.parametrize("length_m", [20.0, 150.0, 1_800.0])
def test_drop_trace_round_trips_through_the_reader(length_m: float, wavelength_nm: int) -> None:
    loss_db = round(0.6 + 0.3 * length_m / 1000, 3)
    trace = read_trace(_drop(length_m, loss_db, wavelength_nm), "WO-000123.sor")
    assert trace.version == 2.0
    assert trace.wavelength_nm == wavelength_nm
    assert trace.instrument == "FiberOps SimOTDR"
    assert trace.fibre_length_m == pytest.approx(length_m, abs=0.5)
    assert trace.total_loss_db == pytest.approx(loss_db, abs=0.001)
    distances = [event.distance_m for event in trace.events]
    assert distances == sorted(distances) and distances[0] == 0.0
    assert [event.is_end for event in trace.events] == [False] * (len(distances) - 1) + [True]
    assert trace.events[-1].distance_m == pytest.approx(length_m, abs=0.5)
    launch, *splices, end = trace.events
    assert launch.kind == "1F9999LS" and launch.reflection_db < -40
    assert 1 <= len(splices) <= 2 and all(s.kind == "0F9999LS" for s in splices)
    assert end.kind == "1E9999LS" and end.reflection_db < 0
    assert sum(event.splice_loss_db for event in trace.events) < loss_db


def test_explicit_events_read_back_as_written() -> None:
    events = [
        TraceEvent(0.0, 0.35, -52.5, "1F9999LS"),
        TraceEvent(412.3, 0.05, 0.0, "0F9999LS"),
        TraceEvent(987.65, 0.0, -16.25, "1E9999LS"),
    ]
    data = sor_bytes(
        events=events,
        fibre_length_m=987.65,
        total_loss_db=0.725,
        wavelength_nm=1550,
        instrument=("EXFO", "FTB-1"),
        cable_id="C-7",
        fibre_id="12",
        taken_at=TAKEN_AT,
        index_of_refraction=1.4682,
        pulse_width_ns=10,
        data_points=3000,
    )
    trace = read_trace(data, "explicit.sor")
    assert trace.instrument == "EXFO FTB-1"
    assert trace.wavelength_nm == 1550
    assert trace.fibre_length_m == pytest.approx(987.65, abs=0.05)
    for written, read in zip(events, trace.events, strict=True):
        assert read.distance_m == pytest.approx(written.distance_m, abs=0.05)
        assert (read.splice_loss_db, read.reflection_db, read.kind) == (
            written.splice_loss_db,
            written.reflection_db,
            written.kind,
        )
    fixed = _blocks(data)["FxdParams"][len(b"FxdParams\0") :]
    assert struct.unpack_from("<I", fixed)[0] == int(TAKEN_AT.timestamp())
    assert _blocks(data)["GenParams"].startswith(b"GenParams\0ENC-7\x0012\0")


@pytest.mark.parametrize("length_m", [20.0, 1_800.0])
def test_checksum_is_crc16_ccitt_over_the_whole_file(length_m: float) -> None:
    data = _drop(length_m, 1.0)
    assert data[-8:-2] == b"Cksum\0"
    assert _stored_checksum(data) == _crc16_ccitt(data[:-2], 0xFFFF) == checksum(data)
    damaged = data[:100] + bytes([data[100] ^ 1]) + data[101:]
    assert checksum(damaged) != _stored_checksum(damaged)


@pytest.mark.parametrize(
    ("name", "init"),
    [
        ("example1-noyes-ofl280.sor", 0xFFFF),
        ("M200_Sample_005_S13.sor", 0xFFFF),  # Noyes, SR-4731 version 1
        ("1310_0002.sor", 0x0000),  # Anritsu: the same CRC started from 0
        ("example3-anritsu-accessmastermt9085.sor", 0x0000),
    ],
)
@pytest.mark.reference_data
@needs_reference
def test_checksum_algorithm_matches_real_instruments(name: str, init: int) -> None:
    [path] = REFERENCE.rglob(name)
    data = path.read_bytes()
    assert _stored_checksum(data) == _crc16_ccitt(data[:-2], init)
    if init == 0xFFFF:
        assert checksum(data) == _stored_checksum(data)


@pytest.mark.parametrize("name", ["example2-exfo-maxtester730c.sor", "example1-noyes-ofl280.sor"])
@pytest.mark.reference_data
@needs_reference
def test_layout_matches_real_instruments(name: str) -> None:
    [path] = REFERENCE.rglob(name)
    real, ours = _blocks(path.read_bytes()), _blocks(_drop(150.0, 1.0))
    assert list(ours) == ["GenParams", "SupParams", "FxdParams", "KeyEvents", "DataPts", "Cksum"]
    assert [block for block in real if block in ours] == list(ours)
    assert len(ours["FxdParams"]) == len(real["FxdParams"]) == 92
    assert len(ours["Cksum"]) == len(real["Cksum"]) == 8
    event_size = 2 + 4 + 2 + 2 + 4 + 8 + 5 * 4 + len(b" \0")
    for blocks in (real, ours):
        body = blocks["KeyEvents"][len(b"KeyEvents\0") :]
        assert len(body) == 2 + struct.unpack_from("<H", body)[0] * event_size + 22


def test_curve_falls_by_the_fibre_and_splice_losses_and_drops_to_noise_past_the_end() -> None:
    data = _drop(1_800.0, 1.5)
    launch_loss_db = read_trace(data, "curve.sor").events[0].splice_loss_db
    spacing_m, levels = _curve_db(data)
    start, end = round(10 / spacing_m), round(1_790 / spacing_m)
    assert levels[start] - levels[end] == pytest.approx(1.5 - launch_loss_db, abs=0.1)
    assert all(a >= b - 0.15 for a, b in itertools.pairwise(levels[start:end]))
    assert max(levels[: round(3 / spacing_m) + 1]) > levels[start] + 5
    assert max(levels[end : round(1_810 / spacing_m)]) > levels[end] + 10
    past = levels[round(1_850 / spacing_m) :]
    assert sum(past) / len(past) < levels[end] - 20


def test_same_arguments_give_the_same_bytes() -> None:
    assert _drop(150.0, 1.1) == _drop(150.0, 1.1)
    assert _drop(150.0, 1.1, seed=8) != _drop(150.0, 1.1)
    assert all(len(_drop(length, 1.0)) < 6_000 for length in (20.0, 1_800.0, 20_000.0))


def test_assess_passes_within_the_budget_and_fails_above_it() -> None:
    budget = loss_budget_db(150.0, 1310)
    within = assess(read_trace(_drop(150.0, budget - 0.2), "ok.sor"), expected_length_m=150.0)
    assert within.passed
    above = assess(read_trace(_drop(150.0, budget + 0.5), "lossy.sor"), expected_length_m=150.0)
    assert above.problems == [
        f"total loss {budget + 0.5:.3f} dB exceeds the {budget:.3f} dB budget"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "events": [
                    TraceEvent(5.0, 0.1, 0.0, "0F9999LS"),
                    TraceEvent(1.0, 0.1, 0.0, "0F9999LS"),
                ]
            },
            "distance order",
        ),
        ({"events": [TraceEvent(5.0, 0.1, 0.0, "0F99")]}, "kind"),
        ({"taken_at": datetime.datetime(2024, 5, 14, 9, 30)}, "naive"),
        ({"fibre_length_m": 0.0}, "fibre_length_m"),
        ({"cable_id": "Łódź"}, "Latin-1"),
    ],
    ids=["order", "kind", "naive", "length", "encoding"],
)
def test_bad_arguments_are_refused_with_the_value(change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "events": [TraceEvent(0.0, 0.3, -50.0, "1F9999LS")],
        "fibre_length_m": 100.0,
        "total_loss_db": 0.5,
        "taken_at": TAKEN_AT,
    } | change
    with pytest.raises(ValueError, match=message):
        sor_bytes(**arguments)  # type: ignore[arg-type]
