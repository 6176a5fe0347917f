"""SNMPv2c to one agent over an asyncio UDP socket, encoded by ``ingest.telemetry.ber``.

The same requests, limits and values as the pysnmp ``Session`` (``ingest.telemetry.snmp``),
without pyasn1 in the way: a response is decoded straight into the ``(oid, value)`` pairs the
walk needs. Each session owns one unconnected UDP socket, so an answer may come from any
address of the agent, as with pysnmp; answers are matched to requests by request-id (and the
community), and a datagram that matches no outstanding request (a late answer, a stray,
anything that is not a well-formed SNMPv2c Response) is dropped.

Timeout and retries mean what they mean to pysnmp's ``UdpTransportTarget``: a request is sent
up to ``1 + retries`` times, each time waiting ``timeout_s`` seconds for the answer, then
``SnmpTimeout``. A retransmission keeps the request-id, so an answer to any earlier copy is
taken too.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Sequence
from typing import Any

from ingest.telemetry.ber import Response, decode_response, encode_get, encode_getbulk
from ingest.telemetry.errors import BerError, SnmpError, SnmpTimeout
from ingest.telemetry.oids import Oid
from ingest.telemetry.snmp import DEFAULT_MAX_VARBINDS, AgentSession

__all__ = ["ERROR_STATUS", "V2cSession"]

ERROR_STATUS = (
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
)
"""RFC 3416 error-status names, by value."""

_MAX_REQUEST_ID = 2**31 - 1


class _Endpoint(asyncio.DatagramProtocol):
    """Hands each answer to the request waiting for its request-id; drops anything else."""

    def __init__(self, community: bytes) -> None:
        self.community = community
        self.pending: dict[int, asyncio.Future[Response]] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        try:
            response = decode_response(data)
        except BerError:
            return
        future = self.pending.get(response.request_id)
        if future is not None and not future.done() and response.community == self.community:
            future.set_result(response)

    def error_received(self, exc: Exception) -> None:
        """Ignored: a request that gets no answer times out, as with pysnmp."""


class V2cSession(AgentSession):
    """One SNMPv2c agent, its community and limits. Open it with ``open``; ``close`` it after.

    Args:
        transport: The session's UDP socket (``open`` makes it and its endpoint).
        endpoint: What reads the socket, with the community it expects.
        address: The agent's resolved ``(ip, port)``.
        timeout_s: Seconds to wait for an answer to each copy of a request.
        retries: Retransmissions after a timeout.
        max_repetitions, max_varbinds, max_in_flight: As for ``AgentSession``.
    """

    def __init__(
        self,
        transport: asyncio.DatagramTransport,
        endpoint: _Endpoint,
        address: tuple[str, int],
        timeout_s: float = 1.0,
        retries: int = 5,
        max_repetitions: int = 25,
        max_varbinds: int = DEFAULT_MAX_VARBINDS,
        max_in_flight: int = 1,
    ) -> None:
        super().__init__(max_repetitions, max_varbinds, max_in_flight)
        self.address = address
        self.community = endpoint.community
        self.timeout_s = timeout_s
        self.retries = retries
        self._transport = transport
        self._pending = endpoint.pending
        self._request_id = random.randrange(_MAX_REQUEST_ID)

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        community: str,
        timeout_s: float = 1.0,
        retries: int = 5,
        max_repetitions: int = 25,
        max_varbinds: int = DEFAULT_MAX_VARBINDS,
        max_in_flight: int = 1,
    ) -> V2cSession:
        """A session to ``host:port`` (IPv4, resolved once) on a UDP socket of its own.

        The community goes out as ISO 8859-1 octets, as pysnmp sends it.

        Raises:
            SnmpError: The host does not resolve, no socket could be opened, or the community
                has a character outside ISO 8859-1.
        """
        try:
            octets = community.encode("latin-1")
        except UnicodeEncodeError:
            raise SnmpError(f"{host}:{port}: the community is not ISO 8859-1 text") from None
        loop = asyncio.get_running_loop()
        try:
            resolved = await loop.getaddrinfo(
                host, port, family=socket.AF_INET, type=socket.SOCK_DGRAM
            )
            transport, endpoint = await loop.create_datagram_endpoint(
                lambda: _Endpoint(octets), local_addr=("0.0.0.0", 0)
            )
        except OSError as error:
            raise SnmpError(f"{host}:{port}: {error}") from None
        address = resolved[0][4]
        return cls(
            transport,
            endpoint,
            (str(address[0]), int(address[1])),
            timeout_s,
            retries,
            max_repetitions,
            max_varbinds,
            max_in_flight,
        )

    def close(self) -> None:
        """Close the socket; answers still on their way are dropped."""
        self._transport.close()

    def _next_request_id(self) -> int:
        self._request_id = self._request_id % _MAX_REQUEST_ID + 1
        return self._request_id

    async def _exchange(self, request_id: int, message: bytes, what: str) -> Response:
        """Send ``message`` until it is answered, at most ``1 + retries`` times."""
        loop = asyncio.get_running_loop()
        for _copy in range(1 + self.retries):
            future: asyncio.Future[Response] = loop.create_future()
            self._pending[request_id] = future
            self._transport.sendto(message, self.address)
            try:
                async with asyncio.timeout(self.timeout_s):
                    return await future
            except TimeoutError:
                continue
            finally:
                del self._pending[request_id]
        raise SnmpTimeout(f"{what}: No SNMP response received before timeout")

    async def _request(
        self, oids: Sequence[Oid], repetitions: int | None, what: str
    ) -> Sequence[tuple[Oid, Any]]:
        async with self._slots:
            self.requests += 1
            request_id = self._next_request_id()
            if repetitions is None:
                message = encode_get(request_id, self.community, oids)
            else:
                message = encode_getbulk(request_id, self.community, oids, repetitions)
            response = await self._exchange(request_id, message, what)
        status = response.error_status
        if status:
            name = ERROR_STATUS[status] if 0 <= status < len(ERROR_STATUS) else str(status)
            raise SnmpError(f"{what}: {name} at var-bind {response.error_index}")
        return response.var_binds
