"""The SNMPv2c BER codec against known encodings and against pysnmp's own encoder and decoder."""

from __future__ import annotations

from typing import Any

import pytest
from pyasn1.codec.ber import decoder, encoder
from pyasn1.type.univ import Null, ObjectIdentifier
from pysnmp.proto import api, rfc1902, rfc1905

from ingest.telemetry import ber
from ingest.telemetry.errors import BerError, SnmpError
from ingest.telemetry.oids import Oid
from ingest.telemetry.snmp import plain

V2C = api.v2c
HUAWEI_ONT = (1, 3, 6, 1, 4, 1, 2011, 6, 128, 1, 1, 2, 43, 1)


@pytest.mark.parametrize(
    ("length", "encoded"),
    [
        (0, "00"),
        (127, "7f"),
        (128, "8180"),
        (255, "81ff"),
        (256, "820100"),
        (4970, "82136a"),
        (65535, "82ffff"),
        (65536, "83010000"),
    ],
)
def test_lengths_short_and_long_form(length: int, encoded: str) -> None:
    assert ber.encode_length(length).hex() == encoded
    data = bytes.fromhex(encoded) + b"rest"
    assert ber.decode_length(data, 0) == (length, len(encoded) // 2)


@pytest.mark.parametrize("bad", ["80", "85", "8201", ""])
def test_indefinite_oversized_or_cut_lengths_are_errors(bad: str) -> None:
    with pytest.raises(BerError):
        ber.decode_length(bytes.fromhex(bad), 0)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "020100"),
        (1, "020101"),
        (127, "02017f"),
        (128, "02020080"),
        (256, "02020100"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
        (-2147483648, "020480000000"),
        (2147483647, "02047fffffff"),
    ],
)
def test_integers_are_minimal_twos_complement(value: int, encoded: str) -> None:
    assert ber.encode_integer(value).hex() == encoded
    assert decoder.decode(bytes.fromhex(encoded), asn1Spec=rfc1902.Integer32())[0] == value
    assert ber.decode_integer(bytes.fromhex(encoded)[2:]) == value
    # pyasn1 spends an extra octet on some negatives (-128 as ff80): the same value
    assert ber.decode_integer(encoder.encode(rfc1902.Integer32(value))[2:]) == value


@pytest.mark.parametrize(
    ("syntax", "tag", "value"),
    [
        (rfc1902.Counter64, ber.COUNTER64, 2**64 - 1),
        (rfc1902.Counter64, ber.COUNTER64, 2**63),
        (rfc1902.Counter64, ber.COUNTER64, 0),
        (rfc1902.Counter32, ber.COUNTER32, 2**32 - 1),
        (rfc1902.Gauge32, ber.GAUGE32, 2**31),
        (rfc1902.TimeTicks, ber.TIME_TICKS, 4_000_000_000),
    ],
)
def test_unsigned_application_integers(syntax: Any, tag: int, value: int) -> None:
    encoded = ber.encode_integer(value, tag)
    assert encoded == encoder.encode(syntax(value))
    assert ber.decode_integer(encoded[2:], signed=False) == value
    if value >= 2**63:
        assert encoded[1:3] == b"\x09\x00"  # 9 octets: the zero keeps the top bit unsigned


def test_counter64_without_its_leading_zero_still_decodes_unsigned() -> None:
    assert ber.decode_integer(b"\xff" * 8, signed=False) == 2**64 - 1
    assert ber.decode_integer(b"\xff" * 8) == -1


@pytest.mark.parametrize(
    ("oid", "encoded"),
    [
        ((1, 3, 6, 1, 2, 1, 1, 3, 0), "06082b06010201010300"),
        ((0, 0), "060100"),
        ((0, 39), "060127"),
        ((1, 0), "060128"),
        ((1, 39), "06014f"),
        ((2, 0), "060150"),
        ((2, 47), "06017f"),
        ((2, 48), "06028100"),  # the first sub-identifier itself needs two octets
        ((2, 999, 3), "0603883703"),
        ((1, 3, 6, 1, 4, 1, 2011), "06072b060104018f5b"),
        ((1, 3, 127, 128, 16383, 16384), "06092b7f8100ff7f818000"),
        ((1, 3, 4194312448), "06062b8fd080c200"),
        ((1, 3, 2**32 - 1), "06062b8fffffff7f"),
    ],
)
def test_oids_known_encodings(oid: Oid, encoded: str) -> None:
    assert ber.encode_oid(oid).hex() == encoded
    assert encoder.encode(ObjectIdentifier(oid)).hex() == encoded
    assert ber.decode_oid(bytes.fromhex(encoded)[2:]) == oid


def test_long_oids_round_trip() -> None:
    oid = (1, 3, 6, 1, 4, 1, 2011, 6, 128, 1, 1, 2, 43, 1, 3, 4194312448, 127, 128, 2**40)
    encoded = ber.encode_oid(oid)
    assert encoded == encoder.encode(ObjectIdentifier(oid))
    assert ber.decode_oid(encoded[2:]) == oid
    long = (1, 3, *range(140))
    encoded = ber.encode_oid(long)
    assert encoded[1] == 0x81  # contents past 127 octets: long-form length
    assert ber.decode_oid(encoded[3:]) == long


@pytest.mark.parametrize("bad", [(1,), (3, 1), (1, 40), (0, -1), (1, 3, -6)])
def test_oids_x690_cannot_encode(bad: Oid) -> None:
    with pytest.raises(BerError):
        ber.encode_oid(bad)


@pytest.mark.parametrize("bad", ["", "2b8f", "2b06ff"])
def test_oid_contents_cut_short(bad: str) -> None:
    with pytest.raises(BerError):
        ber.decode_oid(bytes.fromhex(bad))


def _decoded_request(message: bytes) -> tuple[Any, Any]:
    decoded, rest = decoder.decode(message, asn1Spec=V2C.Message())
    assert rest == b""
    return decoded, V2C.apiMessage.get_pdu(decoded)


def test_get_request_is_what_pysnmp_decodes() -> None:
    oids = [(1, 3, 6, 1, 2, 1, 1, 3, 0), (*HUAWEI_ONT, 3, 4194312448, 17)]
    message, pdu = _decoded_request(ber.encode_get(123456, b"p\xfablic", oids))
    assert int(V2C.apiMessage.get_version(message)) == 1
    assert bytes(V2C.apiMessage.get_community(message)) == b"p\xfablic"
    assert isinstance(pdu, rfc1905.GetRequestPDU)
    assert int(V2C.apiPDU.get_request_id(pdu)) == 123456
    assert [(n.asTuple(), type(v)) for n, v in V2C.apiPDU.get_varbinds(pdu)] == [
        (oid, Null) for oid in oids
    ]


def test_getbulk_request_is_what_pysnmp_decodes() -> None:
    columns = [(*HUAWEI_ONT, c) for c in range(1, 7)]
    _message, pdu = _decoded_request(ber.encode_getbulk(2**31 - 1, b"c", columns, 25))
    assert isinstance(pdu, rfc1905.GetBulkRequestPDU)
    assert int(V2C.apiBulkPDU.get_request_id(pdu)) == 2**31 - 1
    assert int(V2C.apiBulkPDU.get_non_repeaters(pdu)) == 0
    assert int(V2C.apiBulkPDU.get_max_repetitions(pdu)) == 25
    assert [n.asTuple() for n, _v in V2C.apiBulkPDU.get_varbinds(pdu)] == columns


def pysnmp_response(
    var_binds: list[tuple[Oid, Any]],
    request_id: int = 77,
    error_status: int = 0,
    error_index: int = 0,
    community: str = "public",
) -> bytes:
    """A Response message as pysnmp's agents encode it."""
    pdu = V2C.ResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_error_status(pdu, error_status)
    V2C.apiPDU.set_error_index(pdu, error_index)
    V2C.apiPDU.set_varbinds(pdu, var_binds)
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, community)
    V2C.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def _every_kind() -> list[tuple[Oid, Any]]:
    return [
        ((1, 3, 6, 1, 2, 1, 1, 3, 0), rfc1902.TimeTicks(4_000_000_000)),
        ((*HUAWEI_ONT, 1, 4194312448, 0), rfc1902.Integer32(-2147483648)),
        ((*HUAWEI_ONT, 2, 4194312448, 0), rfc1902.Integer32(0)),
        ((*HUAWEI_ONT, 3, 4194312448, 0), rfc1902.Integer32(-1)),
        ((*HUAWEI_ONT, 4, 4194312448, 0), rfc1902.Integer32(2147483647)),
        ((*HUAWEI_ONT, 5, 4194312448, 0), rfc1902.OctetString(b"HWTC\x01\x02\x03\xff")),
        ((*HUAWEI_ONT, 6, 4194312448, 0), rfc1902.OctetString(b"")),
        ((*HUAWEI_ONT, 7, 4194312448, 0), rfc1902.OctetString(b"x" * 300)),
        ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1), rfc1902.Counter64(2**64 - 1)),
        ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10, 1), rfc1902.Counter64(0)),
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1), rfc1902.Counter32(2**32 - 1)),
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1), rfc1902.Gauge32(2**31)),
        ((1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1), rfc1902.IpAddress("10.0.0.1")),
        ((1, 3, 6, 1, 4, 1, 99, 1), rfc1902.Opaque(b"\x9f\x78\x04\x42\xf6\x00\x00")),
        ((1, 3, 6, 1, 2, 1, 1, 2, 0), rfc1902.ObjectIdentifier((1, 3, 6, 1, 4, 1, 2011, 2, 248))),
        ((1, 3, 6, 1, 4, 1, 99, 2), rfc1902.Bits(b"\x80\x01")),
        ((1, 3, 6, 1, 4, 1, 99, 3), rfc1905.noSuchObject),
        ((1, 3, 6, 1, 4, 1, 99, 4), rfc1905.noSuchInstance),
        ((1, 3, 6, 1, 4, 1, 99, 5), rfc1905.endOfMibView),
        ((1, 3, 6, 1, 4, 1, 99, 6), V2C.Null()),
    ]


def test_response_decodes_as_pysnmp_decodes_it() -> None:
    """Ground truth: pysnmp encodes the response, pysnmp decodes it, ``plain`` flattens its
    values, as the pysnmp ``Session`` hands them out; the codec must hand out the same."""
    message = pysnmp_response(_every_kind(), request_id=2**31 - 1, community="públic")
    decoded, _rest = decoder.decode(message, asn1Spec=V2C.Message())
    expected = [
        (name.asTuple(), plain(value))
        for name, value in V2C.apiPDU.get_varbinds(V2C.apiMessage.get_pdu(decoded))
    ]

    response = ber.decode_response(message)

    assert (response.request_id, response.error_status, response.error_index) == (2**31 - 1, 0, 0)
    assert response.community == b"p\xfablic"  # pysnmp sends ISO 8859-1
    assert response.var_binds == expected
    for (name, got), (_name, want) in zip(response.var_binds, expected, strict=True):
        assert type(got) is type(want), name
        assert type(name) is tuple
    values = dict(response.var_binds)
    assert isinstance(values[(1, 3, 6, 1, 4, 1, 99, 3)], rfc1905.NoSuchObject)
    assert isinstance(values[(1, 3, 6, 1, 4, 1, 99, 4)], rfc1905.NoSuchInstance)
    assert isinstance(values[(1, 3, 6, 1, 4, 1, 99, 5)], rfc1905.EndOfMibView)
    assert isinstance(values[(1, 3, 6, 1, 4, 1, 99, 6)], Null)
    assert values[(1, 3, 6, 1, 2, 1, 1, 2, 0)] == ObjectIdentifier("1.3.6.1.4.1.2011.2.248")


def test_a_walk_sized_response_decodes_as_pysnmp_decodes_it() -> None:
    var_binds = [
        ((*HUAWEI_ONT, column, 4194312448 + row // 64, row % 64), value)
        for row in range(25)
        for column, value in enumerate(
            (
                rfc1902.OctetString(bytes([72, 87, 84, 67, row, 0, 0x80, 0xFF])),
                rfc1902.Integer32(row % 3),
                rfc1902.OctetString(bytes([7, 234, 3, 1, 8, 0, 0, 0])),
                rfc1902.Integer32(-2000 + row),
                rfc1902.Integer32(250 - row),
                rfc1902.Integer32(2147483647),
            ),
            start=1,
        )
    ]
    message = pysnmp_response(var_binds)
    assert len(message) > 4000
    response = ber.decode_response(message)
    assert response.var_binds == [(oid, plain(value)) for oid, value in var_binds]


def test_error_status_and_index_are_read() -> None:
    message = pysnmp_response([((1, 3, 6, 1), V2C.Null())], 5, error_status=5, error_index=1)
    response = ber.decode_response(message)
    assert (response.request_id, response.error_status, response.error_index) == (5, 5, 1)


def test_an_empty_var_bind_list() -> None:
    assert ber.decode_response(pysnmp_response([])).var_binds == []


def _v1_message() -> bytes:
    v1 = api.v1
    pdu = v1.GetResponsePDU()
    v1.apiPDU.set_defaults(pdu)
    message = v1.Message()
    v1.apiMessage.set_defaults(message)
    v1.apiMessage.set_community(message, "public")
    v1.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x30\x03\x02\x01", id="cut short"),
        pytest.param(pysnmp_response([((1, 3), rfc1902.Integer32(1))])[:-1], id="last octet cut"),
        pytest.param(ber.encode_get(1, b"public", [(1, 3, 6)]), id="a request"),
        pytest.param(_v1_message(), id="SNMPv1"),
        pytest.param(
            pysnmp_response([((1, 3), rfc1902.Integer32(1))])[:-3] + b"\x47\x01\x01",
            id="tag not SNMPv2c",
        ),
        pytest.param(b"\x30\x80" + b"\x00" * 20, id="indefinite length"),
    ],
)
def test_what_is_not_a_v2c_response_is_an_error(message: bytes) -> None:
    with pytest.raises(BerError) as raised:
        ber.decode_response(message)
    assert isinstance(raised.value, SnmpError)
