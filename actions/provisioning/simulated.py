"""The built-in driver: the simulated OLTs' provisioning API, over HTTP + JSON (stdlib only).

The API is the one ``simulator.network.provisioning`` serves; ``simulated_olts(home)``
writes its address in ``home/network/provisioning.yaml``.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit

from actions.provisioning.driver import Command, DriverResult
from actions.provisioning.errors import DriverError
from actions.provisioning.profile import ProvisioningProfile

__all__ = ["SimulatedOltDriver"]

_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class SimulatedOltDriver:
    """Provisions the simulated OLTs through their element-manager API.

    Args:
        url: The API's base URL (``http://127.0.0.1:PORT``).
        timeout_s: Seconds to wait for one answer; a timeout is a retryable ``DriverError``.

    Raises:
        ValueError: ``url`` is not an http(s) URL or ``timeout_s`` is not positive.
    """

    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url {url!r} is not an http(s)://host:port URL")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s {timeout_s!r} must be positive")
        self.url = url.rstrip("/")
        self.timeout_s = float(timeout_s)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __repr__(self) -> str:
        return f"SimulatedOltDriver(url={self.url!r}, timeout_s={self.timeout_s})"

    def apply(self, profile: ProvisioningProfile, request_id: str) -> DriverResult:
        """Bind ``profile`` to its ONT (see ``ProvisioningDriver.apply``)."""
        body = {"request_id": request_id, "profile": profile.to_json()}
        return self._command("apply", profile.olt_id, profile.ont_serial, body)

    def suspend(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Suspend the ONT's service (see ``ProvisioningDriver.suspend``)."""
        return self._command("suspend", olt_id, ont_serial, {"request_id": request_id})

    def restore(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Restore the ONT's service (see ``ProvisioningDriver.restore``)."""
        return self._command("restore", olt_id, ont_serial, {"request_id": request_id})

    def remove(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Delete the ONT's configuration (see ``ProvisioningDriver.remove``)."""
        return self._command("remove", olt_id, ont_serial, {"request_id": request_id})

    def lookup(self, olt_id: str, request_id: str) -> DriverResult | None:
        """The result of ``request_id`` on ``olt_id``; None when the OLT never saw it."""
        path = f"/olts/{quote(olt_id, safe='')}/requests/{quote(request_id, safe='')}"
        try:
            answer = self._call("GET", path, None, f"lookup of request {request_id} on {olt_id}")
        except DriverError as error:
            if error.code == "unknown_request":
                return None
            raise
        return self._result(answer, f"lookup of request {request_id} on {olt_id}")

    def ont_config(self, olt_id: str, ont_serial: str) -> dict[str, Any]:
        """The ONT's configuration now: index, ``provisioned``, ``admin_state``, ``profile``."""
        path = f"/olts/{quote(olt_id, safe='')}/onts/{quote(ont_serial, safe='')}"
        return self._call("GET", path, None, f"configuration of {ont_serial} on {olt_id}")

    def _command(
        self, command: Command, olt_id: str, ont_serial: str, body: dict[str, Any]
    ) -> DriverResult:
        what = f"{command} of ONT {ont_serial} on {olt_id} (request {body['request_id']})"
        path = f"/olts/{quote(olt_id, safe='')}/onts/{quote(ont_serial, safe='')}/{command}"
        return self._result(self._call("POST", path, body, what), what)

    def _result(self, answer: dict[str, Any], what: str) -> DriverResult:
        try:
            return DriverResult.from_json(answer)
        except ValueError as error:
            raise DriverError(f"{what}: unexpected answer: {error}", retryable=False) from None

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None, what: str
    ) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = _error_body(error)
            message = detail.get("error") or error.reason
            raise DriverError(
                f"{what}: {message} (HTTP {error.code} from {self.url})",
                retryable=error.code in _RETRYABLE_STATUS,
                code=detail.get("code"),
            ) from None
        except urllib.error.URLError as error:
            raise DriverError(
                f"{what}: {self.url} unreachable: {error.reason}", retryable=True
            ) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
            raise DriverError(
                f"{what}: no answer from {self.url} within {self.timeout_s} s: {error!r}",
                retryable=True,
            ) from None
        try:
            answer = json.loads(payload)
        except json.JSONDecodeError as error:
            raise DriverError(f"{what}: the answer is not JSON: {error}", retryable=False) from None
        if not isinstance(answer, dict):
            raise DriverError(f"{what}: the answer is not a JSON object", retryable=False)
        return answer


def _error_body(error: urllib.error.HTTPError) -> dict[str, str]:
    try:
        detail = json.loads(error.read() or b"{}")
    except (json.JSONDecodeError, OSError):
        return {}
    finally:
        error.close()
    return {k: str(v) for k, v in detail.items()} if isinstance(detail, dict) else {}
