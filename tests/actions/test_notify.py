"""Notifications go over real SMTP on loopback to the real sink, and are never sent twice."""

from __future__ import annotations

import asyncio
import mailbox
import socket
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from actions.notify import (
    MailConfigError,
    MailError,
    MailSink,
    SmtpSettings,
    already_delivered,
    appointment_reminder,
    dunning_reminder,
    format_cents,
    mail_sink,
    message_id_for,
    message_ids,
    read_messages,
    send,
    smtp_settings,
    welcome_email,
)

ENV = ("FIBEROPS_SMTP_HOST", "FIBEROPS_SMTP_PORT", "FIBEROPS_SMTP_FROM")


@pytest.fixture(autouse=True)
def _no_smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty operator home."""
    return tmp_path / "operator"


def _welcome(key: str = "welcome:O-1001", amount_cents: int = 12345) -> EmailMessage:
    return welcome_email(
        idempotency_key=key,
        to_address="ada@example.net",
        customer_name="Ada Lovelace",
        order_id="O-1001",
        offering_name="Fiber 500",
        download_mbps=500,
        upload_mbps=500,
        activated_on=date(2026, 9, 14),
        invoice_id="INV-2001",
        invoice_amount_cents=amount_cents,
        currency="USD",
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_welcome_email_lands_once_in_the_sink(home: Path) -> None:
    message = _welcome()
    with mail_sink(home) as sink:
        settings = smtp_settings(home)
        assert settings.sink_maildir == sink.maildir
        assert already_delivered(message["Message-ID"], settings) is False

        send(message, settings)

        assert already_delivered(message["Message-ID"], settings) is True
    stored = read_messages(home / "mail" / "sink")
    assert len(stored) == 1
    received = stored[0]
    assert received["Message-ID"] == message_id_for("welcome:O-1001")
    assert received["To"].addresses[0].addr_spec == "ada@example.net"
    assert received["Subject"] == "Welcome! Your Fiber 500 service is live (order O-1001)"
    assert received["X-FiberOps-Key"] == "welcome:O-1001"
    assert received["From"] is not None and received["Date"] is not None
    body = received.get_content()
    assert "$123.45" in body
    assert "INV-2001" in body and "500 Mbps down / 500 Mbps up" in body
    assert message["From"] is None, "send must not change the caller's message"


def test_the_sink_keeps_its_messages_across_a_restart(home: Path) -> None:
    maildir = home / "mail" / "sink"
    with mail_sink(home) as sink:
        port = sink.port
        send(_welcome("welcome:O-1"), smtp_settings(home))
    assert not sink.running

    with mail_sink(home, port=port) as restarted:
        assert restarted.port == port
        settings = smtp_settings(home)
        assert already_delivered(message_id_for("welcome:O-1"), settings) is True
        send(_welcome("welcome:O-2"), settings)

    assert message_ids(maildir) == [message_id_for("welcome:O-1"), message_id_for("welcome:O-2")]


def test_a_repeat_shows_twice_in_the_sink(tmp_path: Path) -> None:
    with MailSink(tmp_path / "sink") as sink:
        settings = SmtpSettings(host=sink.host, port=sink.port, sink_maildir=sink.maildir)
        send(_welcome(), settings)
        send(_welcome(), settings)
    assert message_ids(tmp_path / "sink") == [message_id_for("welcome:O-1001")] * 2


def test_smtp_settings_read_the_file_written_by_the_sink(home: Path) -> None:
    with mail_sink(home) as sink:
        port = sink.port
        text = (home / "mail" / "smtp.yaml").read_text(encoding="utf-8")
        settings = smtp_settings(home)
    assert text == f"host: 127.0.0.1\nport: {port}\nsink_maildir: mail/sink\n"
    assert settings.host == "127.0.0.1"
    assert settings.port == port
    assert settings.sink_maildir == home / "mail" / "sink"
    assert settings.sender == "FiberOps <noreply@fiberops.invalid>"
    assert (settings.username, settings.password, settings.starttls) == (None, None, False)


def test_environment_overrides_the_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "mail").mkdir(parents=True)
    (home / "mail" / "smtp.yaml").write_text(
        "host: 127.0.0.1\nport: 2525\nsink_maildir: mail/sink\n"
        "username_env: TEST_SMTP_USER\npassword_env: TEST_SMTP_PASSWORD\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_SMTP_USER", "ops")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("FIBEROPS_SMTP_FROM", "Billing <billing@isp.example>")
    settings = smtp_settings(home)
    assert (settings.host, settings.port) == ("127.0.0.1", 2525)
    assert settings.sender == "Billing <billing@isp.example>"
    assert (settings.username, settings.password) == ("ops", "s3cret")
    assert "s3cret" not in repr(settings)
    assert settings.sink_maildir == home / "mail" / "sink"

    monkeypatch.setenv("FIBEROPS_SMTP_HOST", "relay.isp.example")
    monkeypatch.setenv("FIBEROPS_SMTP_PORT", "587")
    relay = smtp_settings(home)
    assert (relay.host, relay.port) == ("relay.isp.example", 587)
    assert relay.sink_maildir is None, "the sink's Maildir says nothing about another relay"
    assert already_delivered(message_id_for("welcome:O-1001"), relay) is None


def test_environment_alone_is_enough(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIBEROPS_SMTP_HOST", "relay.isp.example")
    settings = smtp_settings(home)
    assert (settings.host, settings.port, settings.sink_maildir) == ("relay.isp.example", 25, None)


def test_missing_settings_name_the_file(home: Path) -> None:
    with pytest.raises(MailConfigError, match=r"smtp\.yaml does not exist.*FIBEROPS_SMTP_HOST"):
        smtp_settings(home)


@pytest.mark.parametrize(
    ("content", "env", "match"),
    [
        ("host: 127.0.0.1\nport: 99999\n", {}, r"smtp\.yaml: port: port=99999"),
        ("host: 127.0.0.1\nprot: 25\n", {}, r"unknown settings \['prot'\]"),
        ("host: 127.0.0.1\nport: 25\nusername_env: NOT_SET_X\n", {}, "NOT_SET_X, which is not"),
        ("host: [unclosed\n", {}, "not valid YAML"),
        ("host: 127.0.0.1\nport: 25\n", {"FIBEROPS_SMTP_PORT": "smtp"}, "FIBEROPS_SMTP_PORT"),
    ],
)
def test_malformed_settings_say_where_and_what(
    home: Path, monkeypatch: pytest.MonkeyPatch, content: str, env: dict[str, str], match: str
) -> None:
    (home / "mail").mkdir(parents=True)
    (home / "mail" / "smtp.yaml").write_text(content, encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(MailConfigError, match=match):
        smtp_settings(home)


def test_a_closed_port_is_a_retryable_error(tmp_path: Path) -> None:
    settings = SmtpSettings(host="127.0.0.1", port=_free_port(), timeout_seconds=2)
    with pytest.raises(MailError) as raised:
        send(_welcome(), settings)
    assert raised.value.retryable is True
    assert raised.value.maybe_delivered is False


class _RefusingHandler:
    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self.reply


class _SlowHandler:
    """Stores the message, then answers too late: the crash window between acceptance and
    the sender learning of it."""

    def __init__(self, maildir: Path) -> None:
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.box.add(envelope.original_content or b"")
        await asyncio.sleep(5)
        return "250 OK"


@pytest.fixture
def server() -> Iterator[list[Controller]]:
    """Test-only SMTP servers, stopped at the end."""
    started: list[Controller] = []
    yield started
    for controller in started:
        controller.stop()


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("450 4.2.0 Mailbox busy", True), ("550 5.1.1 No such user", False)],
)
def test_refusals_are_retryable_only_when_transient(
    server: list[Controller], reply: str, retryable: bool
) -> None:
    port = _free_port()
    controller = Controller(_RefusingHandler(reply), hostname="127.0.0.1", port=port)
    controller.start()
    server.append(controller)
    with pytest.raises(MailError, match=reply.split()[0]) as raised:
        send(_welcome(), SmtpSettings(host="127.0.0.1", port=port))
    assert raised.value.retryable is retryable
    assert raised.value.maybe_delivered is False


def test_a_lost_reply_is_reconciled_from_the_sink(server: list[Controller], tmp_path: Path) -> None:
    port = _free_port()
    maildir = tmp_path / "slow"
    controller = Controller(_SlowHandler(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    server.append(controller)
    settings = SmtpSettings(host="127.0.0.1", port=port, sink_maildir=maildir, timeout_seconds=0.5)
    message = _welcome()
    with pytest.raises(MailError) as raised:
        send(message, settings)
    assert raised.value.retryable is True
    assert raised.value.maybe_delivered is True
    assert already_delivered(message["Message-ID"], settings) is True


def test_message_id_is_stable_per_key() -> None:
    assert message_id_for("welcome:O-1") == message_id_for("welcome:O-1")
    assert message_id_for("welcome:O-1") != message_id_for("welcome:O-2")
    assert message_id_for("k").endswith("@fiberops.invalid>")
    assert len(message_id_for("k")) == len("<@fiberops.invalid>") + 32
    assert _welcome()["Message-ID"] == _welcome()["Message-ID"]
    with pytest.raises(ValueError, match="empty"):
        message_id_for("")


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (12345, "USD", "$123.45"),
        (5, "USD", "$0.05"),
        (0, "USD", "$0.00"),
        (-1999, "USD", "-$19.99"),
        (123456789, "USD", "$1,234,567.89"),
        (990, "EUR", "€9.90"),
        (990, "CHF", "9.90 CHF"),
        (2**63 + 1, "USD", "$92,233,720,368,547,758.09"),
    ],
)
def test_money_is_rendered_from_integer_cents(cents: int, currency: str, text: str) -> None:
    assert format_cents(cents, currency) == text


def test_money_refuses_floats_and_bad_currencies() -> None:
    with pytest.raises(TypeError, match="float"):
        format_cents(123.45, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="usd"):
        format_cents(100, "usd")


def test_reminders_carry_their_facts() -> None:
    visit = appointment_reminder(
        idempotency_key="appointment:A-7:reminder",
        to_address="bob@example.net",
        customer_name="Bob",
        order_id="O-7",
        appointment_id="A-7",
        appointment_on=date(2026, 9, 15),
        window_start_minute=480,
        window_end_minute=720,
        service_address="12 Fiber Lane",
        technician_name="Grace",
    )
    assert (
        visit["Subject"]
        == "Reminder: technician visit on Tuesday 15 September 2026, 08:00-12:00 UTC"
    )
    assert "Grace will arrive" in visit.get_content()
    assert visit["X-FiberOps-Key"] == "appointment:A-7:reminder"

    dunning = dunning_reminder(
        idempotency_key="dunning:INV-9:1",
        to_address="carol@example.net",
        customer_name="Carol",
        account_id="C-9",
        invoice_id="INV-9",
        amount_due_cents=6999,
        currency="USD",
        due_on=date(2026, 9, 1),
        days_overdue=14,
        suspend_on=date(2026, 9, 30),
    )
    assert dunning["Subject"] == "Payment reminder: invoice INV-9, $69.99 due"
    body = dunning.get_content()
    assert "14 days ago" in body and "Wednesday 30 September 2026" in body
    assert dunning["Message-ID"] == message_id_for("dunning:INV-9:1")

    with pytest.raises(ValueError, match="A-8"):
        appointment_reminder(
            idempotency_key="k",
            to_address="bob@example.net",
            customer_name="Bob",
            order_id="O-8",
            appointment_id="A-8",
            appointment_on=date(2026, 9, 15),
            window_start_minute=720,
            window_end_minute=480,
            service_address="12 Fiber Lane",
        )
