"""Errors raised by the provisioning package."""

from __future__ import annotations

__all__ = ["DriverConfigError", "DriverError", "ProfileError", "ProvisioningError"]


class ProvisioningError(Exception):
    """Base class of every provisioning error."""


class ProfileError(ProvisioningError, ValueError):
    """A provisioning profile is malformed (names the field, the value and the record)."""


class DriverConfigError(ProvisioningError):
    """``provisioning.yaml`` is missing or invalid, or names a driver that cannot be loaded."""


class DriverError(ProvisioningError):
    """A driver could not carry out a command on an OLT.

    Attributes:
        retryable: True when the same request may succeed later with the same request id
            (connection refused, timeout, 5xx, throttling): the OLT may or may not have
            applied it, so retry with the same request id or ``lookup`` it first. False when
            retrying cannot help (unknown OLT or serial, invalid profile, request id reused).
        code: A machine-readable reason when the OLT's manager gave one (``unknown_ont``).
    """

    def __init__(self, message: str, *, retryable: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code
