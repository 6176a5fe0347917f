"""Customer e-mails as ``email.message.EmailMessage``: plain text, money from integer cents.

Every message carries a Message-ID derived from its idempotency key (``message_id_for``) and
the key itself in ``X-FiberOps-Key``, so the same notification built twice is the same
e-mail, and a receiver, an archive or ``already_delivered`` can recognise a repeat.
``From`` and ``Date`` are left to ``mailer.send``, which knows the sender and the moment.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

__all__ = [
    "KEY_HEADER",
    "KIND_HEADER",
    "MESSAGE_ID_DOMAIN",
    "appointment_reminder",
    "dunning_reminder",
    "format_cents",
    "message_id_for",
    "welcome_email",
]

MESSAGE_ID_DOMAIN = "fiberops.invalid"
KEY_HEADER = "X-FiberOps-Key"
KIND_HEADER = "X-FiberOps-Kind"

_CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£"}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def message_id_for(idempotency_key: str) -> str:
    """The Message-ID of the e-mail sent for ``idempotency_key``, the same on every call.

    Args:
        idempotency_key: The outbox key of the notification (for example ``welcome:O-1001``).

    Returns:
        ``<first 32 hex digits of sha256(key)@fiberops.invalid>``.

    Raises:
        ValueError: If the key is empty.
    """
    if not idempotency_key:
        raise ValueError("idempotency_key is empty; a Message-ID needs a stable key")
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def format_cents(amount_cents: int, currency: str) -> str:
    """Render an amount of integer cents with integer arithmetic only.

    Args:
        amount_cents: The amount, cents (may be negative for a credit).
        currency: ISO 4217 code, three capitals.

    Returns:
        ``$1,234.56`` for the currencies with a known symbol, ``1,234.56 CHF`` otherwise.

    Raises:
        TypeError: If the amount is not an ``int`` (a float would round money).
        ValueError: If the currency is not three capitals.
    """
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(
            f"amount_cents={amount_cents!r} is {type(amount_cents).__name__}, not int cents"
        )
    if not _CURRENCY.match(currency):
        raise ValueError(f"currency={currency!r} is not an ISO 4217 code (three capitals)")
    sign = "-" if amount_cents < 0 else ""
    whole, cents = divmod(abs(amount_cents), 100)
    number = f"{whole:,}.{cents:02d}"
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def welcome_email(
    *,
    idempotency_key: str,
    to_address: str,
    customer_name: str,
    order_id: str,
    offering_name: str,
    download_mbps: int,
    upload_mbps: int,
    activated_on: date,
    invoice_id: str,
    invoice_amount_cents: int,
    currency: str,
) -> EmailMessage:
    """The e-mail that tells a customer their service is live and what the first bill is.

    Args:
        idempotency_key: Outbox key; becomes ``X-FiberOps-Key`` and the Message-ID.
        to_address: The customer's e-mail address.
        customer_name: Display name, used in ``To`` and the greeting.
        order_id: The order that was activated.
        offering_name: Marketed name of the plan.
        download_mbps: Download speed, megabits per second.
        upload_mbps: Upload speed, megabits per second.
        activated_on: Day the service went live (UTC).
        invoice_id: The first invoice.
        invoice_amount_cents: Amount of the first invoice, cents.
        currency: ISO 4217 code of the invoice.

    Returns:
        The message, without ``From`` and ``Date`` (``mailer.send`` adds them).
    """
    amount = format_cents(invoice_amount_cents, currency)
    body = (
        f"Hello {customer_name},\n"
        "\n"
        f"Welcome aboard: your fiber service is live since {_day(activated_on)}.\n"
        "\n"
        f"  Plan:      {offering_name}\n"
        f"  Speed:     {download_mbps} Mbps down / {upload_mbps} Mbps up\n"
        f"  Order:     {order_id}\n"
        "\n"
        f"Your first invoice, {invoice_id}, is for {amount}. It includes the installation\n"
        "fee and the service from your activation day to the end of the month.\n"
        "\n"
        "If anything is not working as it should, reply to this e-mail and quote your\n"
        "order number.\n"
    )
    return _message(
        kind="welcome",
        idempotency_key=idempotency_key,
        to_address=to_address,
        customer_name=customer_name,
        subject=f"Welcome! Your {offering_name} service is live (order {order_id})",
        body=body,
    )


def appointment_reminder(
    *,
    idempotency_key: str,
    to_address: str,
    customer_name: str,
    order_id: str,
    appointment_id: str,
    appointment_on: date,
    window_start_minute: int,
    window_end_minute: int,
    service_address: str,
    technician_name: str | None = None,
) -> EmailMessage:
    """The e-mail that reminds a customer of an installation or repair visit.

    Args:
        idempotency_key: Outbox key; becomes ``X-FiberOps-Key`` and the Message-ID.
        to_address: The customer's e-mail address.
        customer_name: Display name, used in ``To`` and the greeting.
        order_id: The order the visit serves.
        appointment_id: The appointment.
        appointment_on: Day of the visit (UTC).
        window_start_minute: Start of the arrival window, minutes since midnight UTC.
        window_end_minute: End of the arrival window, minutes since midnight UTC.
        service_address: Where the technician goes.
        technician_name: The assigned technician, when known.

    Returns:
        The message, without ``From`` and ``Date`` (``mailer.send`` adds them).

    Raises:
        ValueError: If the window is outside the day or ends before it starts.
    """
    for name, minute in (
        ("window_start_minute", window_start_minute),
        ("window_end_minute", window_end_minute),
    ):
        if not 0 <= minute <= 24 * 60:
            raise ValueError(f"appointment {appointment_id}: {name}={minute} is outside 0..1440")
    if window_end_minute < window_start_minute:
        raise ValueError(
            f"appointment {appointment_id}: window ends ({window_end_minute}) before it starts "
            f"({window_start_minute})"
        )
    window = f"{_clock(window_start_minute)}-{_clock(window_end_minute)} UTC"
    who = f"{technician_name} will" if technician_name else "Our technician will"
    body = (
        f"Hello {customer_name},\n"
        "\n"
        f"This is a reminder of your appointment on {_day(appointment_on)}.\n"
        "\n"
        f"  Arrival window: {window}\n"
        f"  Address:        {service_address}\n"
        f"  Appointment:    {appointment_id} (order {order_id})\n"
        "\n"
        f"{who} arrive within that window. Please make sure someone aged 18 or over is\n"
        "home and that the technician can reach where the fiber enters the building.\n"
        "\n"
        "To move the appointment, reply to this e-mail and quote the appointment number.\n"
    )
    return _message(
        kind="appointment-reminder",
        idempotency_key=idempotency_key,
        to_address=to_address,
        customer_name=customer_name,
        subject=f"Reminder: technician visit on {_day(appointment_on)}, {window}",
        body=body,
    )


def dunning_reminder(
    *,
    idempotency_key: str,
    to_address: str,
    customer_name: str,
    account_id: str,
    invoice_id: str,
    amount_due_cents: int,
    currency: str,
    due_on: date,
    days_overdue: int,
    suspend_on: date | None = None,
) -> EmailMessage:
    """The e-mail that reminds a customer of an unpaid invoice.

    Args:
        idempotency_key: Outbox key; becomes ``X-FiberOps-Key`` and the Message-ID.
        to_address: The customer's e-mail address.
        customer_name: Display name, used in ``To`` and the greeting.
        account_id: The customer's account.
        invoice_id: The unpaid invoice.
        amount_due_cents: Amount still due, cents.
        currency: ISO 4217 code of the invoice.
        due_on: Day the invoice was due (UTC).
        days_overdue: Whole days since ``due_on``.
        suspend_on: Day service will be suspended if still unpaid, when one is set.

    Returns:
        The message, without ``From`` and ``Date`` (``mailer.send`` adds them).

    Raises:
        ValueError: If ``amount_due_cents`` is not positive or ``days_overdue`` is negative.
    """
    if amount_due_cents <= 0:
        raise ValueError(f"invoice {invoice_id}: amount_due_cents={amount_due_cents} is not due")
    if days_overdue < 0:
        raise ValueError(f"invoice {invoice_id}: days_overdue={days_overdue} is negative")
    amount = format_cents(amount_due_cents, currency)
    days = "1 day" if days_overdue == 1 else f"{days_overdue} days"
    suspension = (
        f"If it is still unpaid on {_day(suspend_on)}, your service will be suspended.\n"
        if suspend_on
        else ""
    )
    body = (
        f"Hello {customer_name},\n"
        "\n"
        f"We have not yet received payment of invoice {invoice_id}, which was due on\n"
        f"{_day(due_on)} ({days} ago).\n"
        "\n"
        f"  Amount due: {amount}\n"
        f"  Account:    {account_id}\n"
        "\n"
        f"{suspension}"
        "If you have paid in the last few days, thank you, and please ignore this e-mail.\n"
        "If you cannot pay, reply to this e-mail and we will work something out.\n"
    )
    return _message(
        kind="dunning-reminder",
        idempotency_key=idempotency_key,
        to_address=to_address,
        customer_name=customer_name,
        subject=f"Payment reminder: invoice {invoice_id}, {amount} due",
        body=body,
    )


def _message(
    *,
    kind: str,
    idempotency_key: str,
    to_address: str,
    customer_name: str,
    subject: str,
    body: str,
) -> EmailMessage:
    message = EmailMessage()
    message["To"] = _recipient(customer_name, to_address)
    message["Subject"] = subject
    message["Message-ID"] = message_id_for(idempotency_key)
    message[KEY_HEADER] = idempotency_key
    message[KIND_HEADER] = kind
    message.set_content(body)
    return message


def _recipient(customer_name: str, to_address: str) -> str:
    try:
        address = Address(display_name=customer_name, addr_spec=to_address)
    except (ValueError, IndexError, HeaderParseError) as error:
        raise ValueError(f"to_address={to_address!r} is not an e-mail address: {error}") from None
    if not address.domain:
        raise ValueError(f"to_address={to_address!r} is not an e-mail address: no domain")
    return str(address)


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
