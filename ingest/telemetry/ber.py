"""SNMPv2c messages in BER: GET and GETBULK requests out, Response PDUs in, without pyasn1.

pyasn1 builds an object per tag, length and value and checks each against the SMI schema;
decoding responses that way cost the poller most of its CPU. This codec knows the few shapes
a v2c manager needs (RFC 3416 PDUs in the RFC 1901 message, ITU-T X.690 BER) and turns a
response straight into the ``(oid, value)`` pairs ``ingest.telemetry.snmp`` hands out:

- ``int`` for INTEGER (signed two's complement) and for Counter32, Gauge32, TimeTicks and
  Counter64 (unsigned, even where an agent left out the leading zero octet);
- ``bytes`` for OCTET STRING, IpAddress and Opaque;
- pysnmp's own objects for the rest, as its decoder would give them: ``ObjectIdentifier`` for
  an OID value, ``Null`` for NULL, and the ``noSuchObject``, ``noSuchInstance`` and
  ``endOfMibView`` exceptions (which callers recognise with ``isinstance``).

OIDs (names) are tuples of ints. Anything else the response holds, a tag SNMPv2c does not
define or a length that overruns its container, is a ``BerError``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyasn1.type.univ import ObjectIdentifier
from pysnmp.proto.rfc1905 import endOfMibView, noSuchInstance, noSuchObject, unSpecified

from ingest.telemetry.errors import BerError
from ingest.telemetry.oids import Oid

__all__ = [
    "COUNTER32",
    "COUNTER64",
    "END_OF_MIB_VIEW",
    "GAUGE32",
    "GETBULK_REQUEST",
    "GET_REQUEST",
    "INTEGER",
    "IP_ADDRESS",
    "NO_SUCH_INSTANCE",
    "NO_SUCH_OBJECT",
    "NULL",
    "OBJECT_IDENTIFIER",
    "OCTET_STRING",
    "OPAQUE",
    "RESPONSE",
    "SEQUENCE",
    "TIME_TICKS",
    "VERSION_2C",
    "Response",
    "decode_integer",
    "decode_length",
    "decode_oid",
    "decode_response",
    "encode_get",
    "encode_getbulk",
    "encode_integer",
    "encode_length",
    "encode_oid",
]

INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIME_TICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82
GET_REQUEST = 0xA0
RESPONSE = 0xA2
GETBULK_REQUEST = 0xA5

VERSION_2C = 1
"""The message version field of SNMPv2c (RFC 1901)."""

_NULL_VALUE = b"\x05\x00"
_MAX_LENGTH_OCTETS = 4
"""Long-form lengths above 4 GiB cannot occur in a UDP datagram."""

_VALUES: dict[int, Callable[[bytes], Any]] = {
    INTEGER: lambda c: int.from_bytes(c, "big", signed=True),
    COUNTER32: lambda c: int.from_bytes(c, "big"),
    GAUGE32: lambda c: int.from_bytes(c, "big"),
    TIME_TICKS: lambda c: int.from_bytes(c, "big"),
    COUNTER64: lambda c: int.from_bytes(c, "big"),
    OCTET_STRING: bytes,
    IP_ADDRESS: bytes,
    OPAQUE: bytes,
    OBJECT_IDENTIFIER: lambda c: ObjectIdentifier(decode_oid(c)),
    NULL: lambda _c: unSpecified,
    NO_SUCH_OBJECT: lambda _c: noSuchObject,
    NO_SUCH_INSTANCE: lambda _c: noSuchInstance,
    END_OF_MIB_VIEW: lambda _c: endOfMibView,
}
"""Value decoders by tag; each gets the value's contents octets."""


@dataclass(frozen=True, slots=True)
class Response:
    """A decoded SNMPv2c Response PDU.

    Attributes:
        community: The community string the agent sent back.
        request_id: The request-id it answers.
        error_status: 0 (noError) or the RFC 3416 error-status.
        error_index: The 1-based var-bind the error is about (0 when none).
        var_binds: ``(oid, value)`` pairs in the agent's order.
    """

    community: bytes
    request_id: int
    error_status: int
    error_index: int
    var_binds: list[tuple[Oid, Any]]


def encode_length(length: int) -> bytes:
    """BER definite length: one octet below 128, else ``0x80 | n`` and ``n`` octets."""
    if length < 0x80:
        return bytes((length,))
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(octets),)) + octets


def decode_length(data: bytes, at: int) -> tuple[int, int]:
    """The length whose first octet is ``data[at]``, and where the contents begin.

    Raises:
        BerError: The indefinite form (not allowed in SNMP), or a length past ``data``.
    """
    if at >= len(data):
        raise BerError(f"length expected at offset {at}, message ends")
    first = data[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    if not 0 < count <= _MAX_LENGTH_OCTETS or at + 1 + count > len(data):
        raise BerError(f"bad length octet 0x{first:02x} at offset {at}")
    return int.from_bytes(data[at + 1 : at + 1 + count], "big"), at + 1 + count


def encode_integer(value: int, tag: int = INTEGER) -> bytes:
    """An INTEGER (or, with its ``tag``, Counter32/Gauge32/TimeTicks/Counter64: a value >= 0
    then gets the leading zero octet that keeps it unsigned) in the fewest octets."""
    size = (value if value >= 0 else ~value).bit_length() // 8 + 1
    return bytes((tag,)) + encode_length(size) + value.to_bytes(size, "big", signed=True)


def decode_integer(contents: bytes, signed: bool = True) -> int:
    """The integer in ``contents`` octets: two's complement when ``signed``."""
    return int.from_bytes(contents, "big", signed=signed)


def encode_oid(oid: Oid) -> bytes:
    """An OBJECT IDENTIFIER: the first two arcs in one sub-identifier (40 x first + second),
    each sub-identifier base 128, high bit set on all its octets but the last.

    Raises:
        BerError: Fewer than two arcs, or arcs X.690 cannot encode.
    """
    if len(oid) < 2 or not 0 <= oid[0] <= 2 or (oid[0] < 2 and not 0 <= oid[1] < 40):
        raise BerError(f"cannot encode OID {oid}")
    contents = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        if arc < 0:
            raise BerError(f"cannot encode OID {oid}: negative arc {arc}")
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | arc & 0x7F)
            arc >>= 7
        contents.extend(reversed(chunk))
    return bytes((OBJECT_IDENTIFIER,)) + encode_length(len(contents)) + contents


def decode_oid(contents: bytes) -> Oid:
    """The OID in ``contents`` octets (see ``encode_oid``).

    Raises:
        BerError: Empty, or the last sub-identifier is cut short.
    """
    if not contents or contents[-1] & 0x80:
        raise BerError(f"bad OBJECT IDENTIFIER contents {contents.hex()}")
    if contents.isascii():  # every sub-identifier a single octet
        arcs: Sequence[int] = contents
    else:
        arcs = []
        arc = 0
        for octet in contents:
            if octet & 0x80:
                arc = (arc | octet & 0x7F) << 7
            else:
                arcs.append(arc | octet)
                arc = 0
    first = arcs[0]
    if first < 80:
        return (first // 40, first % 40, *arcs[1:])
    return (2, first - 80, *arcs[1:])


def _tlv(tag: int, contents: bytes) -> bytes:
    return bytes((tag,)) + encode_length(len(contents)) + contents


def _request(
    community: bytes, pdu_tag: int, request_id: int, second: int, third: int, oids: Sequence[Oid]
) -> bytes:
    var_binds = b"".join(_tlv(SEQUENCE, encode_oid(oid) + _NULL_VALUE) for oid in oids)
    pdu = (
        encode_integer(request_id)
        + encode_integer(second)
        + encode_integer(third)
        + _tlv(SEQUENCE, var_binds)
    )
    return _tlv(
        SEQUENCE,
        encode_integer(VERSION_2C) + _tlv(OCTET_STRING, community) + _tlv(pdu_tag, pdu),
    )


def encode_get(request_id: int, community: bytes, oids: Sequence[Oid]) -> bytes:
    """A GetRequest message for ``oids`` (each with a NULL value)."""
    return _request(community, GET_REQUEST, request_id, 0, 0, oids)


def encode_getbulk(
    request_id: int,
    community: bytes,
    oids: Sequence[Oid],
    max_repetitions: int,
    non_repeaters: int = 0,
) -> bytes:
    """A GetBulkRequest message: the first ``non_repeaters`` OIDs once, the others
    ``max_repetitions`` times."""
    return _request(community, GETBULK_REQUEST, request_id, non_repeaters, max_repetitions, oids)


def _header(data: bytes, at: int, tag: int, end: int) -> tuple[int, int]:
    """Where the contents of the ``tag`` element at ``at`` begin and end."""
    if at >= end or data[at] != tag:
        found = f"0x{data[at]:02x}" if at < end else "the end"
        raise BerError(f"expected tag 0x{tag:02x} at offset {at}, found {found}")
    length, start = decode_length(data, at + 1)
    if start + length > end:
        raise BerError(f"length {length} at offset {at} overruns its container")
    return start, start + length


def _integer(data: bytes, at: int, end: int) -> tuple[int, int]:
    start, stop = _header(data, at, INTEGER, end)
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_response(message: bytes) -> Response:
    """The SNMPv2c Response PDU in ``message`` (one UDP datagram).

    Raises:
        BerError: Not an SNMPv2c message, not a Response PDU, or not well-formed BER.
    """
    data = bytes(message)
    start, end = _header(data, 0, SEQUENCE, len(data))
    version, at = _integer(data, start, end)
    if version != VERSION_2C:
        raise BerError(f"message version {version}, not SNMPv2c")
    start, at = _header(data, at, OCTET_STRING, end)
    community = data[start:at]
    if at >= end or data[at] != RESPONSE:
        found = f"0x{data[at]:02x}" if at < end else "none"
        raise BerError(f"PDU tag {found}, not a Response")
    at, end = _header(data, at, RESPONSE, end)
    request_id, at = _integer(data, at, end)
    error_status, at = _integer(data, at, end)
    error_index, at = _integer(data, at, end)
    at, end = _header(data, at, SEQUENCE, end)
    var_binds: list[tuple[Oid, Any]] = []
    values = _VALUES
    while at < end:
        at, bind_end = _header(data, at, SEQUENCE, end)
        start, at = _header(data, at, OBJECT_IDENTIFIER, bind_end)
        name = decode_oid(data[start:at])
        if at + 1 >= bind_end:
            raise BerError(f"var-bind at offset {start} has no value")
        tag = data[at]
        length = data[at + 1]
        start = at + 2
        if length >= 0x80:
            length, start = decode_length(data, at + 1)
        at = start + length
        if at != bind_end:
            raise BerError(f"value at offset {start} does not end its var-bind")
        decode = values.get(tag)
        if decode is None:
            raise BerError(f"value tag 0x{tag:02x} at offset {start} is not SNMPv2c")
        var_binds.append((name, decode(data[start:at])))
    return Response(community, request_id, error_status, error_index, var_binds)
