"""The simulated OLTs' northbound provisioning API, as an element manager serves it.

A stdlib ``ThreadingHTTPServer`` on loopback (JSON in and out)::

    POST /olts/{olt_id}/onts/{serial}/apply    {"request_id": ..., "profile": {...}}
    POST /olts/{olt_id}/onts/{serial}/suspend  {"request_id": ...}
    POST /olts/{olt_id}/onts/{serial}/restore  {"request_id": ...}
    POST /olts/{olt_id}/onts/{serial}/remove   {"request_id": ...}  (configuration deleted)
    GET  /olts/{olt_id}/requests/{request_id}  what that request did (404: never seen)
    GET  /olts/{olt_id}/onts/{serial}          the ONT's configuration now
    GET  /health

A command answers ``{request_id, command, olt_id, ont_serial, pon_if_index, ont_id,
admin_state, applied_at}``. A repeated ``request_id`` gets the original answer (header
``Idempotent-Replayed: true``) and changes nothing; reused for another command it gets 422.
Errors answer ``{"error": message, "code": code}``: 404 ``unknown_olt`` / ``unknown_ont``
(the serial is not on any PON port of that OLT) / ``unknown_request``, 409
``not_provisioned`` / ``wrong_pon_port``, 400 ``bad_request``, 422 ``request_id_reused``.

Every applied command is appended to a JSON-lines log (``request_id, command, olt_id,
ont_serial, profile, applied_at``), flushed and fsynced before the answer, and recorded in the
``Network`` so the SNMP agents report it at once. The log is replayed on start, so a restarted
fleet keeps its configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO, cast
from urllib.parse import unquote, urlsplit

from simulator.errors import SimulatorError
from simulator.network.model import Network, OntCommand, OntNode, ProvisioningCommand

__all__ = ["COMMANDS", "ApiError", "CommandBook", "LoggedCommand", "ProvisioningApi"]

COMMANDS: tuple[ProvisioningCommand, ...] = ("apply", "suspend", "restore", "remove")
MAX_BODY_BYTES = 1_000_000
_PROFILE_TEXT = ("order_id", "offering_id", "bandwidth_profile", "pon_port_id")
_PROFILE_INTS = ("download_mbps", "upload_mbps", "service_vlan_id", "management_vlan_id")


class ApiError(Exception):
    """A request the API refuses: HTTP status, a machine-readable code and a message."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class LoggedCommand:
    """One line of the command log: a command the OLT applied."""

    request_id: str
    command: ProvisioningCommand
    olt_id: str
    ont_serial: str
    profile: dict[str, Any] | None
    applied_at: dt.datetime

    def to_line(self) -> str:
        """The JSON line written to the log."""
        record = {
            "request_id": self.request_id,
            "command": self.command,
            "olt_id": self.olt_id,
            "ont_serial": self.ont_serial,
            "profile": self.profile,
            "applied_at": self.applied_at.isoformat(),
        }
        return json.dumps(record, sort_keys=True) + "\n"

    @classmethod
    def from_line(cls, line: str) -> LoggedCommand:
        """Parse a log line (raises ``ValueError``/``KeyError`` when it is not one)."""
        record = json.loads(line)
        if record["command"] not in COMMANDS:
            raise ValueError(f"unknown command {record['command']!r}")
        return cls(
            request_id=str(record["request_id"]),
            command=record["command"],
            olt_id=str(record["olt_id"]),
            ont_serial=str(record["ont_serial"]),
            profile=record.get("profile"),
            applied_at=dt.datetime.fromisoformat(record["applied_at"]).astimezone(dt.UTC),
        )


def _check_profile(profile: object, olt_id: str, serial: str) -> dict[str, Any]:
    if not isinstance(profile, dict):
        raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", "'profile' must be a JSON object")
    for key, expected in (("olt_id", olt_id), ("ont_serial", serial)):
        if profile.get(key) != expected:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"profile {key} {profile.get(key)!r} does not match the path ({expected!r})",
            )
    for key in _PROFILE_TEXT:
        if not isinstance(profile.get(key), str) or not profile[key]:
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", f"profile {key} must be text")
    voice = profile.get("voice_vlan_id")
    for key, value in [(k, profile.get(k)) for k in _PROFILE_INTS] + [("voice_vlan_id", voice)]:
        if key == "voice_vlan_id" and value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ApiError(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"profile {key} must be a positive integer, got {value!r}",
            )
        if key.endswith("vlan_id") and value > 4094:
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", f"{key} {value} is not 1-4094")
    return profile


class CommandBook:
    """The OLTs' provisioning state: the command log, by request id and by ONT.

    Args:
        network: The network whose ONTs are configured (commands are recorded in it).
        log_path: The append-only JSON-lines command log (created when missing).
        clock: The OLTs' clock (the agents' simulated time, or the wall clock).
    """

    def __init__(self, network: Network, log_path: Path, clock: Callable[[], dt.datetime]) -> None:
        self.network, self.log_path, self._clock = network, log_path, clock
        self._lock = threading.Lock()
        self._requests: dict[str, tuple[LoggedCommand, dict[str, Any]]] = {}
        self._onts: dict[tuple[str, str], dict[str, Any]] = {}
        self._log: TextIO | None = None

    def open(self) -> None:
        """Replay the log into the network, then open it for appending."""
        self.close()
        self._requests.clear()
        self._onts.clear()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        data = self.log_path.read_bytes() if self.log_path.exists() else b""
        if data and not data.endswith(b"\n"):
            # A line cut short by a crash was never answered: drop it, so appends stay lines.
            data = data[: data.rfind(b"\n") + 1]
            with self.log_path.open("r+b") as handle:
                handle.truncate(len(data))
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                logged = LoggedCommand.from_line(line)
            except (ValueError, KeyError, TypeError) as error:
                raise SimulatorError(f"{self.log_path}:{number}: {error}") from None
            self._remember(logged)
        self._log = self.log_path.open("a", encoding="utf-8")

    def close(self) -> None:
        """Close the log (commands still arriving are refused)."""
        with self._lock:
            if self._log is not None:
                self._log.close()
                self._log = None

    def _remember(self, logged: LoggedCommand) -> dict[str, Any]:
        key = (logged.olt_id, logged.ont_serial)
        config = self._onts.setdefault(key, {"admin_state": None, "profile": None})
        if logged.command == "apply":
            config["profile"] = logged.profile
            config["admin_state"] = config["admin_state"] or "active"
        elif logged.command == "remove":
            config["profile"] = config["admin_state"] = None
        else:
            config["admin_state"] = "suspended" if logged.command == "suspend" else "active"
        config.update(last_request_id=logged.request_id, updated_at=logged.applied_at.isoformat())
        ont = self.network.find_ont(logged.olt_id, logged.ont_serial)
        if ont is not None:
            self.network.record(
                OntCommand(logged.ont_serial, logged.command, logged.applied_at, logged.request_id)
            )
        result = {
            "request_id": logged.request_id,
            "command": logged.command,
            "olt_id": logged.olt_id,
            "ont_serial": logged.ont_serial,
            "pon_if_index": ont.pon_if_index if ont else None,
            "ont_id": ont.ont_id if ont else None,
            "admin_state": config["admin_state"] or "removed",
            "applied_at": logged.applied_at.isoformat(),
        }
        self._requests[logged.request_id] = (logged, result)
        return result

    def execute(
        self,
        command: ProvisioningCommand,
        olt_id: str,
        serial: str,
        request_id: object,
        profile: object = None,
    ) -> tuple[dict[str, Any], bool]:
        """Apply a command once per request id; returns its result and whether it is a replay.

        Raises:
            ApiError: The OLT, the ONT or the request is not acceptable (nothing is applied).
        """
        if not isinstance(request_id, str) or not 0 < len(request_id) <= 200:
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", "request_id must be 1-200 chars")
        with self._lock:
            seen = self._requests.get(request_id)
            if seen is not None:
                logged, result = seen
                if (logged.command, logged.olt_id, logged.ont_serial) != (
                    command,
                    olt_id,
                    serial,
                ) or (command == "apply" and logged.profile != profile):
                    raise ApiError(
                        HTTPStatus.UNPROCESSABLE_ENTITY,
                        "request_id_reused",
                        f"request_id {request_id!r} was already used for {logged.command} of "
                        f"{logged.ont_serial} on {logged.olt_id} with other parameters",
                    )
                return result, True
            ont = self._ont(olt_id, serial)
            checked: dict[str, Any] | None = None
            if command == "apply":
                checked = _check_profile(profile, olt_id, serial)
                if checked["pon_port_id"] != ont.pon_port_id:
                    raise ApiError(
                        HTTPStatus.CONFLICT,
                        "wrong_pon_port",
                        f"ONT {serial} is on PON port {ont.pon_port_id} of OLT {olt_id}, "
                        f"not {checked['pon_port_id']}",
                    )
            elif (self._onts.get((olt_id, serial)) or {}).get("admin_state") is None:
                raise ApiError(
                    HTTPStatus.CONFLICT,
                    "not_provisioned",
                    f"ONT {serial} on OLT {olt_id} has no profile applied: cannot {command} it",
                )
            at = self._clock().astimezone(dt.UTC)
            logged = LoggedCommand(request_id, command, olt_id, serial, checked, at)
            if self._log is None:
                raise ApiError(HTTPStatus.SERVICE_UNAVAILABLE, "closed", "the API is closing")
            self._log.write(logged.to_line())
            self._log.flush()
            os.fsync(self._log.fileno())
            return self._remember(logged), False

    def _ont(self, olt_id: str, serial: str) -> OntNode:
        self._require_olt(olt_id)
        ont = self.network.find_ont(olt_id, serial)
        if ont is None:
            raise ApiError(
                HTTPStatus.NOT_FOUND,
                "unknown_ont",
                f"ONT serial {serial!r} is not on any PON port of OLT {olt_id}",
            )
        return ont

    def request(self, olt_id: str, request_id: str) -> dict[str, Any]:
        """The result of ``request_id`` on ``olt_id`` (404 ``unknown_request`` if never seen)."""
        self._require_olt(olt_id)
        with self._lock:
            seen = self._requests.get(request_id)
        if seen is None or seen[0].olt_id != olt_id:
            raise ApiError(
                HTTPStatus.NOT_FOUND,
                "unknown_request",
                f"OLT {olt_id} never applied request {request_id!r}",
            )
        return seen[1]

    def _require_olt(self, olt_id: str) -> None:
        if olt_id not in self.network.olts:
            raise ApiError(HTTPStatus.NOT_FOUND, "unknown_olt", f"no OLT {olt_id!r} is managed")

    def ont_config(self, olt_id: str, serial: str) -> dict[str, Any]:
        """An ONT's index, admin state and profile now (admin_state None: unprovisioned)."""
        ont = self._ont(olt_id, serial)
        with self._lock:
            config = dict(self._onts.get((olt_id, serial)) or {})
        return {
            "olt_id": olt_id,
            "ont_serial": serial,
            "pon_port_id": ont.pon_port_id,
            "pon_if_index": ont.pon_if_index,
            "ont_id": ont.ont_id,
            "provisioned": config.get("admin_state") is not None,
            "admin_state": config.get("admin_state"),
            "profile": config.get("profile"),
            "last_request_id": config.get("last_request_id"),
            "updated_at": config.get("updated_at"),
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    book: CommandBook


class _Handler(BaseHTTPRequestHandler):
    server_version = "FiberOpsSimulatedEMS/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the command log is the record."""

    def _answer(self, status: int, body: dict[str, Any], replayed: bool = False) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if replayed:
            self.send_header("Idempotent-Replayed", "true")
        self.end_headers()
        self.wfile.write(payload)

    def _route(self, method: str) -> None:
        book = cast(_Server, self.server).book
        parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
        try:
            match method, parts:
                case "GET", ["health"]:
                    self._answer(HTTPStatus.OK, {"status": "ok"})
                case "GET", ["olts", olt_id, "onts", serial]:
                    self._answer(HTTPStatus.OK, book.ont_config(olt_id, serial))
                case "GET", ["olts", olt_id, "requests", request_id]:
                    self._answer(HTTPStatus.OK, book.request(olt_id, request_id))
                case "POST", ["olts", olt_id, "onts", serial, command] if command in COMMANDS:
                    body = self._body()
                    result, replayed = book.execute(
                        cast(ProvisioningCommand, command),
                        olt_id,
                        serial,
                        body.get("request_id"),
                        body.get("profile"),
                    )
                    self._answer(HTTPStatus.OK, result, replayed)
                case _:
                    raise ApiError(HTTPStatus.NOT_FOUND, "not_found", f"no {method} {self.path}")
        except ApiError as error:
            self._answer(error.status, {"error": error.message, "code": error.code})

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "bad_request", "body too large")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as error:
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", f"not JSON: {error}") from None
        if not isinstance(body, dict):
            raise ApiError(HTTPStatus.BAD_REQUEST, "bad_request", "the body must be an object")
        return body

    def do_GET(self) -> None:
        """Read a request's result, an ONT's configuration, or health."""
        self._route("GET")

    def do_POST(self) -> None:
        """Apply, suspend, restore or remove."""
        self._route("POST")


class ProvisioningApi:
    """The provisioning API of a simulated network, served from a daemon thread.

    Args:
        network: The network to configure.
        log_path: The command log (``home/network/provisioning-commands.jsonl``).
        clock: The OLTs' clock, stamping ``applied_at``.
        host: Address to bind (loopback by default).
        port: Port to bind (0: a free one).
    """

    def __init__(
        self,
        network: Network,
        log_path: Path,
        clock: Callable[[], dt.datetime],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.book = CommandBook(network, log_path, clock)
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the running API."""
        if self._server is None:
            raise RuntimeError("the provisioning API is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ProvisioningApi:
        """Replay the command log into the network and start serving (once)."""
        if self._server is not None:
            return self
        self.book.open()
        try:
            self._server = _Server(self._address, _Handler)
        except OSError:
            self.book.close()
            raise
        self._server.book = self.book
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fiberops-olt-provisioning", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and close the log."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.book.close()

    def __enter__(self) -> ProvisioningApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
