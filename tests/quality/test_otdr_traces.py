"""OTDR traces: real instruments' SR-4731 v2 files parse; version 1 and odd files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.otdr import OtdrError, assess, loss_budget_db, read_trace

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "otdr"

pytestmark = [
    pytest.mark.reference_data,
    pytest.mark.skipif(
        not REFERENCE.is_dir(), reason=f"OTDR reference traces not found at {REFERENCE}"
    ),
]


def _read(name: str) -> bytes:
    [path] = REFERENCE.rglob(name)
    return path.read_bytes()


def test_every_reference_trace_parses_or_fails_with_a_named_error() -> None:
    traces = sorted(REFERENCE.rglob("*.sor"))
    assert len(traces) >= 20
    parsed, refused = 0, 0
    for path in traces:
        try:
            trace = read_trace(path.read_bytes(), path.name)
        except OtdrError as error:
            assert path.name in str(error)
            refused += 1
            continue
        parsed += 1
        assert trace.version == 2.0
        assert trace.wavelength_nm > 0
    assert parsed >= 20 and refused == 2


def test_version_1_traces_are_refused_with_the_reason() -> None:
    with pytest.raises(OtdrError, match=r"demo_ab\.sor: not an SR-4731 version 2"):
        read_trace(_read("demo_ab.sor"), "demo_ab.sor")


@pytest.mark.parametrize(
    "data",
    [b"", b"Map\0\x00", b"Map\0" + bytes(64), b"not a trace at all"],
    ids=["empty", "truncated", "zeros", "text"],
)
def test_damaged_traces_raise_otdr_error_not_a_crash(data: bytes) -> None:
    with pytest.raises(OtdrError, match=r"broken\.sor"):
        read_trace(data, "broken.sor")


def test_truncated_real_trace_is_a_clear_error() -> None:
    data = _read("example2-exfo-maxtester730c.sor")
    with pytest.raises(OtdrError, match="unreadable SR-4731 trace"):
        read_trace(data[: len(data) // 3], "cut.sor")


def test_length_loss_and_events_of_a_real_trace() -> None:
    trace = read_trace(_read("1310_0002.sor"), "1310_0002.sor")
    assert trace.wavelength_nm == 1310
    assert trace.fibre_length_m == pytest.approx(867.7, abs=0.1)
    assert trace.total_loss_db == pytest.approx(0.851, abs=0.001)
    assert len(trace.events) == 1 and trace.events[0].is_end


def test_trace_is_judged_against_expected_length_and_loss_budget() -> None:
    trace = read_trace(_read("1310_0002.sor"), "1310_0002.sor")
    assert assess(trace, expected_length_m=860).passed
    far = assess(trace, expected_length_m=300)
    assert not far.passed and "fibre length 867.7 m" in far.problems[0]
    tight = assess(trace, expected_length_m=860, budget_db=0.5)
    assert tight.problems == ["total loss 0.851 dB exceeds the 0.500 dB budget"]
    assert loss_budget_db(1000, 1310) == pytest.approx(0.35 + 2 * 0.5 + 2 * 0.1)


def test_trace_without_key_events_cannot_be_judged() -> None:
    trace = read_trace(_read("otdr7.sor"), "otdr7.sor")
    assert trace.fibre_length_m is None
    assert assess(trace, expected_length_m=60).problems == [
        "otdr7.sor: no key events (length and loss unknown)"
    ]
