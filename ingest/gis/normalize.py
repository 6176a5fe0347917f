"""Address normalisation: one comparable key per address, whatever the spelling.

``12 Maple Avenue, Apt 4``, ``12 MAPLE AVE #4`` and ``12 maple ave. unit 4`` share the key
``12|MAPLE AVE|4``. The same functions key the GIS address base (at ingest) and parse the
free text a customer service agent types (``fiberops availability``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ParsedAddress",
    "address_key",
    "normalize_street",
    "normalize_unit",
    "parse_free_text",
]

SUFFIXES = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "AVN": "AVE",
    "ROAD": "RD",
    "DRIVE": "DR",
    "BOULEVARD": "BLVD",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "TERRACE": "TER",
    "PARKWAY": "PKWY",
    "CIRCLE": "CIR",
    "HIGHWAY": "HWY",
    "SQUARE": "SQ",
    "TRAIL": "TRL",
}
DIRECTIONS = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
_UNIT = re.compile(
    r"(?:\b(?:APT|APARTMENT|UNIT|STE|SUITE|NO|NUMBER|FLAT|RM|ROOM)\b\.?|#)\s*#?\s*([A-Z0-9][A-Z0-9-]*)$"
)
_HOUSE = re.compile(r"^(\d+[A-Z]?(?:-\d+[A-Z]?)?|\d+\s+\d/\d)\s+(.*)$")
_PUNCT = re.compile(r"[.,;]")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.upper())).strip()


def normalize_street(street: str) -> str:
    """Upper case, no punctuation, USPS suffix and direction abbreviations (``MAPLE AVE``)."""
    words = _clean(street).split(" ")
    out = [DIRECTIONS.get(w, w) for w in words]
    if out:
        out[-1] = SUFFIXES.get(out[-1], out[-1])
    return " ".join(w for w in out if w)


def normalize_unit(unit: str | None) -> str | None:
    """The unit designator alone (``Apt 4``, ``#4``, ``Unit 4`` all give ``4``); None if none."""
    if unit is None:
        return None
    text = _clean(unit)
    if not text:
        return None
    match = _UNIT.search(text)
    if match:
        return match.group(1)
    return text.replace(" ", "")


def address_key(house_number: str, street: str, unit: str | None) -> str:
    """The comparable key ``HOUSE|STREET|UNIT`` (unit empty for a single dwelling)."""
    return f"{_clean(house_number)}|{normalize_street(street)}|{normalize_unit(unit) or ''}"


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of a free-text address that the key needs.

    Attributes:
        house_number: The leading house number.
        street: The street, as typed.
        unit: The unit designator, if one was typed.
        locality: What followed the first comma (city, postcode), as typed.
    """

    house_number: str
    street: str
    unit: str | None
    locality: str

    @property
    def key(self) -> str:
        """The :func:`address_key` of the parsed parts."""
        return address_key(self.house_number, self.street, self.unit)


def parse_free_text(text: str) -> ParsedAddress | None:
    """Split ``"12 Maple Ave Apt 4, Riverbend 55117"`` into its parts; None without a number."""
    first, _, locality = text.partition(",")
    line = _clean(first)
    unit: str | None = None
    match = _UNIT.search(line)
    if match:
        unit = match.group(1)
        line = line[: match.start()].strip()
    house = _HOUSE.match(line)
    if house is None:
        return None
    if unit is None and locality:
        second, _, rest = locality.partition(",")
        unit_match = _UNIT.search(_clean(second))
        if unit_match and unit_match.start() == 0:
            unit, locality = unit_match.group(1), rest
    return ParsedAddress(house.group(1), house.group(2), unit, locality.strip())
