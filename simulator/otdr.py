"""Write the Telcordia SR-4731 version 2 OTDR traces (``.sor``) a field test set would save.

A technician finishing an install shoots the drop fibre with an OTDR and attaches the trace
to the completion. ``sor_bytes`` lays out one trace the way real instruments do: a ``Map``
block naming the blocks that follow, then ``GenParams`` (cable, fibre, wavelength),
``SupParams`` (instrument), ``FxdParams`` (acquisition settings), ``KeyEvents``, ``DataPts``
(the backscatter curve) and ``Cksum``. Integers are little-endian; strings end with a NUL.

Distances are stored as one-way time of flight: key events and the fibre length in units of
100 ps, the sample spacing in units of 10 fs; a reader turns them back into metres with
``distance = c * t / n`` and the index of refraction ``n`` written in ``FxdParams``.

The checksum is CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection)
over every byte of the file before the checksum itself, stored little-endian, as Noyes
instruments write it (Anritsu instruments start the same CRC from 0; EXFO ones differ).
``drop_trace`` builds a plausible install trace from a drop's length and loss.
"""

from __future__ import annotations

import binascii
import datetime
import math
import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ATTENUATION_DB_PER_KM", "TraceEvent", "checksum", "drop_trace", "sor_bytes"]

SPEED_OF_LIGHT_M_PER_S = 299_792_458.0
"""Speed of light in vacuum."""

_VERSION = 200
"""SR-4731 issue 2, as the version field of every block (hundredths)."""

_FIBRE_TYPE = 652
"""ITU-T G.652 standard single-mode fibre."""

_RANGES_M = (500, 1_300, 2_500, 5_000, 10_000, 20_000, 40_000, 80_000, 160_000)
"""Acquisition ranges an OTDR offers; a shot uses the shortest that shows the fibre end."""

_BACKSCATTER_DB = {1310: -79.4, 1490: -80.5, 1550: -81.7, 1625: -82.0}
"""Backscatter coefficient of single-mode fibre for a 1 ns pulse, by nominal wavelength."""

ATTENUATION_DB_PER_KM = {1310: 0.33, 1490: 0.24, 1550: 0.20, 1625: 0.23}
"""Typical attenuation of installed G.657 drop fibre, by nominal wavelength."""

_LAUNCH_LEVEL_DB = -35.0
"""Backscatter level just after the launch connector."""

_NOISE_FLOOR_DB = -62.0
"""Level the curve falls to past the end of the fibre."""


@dataclass(frozen=True)
class TraceEvent:
    """One key event of a trace.

    Attributes:
        distance_m: Distance from the instrument, metres.
        splice_loss_db: Loss at the event, dB.
        reflection_db: Reflectance, dB (negative; 0.0 for a non-reflective event).
        kind: SR-4731 event type code of 8 characters: ``0F9999LS`` non-reflective,
            ``1F9999LS`` reflective, ``1E9999LS`` end of fibre.
    """

    distance_m: float
    splice_loss_db: float
    reflection_db: float
    kind: str


def checksum(data: bytes) -> int:
    """The SR-4731 checksum of a whole ``.sor`` file, as its last two bytes should hold it.

    Args:
        data: The file's content, checksum included (its last two bytes are not covered).

    Returns:
        CRC-16/CCITT-FALSE of every byte before the last two.
    """
    return binascii.crc_hqx(data[:-2], 0xFFFF)


def sor_bytes(
    *,
    events: Sequence[TraceEvent],
    fibre_length_m: float,
    total_loss_db: float,
    wavelength_nm: int = 1310,
    instrument: tuple[str, str] = ("FiberOps", "SimOTDR"),
    cable_id: str = "",
    fibre_id: str = "",
    taken_at: datetime.datetime,
    index_of_refraction: float = 1.4677,
    pulse_width_ns: int = 30,
    data_points: int = 2000,
) -> bytes:
    """Lay out one SR-4731 version 2 trace; the same arguments always give the same bytes.

    Args:
        events: Key events in distance order.
        fibre_length_m: Fibre length the trace reports, metres.
        total_loss_db: End-to-end loss the trace reports, dB (written to 0.001 dB).
        wavelength_nm: Test wavelength, nm.
        instrument: Manufacturer and model of the test set.
        cable_id: Cable the fibre belongs to.
        fibre_id: Fibre within the cable.
        taken_at: When the shot was taken (an aware datetime; written as UTC seconds).
        index_of_refraction: Group index of the fibre (written to 1e-5).
        pulse_width_ns: Pulse width of the shot, ns.
        data_points: Samples of the backscatter curve (2 bytes each).

    Raises:
        ValueError: A value out of range, naming the argument and the value.
    """
    _check(events, fibre_length_m, total_loss_db, wavelength_nm, taken_at)
    _require(0 < pulse_width_ns <= 0xFFFF, "pulse_width_ns", pulse_width_ns)
    _require(2 <= data_points <= 0xFFFFFF, "data_points", data_points)
    _require(1.0 <= index_of_refraction < 2.0, "index_of_refraction", index_of_refraction)
    index = round(index_of_refraction * 100_000) / 100_000
    shot = _Shot(
        index=index,
        wavelength_nm=wavelength_nm,
        pulse_width_ns=pulse_width_ns,
        data_points=data_points,
        range_m=_range_m(max([fibre_length_m, *(e.distance_m for e in events)])),
    )
    blocks = [
        ("GenParams", _gen_params(cable_id, fibre_id, wavelength_nm)),
        ("SupParams", _sup_params(instrument)),
        ("FxdParams", _fxd_params(shot, taken_at)),
        ("KeyEvents", _key_events(shot, events, fibre_length_m, total_loss_db)),
        ("DataPts", _data_pts(shot, events, fibre_length_m, total_loss_db)),
    ]
    cksum_size = len(b"Cksum\0") + 2
    entries = [(name, len(body)) for name, body in blocks] + [("Cksum", cksum_size)]
    content = _map(entries) + b"".join(body for _, body in blocks) + b"Cksum\0"
    return content + struct.pack("<H", binascii.crc_hqx(content, 0xFFFF))


def drop_trace(
    *,
    drop_length_m: float,
    total_loss_db: float,
    rng: random.Random,
    wavelength_nm: int = 1310,
    taken_at: datetime.datetime,
    cable_id: str = "",
    fibre_id: str = "",
) -> bytes:
    """A plausible trace of an installed drop: launch connector, a splice or two, fibre end.

    The connector and splice losses plus the fibre's attenuation add up to ``total_loss_db``
    (to 0.001 dB) whenever the loss covers the fibre's attenuation; the end of fibre is a
    reflective event at ``drop_length_m``.

    Args:
        drop_length_m: Fibre length of the drop, metres.
        total_loss_db: End-to-end loss the trace shows, dB.
        rng: Source of the event positions, shares and reflectances.
        wavelength_nm: Test wavelength, nm.
        taken_at: When the shot was taken (an aware datetime).
        cable_id: Cable the fibre belongs to.
        fibre_id: Fibre within the cable.

    Raises:
        ValueError: A value out of range, naming the argument and the value.
    """
    _require(math.isfinite(drop_length_m) and drop_length_m > 0, "drop_length_m", drop_length_m)
    _require(math.isfinite(total_loss_db), "total_loss_db", total_loss_db)
    fibre_db = ATTENUATION_DB_PER_KM[_nominal(wavelength_nm)] * drop_length_m / 1000
    splices = sorted(
        round(rng.uniform(0.15, 0.85) * drop_length_m, 1) for _ in range(rng.choice((1, 2)))
    )
    weights = [rng.uniform(3.0, 6.0)] + [rng.uniform(0.5, 1.5) for _ in splices]
    losses = _shares(max(0.0, total_loss_db - fibre_db), weights)
    events = [TraceEvent(0.0, losses[0], round(rng.uniform(-55.0, -45.0), 3), "1F9999LS")]
    events += [
        TraceEvent(distance, loss, 0.0, "0F9999LS")
        for distance, loss in zip(splices, losses[1:], strict=True)
    ]
    events.append(TraceEvent(drop_length_m, 0.0, round(rng.uniform(-20.0, -14.0), 3), "1E9999LS"))
    return sor_bytes(
        events=events,
        fibre_length_m=drop_length_m,
        total_loss_db=total_loss_db,
        wavelength_nm=wavelength_nm,
        cable_id=cable_id,
        fibre_id=fibre_id,
        taken_at=taken_at,
    )


@dataclass(frozen=True)
class _Shot:
    """Acquisition settings shared by the blocks of one trace."""

    index: float
    wavelength_nm: int
    pulse_width_ns: int
    data_points: int
    range_m: int

    @property
    def spacing_10fs(self) -> int:
        """Sample spacing, units of 10 fs (1e-8 microseconds)."""
        return round(_seconds(self.range_m, self.index) * 1e14 / self.data_points)

    @property
    def spacing_m(self) -> float:
        """Sample spacing as a reader sees it, metres."""
        return self.spacing_10fs * 1e-14 * SPEED_OF_LIGHT_M_PER_S / self.index

    def time_100ps(self, distance_m: float) -> int:
        """One-way time of flight to ``distance_m``, units of 100 ps."""
        return round(_seconds(distance_m, self.index) * 1e10)


def _seconds(distance_m: float, index: float) -> float:
    return distance_m * index / SPEED_OF_LIGHT_M_PER_S


def _require(ok: bool, name: str, value: object) -> None:
    if not ok:
        raise ValueError(f"OTDR trace: {name} out of range: {value!r}")


def _check(
    events: Sequence[TraceEvent],
    fibre_length_m: float,
    total_loss_db: float,
    wavelength_nm: int,
    taken_at: datetime.datetime,
) -> None:
    _require(
        math.isfinite(fibre_length_m) and 0 < fibre_length_m <= _RANGES_M[-1],
        "fibre_length_m",
        fibre_length_m,
    )
    _require(
        math.isfinite(total_loss_db) and abs(total_loss_db) < 1e6, "total_loss_db", total_loss_db
    )
    _require(0 < wavelength_nm <= 6553, "wavelength_nm", wavelength_nm)
    _require(taken_at.tzinfo is not None, "taken_at (naive datetime)", taken_at)
    _require(0 <= taken_at.timestamp() < 2**32, "taken_at", taken_at)
    previous = 0.0
    for number, event in enumerate(events, start=1):
        where = f"events[{number - 1}]"
        _require(len(event.kind) == 8 and event.kind.isascii(), f"{where}.kind", event.kind)
        _require(
            math.isfinite(event.distance_m) and previous <= event.distance_m <= _RANGES_M[-1],
            f"{where}.distance_m (events must be in distance order)",
            event.distance_m,
        )
        _require(
            abs(event.splice_loss_db) < 32.767, f"{where}.splice_loss_db", event.splice_loss_db
        )
        _require(abs(event.reflection_db) < 1e6, f"{where}.reflection_db", event.reflection_db)
        previous = event.distance_m


def _nominal(wavelength_nm: float) -> int:
    return min(_BACKSCATTER_DB, key=lambda nominal: abs(nominal - wavelength_nm))


def _range_m(farthest_m: float) -> int:
    return next((r for r in _RANGES_M if r >= 1.2 * farthest_m), _RANGES_M[-1])


def _shares(total: float, weights: Sequence[float]) -> list[float]:
    """``total`` split in proportion to ``weights``, each to 0.001, adding up exactly."""
    milli = round(total * 1000)
    parts = [math.floor(milli * w / sum(weights)) for w in weights]
    parts[0] += milli - sum(parts)
    return [part / 1000 for part in parts]


def _text(value: str, name: str = "text") -> bytes:
    """A NUL-terminated Latin-1 string; empty ones are a single space, as instruments write."""
    try:
        encoded = (value or " ").encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"OTDR trace: {name} is not Latin-1 text: {value!r}") from None
    _require(b"\0" not in encoded, f"{name} (contains NUL)", value)
    return encoded + b"\0"


def _map(entries: Sequence[tuple[str, int]]) -> bytes:
    size = len(b"Map\0") + 2 + 4 + 2 + sum(len(name) + 1 + 2 + 4 for name, _ in entries)
    header = b"Map\0" + struct.pack("<HIH", _VERSION, size, len(entries) + 1)
    return header + b"".join(
        _text(name, "block name") + struct.pack("<HI", _VERSION, length) for name, length in entries
    )


def _gen_params(cable_id: str, fibre_id: str, wavelength_nm: int) -> bytes:
    return b"".join(
        [
            b"GenParams\0EN",
            _text(cable_id, "cable_id"),
            _text(fibre_id, "fibre_id"),
            struct.pack("<hH", _FIBRE_TYPE, wavelength_nm),
            _text("") * 3,  # locations A and B, cable code
            b"BC",  # as built
            struct.pack("<ii", 0, 0),  # user offset, user offset distance
            _text("") * 2,  # operator, comment
        ]
    )


def _sup_params(instrument: tuple[str, str]) -> bytes:
    supplier, model = instrument
    return b"".join(
        [
            b"SupParams\0",
            _text(supplier, "instrument supplier"),
            _text(model, "instrument model"),
            _text("") * 3,  # instrument serial number, module name, module serial number
            _text("simulator.otdr 1"),
            _text(""),  # other
        ]
    )


def _fxd_params(shot: _Shot, taken_at: datetime.datetime) -> bytes:
    backscatter = _BACKSCATTER_DB[_nominal(shot.wavelength_nm)]
    return b"".join(
        [
            b"FxdParams\0",
            struct.pack("<I", int(taken_at.timestamp())),
            b"mt",
            struct.pack("<Hii", shot.wavelength_nm * 10, 0, 0),
            struct.pack("<HHII", 1, shot.pulse_width_ns, shot.spacing_10fs, shot.data_points),
            struct.pack("<IH", round(shot.index * 100_000), round(-backscatter * 10)),
            struct.pack("<IH", 4096, 150),  # averages, averaging time (0.1 s)
            struct.pack("<Iii", shot.spacing_10fs * shot.data_points // 10_000, 0, 0),
            struct.pack("<HhH", round(-_NOISE_FLOOR_DB * 1000), 1000, 0),
            struct.pack("<HHH", 50, 65_000, 3_000),  # loss, reflection, end thresholds
            b"ST",
            struct.pack("<iiii", 0, 0, 0, 0),
        ]
    )


def _key_events(
    shot: _Shot, events: Sequence[TraceEvent], fibre_length_m: float, total_loss_db: float
) -> bytes:
    times = [shot.time_100ps(e.distance_m) for e in events]
    extent = max(1, shot.time_100ps(_pulse_extent_m(shot)))
    acquisition_end = shot.time_100ps(shot.range_m)
    slope = round(_slope_db_per_m(events, fibre_length_m, total_loss_db) * 1_000_000)
    body = [b"KeyEvents\0", struct.pack("<H", len(events))]
    for number, (event, time) in enumerate(zip(events, times, strict=True), start=1):
        previous_end = times[number - 2] + extent if number > 1 else 0
        next_start = times[number] if number < len(events) else acquisition_end
        body += [
            struct.pack("<HI", number, time),
            struct.pack("<hh", slope if number > 1 else 0, round(event.splice_loss_db * 1000)),
            struct.pack("<i", round(event.reflection_db * 1000)),
            event.kind.encode("ascii"),
            struct.pack("<iiiii", previous_end, time, time + extent, next_start, time),
            _text(""),  # comment
        ]
    end = shot.time_100ps(fibre_length_m)
    orl = min(0xFFFF, round(_return_loss_db(events) * 1000))
    body.append(struct.pack("<iiIHiI", round(total_loss_db * 1000), 0, end, orl, 0, end))
    return b"".join(body)


def _pulse_extent_m(shot: _Shot) -> float:
    """Length of fibre one pulse spans on the trace (half its length in the glass), metres."""
    return shot.pulse_width_ns * 1e-9 * SPEED_OF_LIGHT_M_PER_S / shot.index / 2


def _slope_db_per_m(
    events: Sequence[TraceEvent], fibre_length_m: float, total_loss_db: float
) -> float:
    """Fibre attenuation that, with the events' losses, gives the total loss."""
    event_db = sum(e.splice_loss_db for e in events if e.kind[1:2] != "E")
    return max(0.0, total_loss_db - event_db) / fibre_length_m


def _return_loss_db(events: Sequence[TraceEvent]) -> float:
    """Optical return loss from the reflective events, each seen through the loss before it."""
    power, loss_db = 0.0, 0.0
    for event in events:
        if event.reflection_db < 0:
            power += 10 ** ((event.reflection_db - 2 * loss_db) / 10)
        loss_db += max(0.0, event.splice_loss_db)
    return -10 * math.log10(power) if power > 0 else 65.535


def _spike_db(shot: _Shot, reflection_db: float) -> float:
    """Height of a reflection above the backscatter for the shot's pulse width."""
    if reflection_db >= 0:
        return 0.0
    backscatter = _BACKSCATTER_DB[_nominal(shot.wavelength_nm)]
    relative = reflection_db - backscatter - 10 * math.log10(shot.pulse_width_ns)
    return 5 * math.log10(1 + 10 ** (relative / 10))


def _data_pts(
    shot: _Shot, events: Sequence[TraceEvent], fibre_length_m: float, total_loss_db: float
) -> bytes:
    """The backscatter curve: falling with distance, stepping at events, spiking at reflections.

    Noise comes from a generator seeded with the trace's own parameters, so the curve is
    the same for the same arguments.
    """
    spacing = shot.spacing_m
    slope = _slope_db_per_m(events, fibre_length_m, total_loss_db)
    seed = binascii.crc32(repr((shot, events, fibre_length_m, total_loss_db)).encode())
    noise = random.Random(seed)
    width = max(1, math.ceil(_pulse_extent_m(shot) / spacing))
    end = math.floor(fibre_length_m / spacing)
    levels: list[float] = []
    for i in range(shot.data_points):
        distance = i * spacing
        if i <= end:
            before = sum(
                e.splice_loss_db for e in events if e.distance_m < distance and e.kind[1:2] != "E"
            )
            level = _LAUNCH_LEVEL_DB - slope * distance - before + noise.gauss(0, 0.02)
        else:
            level = _NOISE_FLOOR_DB + noise.gauss(0, 0.8)
        levels.append(level)
    for event in events:
        top = round(event.distance_m / spacing)
        if top >= shot.data_points:
            continue
        height = _spike_db(shot, event.reflection_db)
        base = levels[max(0, top - 1)] if top > 0 else _LAUNCH_LEVEL_DB
        for k in range(width + 1):
            if top + k < shot.data_points:
                spike = base + height * (1 - k / (width + 1))
                levels[top + k] = max(levels[top + k], spike)
    samples = [min(0xFFFF, max(0, round(-level * 1000))) for level in levels]
    header = struct.pack("<IHIH", shot.data_points, 1, shot.data_points, 1000)
    return b"DataPts\0" + header + struct.pack(f"<{shot.data_points}H", *samples)
