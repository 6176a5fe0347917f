"""A local SMTP server that keeps every message it receives in a Maildir.

The product runs one per operator home (``mail_sink``): it listens on 127.0.0.1, stores mail
under ``<home>/mail/sink/`` and writes ``<home>/mail/smtp.yaml`` so that ``mailer`` sends to
it. Nothing leaves the machine. It stores what it receives as received, repeats included, so
a notification sent twice shows twice in ``message_ids``.
"""

from __future__ import annotations

import asyncio
import mailbox
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from actions.notify.errors import SinkError
from actions.notify.maildir import message_ids, read_messages
from actions.notify.mailer import smtp_settings_path

__all__ = [
    "LOOPBACK",
    "MailSink",
    "mail_sink",
    "message_ids",
    "read_messages",
    "sink_maildir",
    "write_smtp_settings",
]

LOOPBACK = "127.0.0.1"
SERVER_NAME = "fiberops-sink"


def sink_maildir(home: Path) -> Path:
    """The Maildir of an operator home's sink: ``<home>/mail/sink/``."""
    return Path(home) / "mail" / "sink"


class MailSink:
    """An SMTP server on the loopback interface that stores every message in a Maildir.

    Use it as a context manager, or call ``start()`` and ``close()``. Restarting it on the
    same Maildir keeps the messages already there.

    Args:
        maildir: Where messages are stored; created when missing.
        host: Address to listen on.
        port: TCP port; 0 picks a free one, read ``port`` after ``start()``.
    """

    def __init__(self, maildir: Path, *, host: str = LOOPBACK, port: int = 0) -> None:
        if not 0 <= port <= 65535:
            raise SinkError(f"port={port} is not a TCP port (0..65535)")
        self.maildir = Path(maildir)
        self.host = host
        self._requested_port = port
        self._controller: _BoundPortController | None = None

    @property
    def port(self) -> int:
        """The port the sink listens on.

        Raises:
            SinkError: If the sink has not started.
        """
        if self._controller is None:
            raise SinkError(f"mail sink for {self.maildir} is not running; call start() first")
        return self._controller.port

    @property
    def running(self) -> bool:
        """Whether the sink is listening."""
        return self._controller is not None

    def start(self) -> Self:
        """Create the Maildir if needed and start listening.

        Returns:
            The sink itself.

        Raises:
            SinkError: If it is already running or the port cannot be bound.
        """
        if self._controller is not None:
            raise SinkError(f"mail sink for {self.maildir} is already running on {self.port}")
        self.maildir.parent.mkdir(parents=True, exist_ok=True)
        handler = _MaildirHandler(mailbox.Maildir(self.maildir, create=True))
        controller = _BoundPortController(
            handler,
            hostname=self.host,
            port=self._requested_port,
            server_hostname=SERVER_NAME,
        )
        try:
            controller.start()
        except OSError as error:
            controller.stop(no_assert=True)
            if not controller.loop.is_closed():
                controller.loop.close()
            raise SinkError(
                f"mail sink cannot listen on {self.host}:{self._requested_port}: {error}"
            ) from error
        self._controller = controller
        return self

    def close(self) -> None:
        """Stop listening; the Maildir and its messages stay. Safe to call twice."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def write_smtp_settings(home: Path, host: str, port: int, maildir: Path) -> Path:
    """Write ``<home>/mail/smtp.yaml`` pointing ``mailer`` at a local sink.

    The file reads, for example::

        host: 127.0.0.1
        port: 40125
        sink_maildir: mail/sink

    ``sink_maildir`` is relative to ``home`` when the Maildir is inside it, else absolute.

    Args:
        home: The operator home.
        host: The sink's address.
        port: The sink's bound port.
        maildir: The sink's Maildir.

    Returns:
        The path of the file written.
    """
    path = smtp_settings_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    home_path = Path(home).resolve()
    maildir_path = Path(maildir).resolve()
    stored = (
        maildir_path.relative_to(home_path)
        if maildir_path.is_relative_to(home_path)
        else maildir_path
    )
    settings = {"host": host, "port": port, "sink_maildir": stored.as_posix()}
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    temporary.replace(path)
    return path


@contextmanager
def mail_sink(home: Path, *, port: int = 0) -> Iterator[MailSink]:
    """Run the sink of an operator home and point its ``smtp.yaml`` at it.

    The file stays when the sink stops, so sends fail with a retryable ``MailError`` until
    the sink runs again; pass the same ``port`` to come back at the same address.

    Args:
        home: The operator home; mail goes to ``<home>/mail/sink/``.
        port: TCP port; 0 picks a free one.

    Yields:
        The running sink.
    """
    with MailSink(sink_maildir(home), port=port) as sink:
        write_smtp_settings(home, sink.host, sink.port, sink.maildir)
        yield sink


class _MaildirHandler:
    """aiosmtpd handler: store each message's bytes, as received, in the Maildir."""

    def __init__(self, maildir: mailbox.Maildir) -> None:
        self._maildir = maildir

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self._maildir.add(raw.replace(b"\r\n", b"\n"))
        return "250 Message stored"


class _BoundPortController(Controller):
    """A ``Controller`` that may listen on port 0: it learns the bound port before it
    connects to itself to check that it is up."""

    def _trigger_server(self) -> None:
        if isinstance(self.server, asyncio.Server) and self.server.sockets:
            self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()
