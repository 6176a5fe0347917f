"""Errors of the telemetry poller: a short hierarchy under ``TelemetryError``."""

from __future__ import annotations

__all__ = [
    "BerError",
    "CredentialError",
    "InventoryError",
    "SnmpError",
    "SnmpTimeout",
    "TelemetryError",
]


class TelemetryError(Exception):
    """Base of every telemetry error."""


class InventoryError(TelemetryError):
    """The OLT inventory file is missing or malformed (the message names file and entry)."""


class CredentialError(TelemetryError):
    """A credential the inventory refers to is not set in the environment."""


class SnmpError(TelemetryError):
    """An agent answered with an error, or its answer made no sense."""


class SnmpTimeout(SnmpError):
    """An agent did not answer within its timeout and retries."""


class BerError(SnmpError):
    """A message is not the BER-encoded SNMPv2c it should be (the message gives the offset)."""
