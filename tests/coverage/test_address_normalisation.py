"""One address, many spellings: the same key."""

from __future__ import annotations

import pytest

from ingest.gis.normalize import address_key, normalize_unit, parse_free_text


@pytest.mark.parametrize(
    ("house", "street", "unit"),
    [
        ("12", "Maple Avenue", "Apt 4"),
        ("12", "MAPLE AVE.", "#4"),
        ("12", "maple ave", "Unit 4"),
        ("12", "Maple  Av", "apartment 4"),
    ],
)
def test_spellings_share_a_key(house: str, street: str, unit: str) -> None:
    assert address_key(house, street, unit) == "12|MAPLE AVE|4"


def test_street_and_direction_abbreviations() -> None:
    assert address_key("7", "North Octavia Street", None) == "7|N OCTAVIA ST|"
    assert address_key("7", "N Octavia St", "") == "7|N OCTAVIA ST|"


def test_unit_designators() -> None:
    assert normalize_unit("Suite 200") == "200"
    assert normalize_unit("# 4B") == "4B"
    assert normalize_unit(None) is None
    assert normalize_unit("  ") is None


def test_free_text_parsing() -> None:
    parsed = parse_free_text("12 Maple Ave Apt 4, Riverbend 55117")
    assert parsed is not None
    assert parsed.key == "12|MAPLE AVE|4"
    assert parsed.locality == "Riverbend 55117"
    second = parse_free_text("12 Maple Avenue, #4")
    assert second is not None and second.key == "12|MAPLE AVE|4"
    assert parse_free_text("Maple Avenue") is None
