"""Hand e-mails to an SMTP server, and tell afterwards whether one was delivered.

Settings live in ``<home>/mail/smtp.yaml`` (see ``smtp_settings``). ``send`` makes one SMTP
transaction with a timeout and raises ``MailError`` saying whether a retry may succeed.

Sending twice is prevented in two places. The outbox (the caller) records each send in its
ledger under the notification's idempotency key, and every message carries a Message-ID derived
from that key (``messages.message_id_for``). The one window the ledger cannot close is a crash
between the server accepting the DATA and the ledger write, a few milliseconds. For that window
``already_delivered`` reconciles: against the local sink it looks the Message-ID up in the
sink's Maildir and answers True or False; against any other relay it answers None (unknown),
and the outbox relies on the Message-ID instead, which receiving servers, mail clients and
archivers use to drop a repeated delivery of the same message.
"""

from __future__ import annotations

import copy
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path
from typing import Any

import yaml

from actions.notify.errors import MailConfigError, MailError
from actions.notify.maildir import message_ids

__all__ = [
    "DEFAULT_SENDER",
    "DEFAULT_TIMEOUT_SECONDS",
    "ENV_FROM",
    "ENV_HOST",
    "ENV_PORT",
    "SmtpSettings",
    "already_delivered",
    "send",
    "smtp_settings",
    "smtp_settings_path",
]

DEFAULT_SENDER = "FiberOps <noreply@fiberops.invalid>"
DEFAULT_PORT = 25
DEFAULT_TIMEOUT_SECONDS = 10.0
ENV_HOST = "FIBEROPS_SMTP_HOST"
ENV_PORT = "FIBEROPS_SMTP_PORT"
ENV_FROM = "FIBEROPS_SMTP_FROM"

_KEYS = {
    "host",
    "port",
    "sender",
    "starttls",
    "username_env",
    "password_env",
    "sink_maildir",
    "timeout_seconds",
}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send e-mail.

    Attributes:
        host: SMTP server host name or address.
        port: SMTP server TCP port.
        sender: ``From`` header and envelope sender, e.g. ``FiberOps <noreply@example.net>``.
        username: Login name, read from the environment variable the config names.
        password: Login password, read from the environment variable the config names.
        starttls: Upgrade the connection with STARTTLS (certificate verified) before login.
        sink_maildir: The Maildir of the local sink when the server is our own ``MailSink``;
            None for any other relay.
        timeout_seconds: Socket timeout of every SMTP step, seconds.
    """

    host: str
    port: int
    sender: str = DEFAULT_SENDER
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    sink_maildir: Path | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


def smtp_settings_path(home: Path) -> Path:
    """The SMTP settings file of an operator home: ``<home>/mail/smtp.yaml``."""
    return Path(home) / "mail" / "smtp.yaml"


def smtp_settings(home: Path) -> SmtpSettings:
    """Read ``<home>/mail/smtp.yaml``, then apply the environment overrides.

    The file holds ``host``, ``port`` and optionally ``sender``, ``starttls``,
    ``username_env`` / ``password_env`` (names of the environment variables holding the
    credentials, never the credentials), ``timeout_seconds`` and ``sink_maildir`` (relative
    to ``home`` or absolute; written by ``sink.write_smtp_settings``). ``FIBEROPS_SMTP_HOST``,
    ``FIBEROPS_SMTP_PORT`` and ``FIBEROPS_SMTP_FROM`` override the file. When they point at
    another server than the file's, ``sink_maildir`` is dropped: that Maildir says nothing
    about what another server delivered.

    Args:
        home: The operator home.

    Returns:
        The settings.

    Raises:
        MailConfigError: If neither the file nor ``FIBEROPS_SMTP_HOST`` exists, or a value is
            malformed (the error names the file or the variable and the value).
    """
    path = smtp_settings_path(home)
    env_host = os.environ.get(ENV_HOST, "").strip()
    if not path.is_file() and not env_host:
        raise MailConfigError(
            f"no SMTP settings: {path} does not exist and {ENV_HOST} is not set "
            "(start the mail sink, or write the file, or set the variable)"
        )
    config = _load(path) if path.is_file() else {}
    where = str(path)

    file_host = _text(config, "host", where) if "host" in config else None
    file_port = _port(config["port"], f"{where}: port") if "port" in config else None
    host = env_host or file_host
    if host is None:
        raise MailConfigError(f"{where}: 'host' is missing and {ENV_HOST} is not set")
    env_port = os.environ.get(ENV_PORT, "").strip()
    port = _port(env_port, ENV_PORT) if env_port else (file_port or DEFAULT_PORT)
    sender = os.environ.get(ENV_FROM, "").strip() or (
        _text(config, "sender", where) if "sender" in config else DEFAULT_SENDER
    )
    _check_sender(sender, ENV_FROM if os.environ.get(ENV_FROM, "").strip() else where)

    sink_maildir: Path | None = None
    if "sink_maildir" in config and (host, port) == (file_host, file_port):
        sink_maildir = Path(home) / Path(_text(config, "sink_maildir", where)).expanduser()

    username = _secret(config, "username_env", where)
    password = _secret(config, "password_env", where)
    if password is not None and username is None:
        raise MailConfigError(f"{where}: 'password_env' is set but 'username_env' is not")
    return SmtpSettings(
        host=host,
        port=port,
        sender=sender,
        username=username,
        password=password,
        starttls=_flag(config, "starttls", where),
        sink_maildir=sink_maildir,
        timeout_seconds=_timeout(config, where),
    )


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Send ``message`` in one SMTP transaction.

    ``From`` (``settings.sender``) and ``Date`` (now, UTC) are added to a copy when the
    message has none; the caller's message is not changed. Once the server has accepted the
    message, nothing after it (a failed QUIT) raises.

    Args:
        message: The e-mail, with ``To`` and ``Message-ID``.
        settings: Where to send it.

    Raises:
        MailError: With ``retryable`` True for a refused or lost connection, a timeout or a
            4xx reply; False for a 5xx reply, refused credentials or TLS, or a message
            without recipients. ``maybe_delivered`` is True when the connection broke while
            the message was being handed over (reconcile before retrying).
    """
    outgoing = _complete(message, settings.sender)
    message_id = str(outgoing.get("Message-ID", "(no Message-ID)"))
    if not _recipients(outgoing):
        raise MailError(f"{message_id} has no recipient (To, Cc or Bcc)", retryable=False)
    where = f"{settings.host}:{settings.port}"
    client = smtplib.SMTP(timeout=settings.timeout_seconds)
    handed_over = False
    try:
        client.connect(settings.host, settings.port)
        client.ehlo()
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if settings.username is not None:
            client.login(settings.username, settings.password or "")
        handed_over = True
        refused = client.send_message(outgoing, from_addr=parseaddr(settings.sender)[1])
    except (smtplib.SMTPException, OSError, ValueError) as error:
        client.close()
        raise _mail_error(error, where, message_id, handed_over) from error
    _quit_quietly(client)
    if refused:
        raise MailError(
            f"{where} accepted {message_id} but refused some recipients: {refused}",
            retryable=False,
        )


def already_delivered(message_id: str, settings: SmtpSettings) -> bool | None:
    """Whether the server already holds the message with ``message_id``.

    The outbox calls this after a crash left a notification sent but not recorded.

    Args:
        message_id: The Message-ID, angle brackets included (``messages.message_id_for``).
        settings: The server the message would have gone to.

    Returns:
        For the local sink (``settings.sink_maildir`` set): True if its Maildir holds that
        Message-ID, else False. For any other relay: None, since SMTP cannot ask a relay
        what it accepted; the outbox then relies on the Message-ID (receivers and archivers
        dedupe on it), and the exposure is the few milliseconds between the relay accepting
        the DATA and the ledger write.
    """
    if settings.sink_maildir is None:
        return None
    return message_id.strip() in message_ids(settings.sink_maildir)


def _complete(message: EmailMessage, sender: str) -> EmailMessage:
    if message["From"] is not None and message["Date"] is not None:
        return message
    outgoing = copy.deepcopy(message)
    if outgoing["From"] is None:
        outgoing["From"] = sender
    if outgoing["Date"] is None:
        outgoing["Date"] = format_datetime(datetime.now(UTC))
    return outgoing


def _recipients(message: EmailMessage) -> list[str]:
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]


def _mail_error(error: Exception, where: str, message_id: str, handed_over: bool) -> MailError:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return MailError(
            f"{where} refused every recipient of {message_id}: {error.recipients}",
            retryable=bool(codes) and all(400 <= code < 500 for code in codes),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode("utf-8", "replace")
        return MailError(
            f"{where} replied {error.smtp_code} {reply!r} to {message_id}",
            retryable=400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailError(f"{where} cannot send {message_id}: {error}", retryable=False)
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailError(
            f"{where}: TLS certificate not trusted: {error.verify_message}", retryable=False
        )
    if isinstance(error, ValueError):
        return MailError(f"cannot send {message_id}: {error}", retryable=False)
    return MailError(
        f"{where}: {type(error).__name__}: {error} while sending {message_id}",
        retryable=True,
        maybe_delivered=handed_over,
    )


def _quit_quietly(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _load(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MailConfigError(f"{path}: not valid YAML: {error}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise MailConfigError(f"{path}: expected a mapping of settings, got {loaded!r}")
    unknown = sorted(str(key) for key in loaded if key not in _KEYS)
    if unknown:
        raise MailConfigError(f"{path}: unknown settings {unknown}; known: {sorted(_KEYS)}")
    return loaded


def _text(config: dict[str, Any], key: str, where: str) -> str:
    value = config[key]
    if not isinstance(value, str) or not value.strip():
        raise MailConfigError(f"{where}: {key}={value!r} is not a non-empty string")
    return value.strip()


def _port(value: object, where: str) -> int:
    try:
        port = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise MailConfigError(f"{where}: port={value!r} is not a TCP port (1..65535)")
    return port


def _flag(config: dict[str, Any], key: str, where: str) -> bool:
    value = config.get(key, False)
    if not isinstance(value, bool):
        raise MailConfigError(f"{where}: {key}={value!r} is not true or false")
    return value


def _timeout(config: dict[str, Any], where: str) -> float:
    value = config.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise MailConfigError(f"{where}: timeout_seconds={value!r} is not a positive number")
    return float(value)


def _secret(config: dict[str, Any], key: str, where: str) -> str | None:
    if key not in config:
        return None
    variable = _text(config, key, where)
    value = os.environ.get(variable)
    if value is None:
        raise MailConfigError(f"{where}: {key} names {variable}, which is not set")
    return value


def _check_sender(sender: str, where: str) -> None:
    address = parseaddr(sender)[1]
    if "@" not in address:
        raise MailConfigError(f"{where}: sender={sender!r} has no e-mail address")
