"""Errors raised by the notify package."""

from __future__ import annotations

__all__ = [
    "MailConfigError",
    "MailError",
    "NotifyError",
    "SinkError",
]


class NotifyError(Exception):
    """Base class of every notify error."""


class MailConfigError(NotifyError, ValueError):
    """The SMTP settings are missing or malformed (names the file or variable and the value)."""


class MailError(NotifyError):
    """An e-mail could not be handed to the SMTP server.

    Attributes:
        retryable: True when the failure is transient (connection refused or lost, timeout,
            4xx reply), so the same message may be sent again later; False when sending it
            again would fail the same way (5xx reply, bad credentials, TLS refused).
        maybe_delivered: True when the connection failed after the message was handed over
            and before the server's reply was read, so the server may have accepted it.
            Reconcile with ``already_delivered`` (or rely on the Message-ID) before a retry.
    """

    def __init__(self, message: str, *, retryable: bool, maybe_delivered: bool = False) -> None:
        self.retryable = retryable
        self.maybe_delivered = maybe_delivered
        super().__init__(message)


class SinkError(NotifyError):
    """The local SMTP sink could not start, or was used before it started."""
