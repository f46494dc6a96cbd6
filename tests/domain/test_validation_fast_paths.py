"""The import's fast paths in domain.validation give exactly what the slow paths give: the
same E.164 text, or the same refusal word for word."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from frontdesk.domain import validation as v
from frontdesk.domain.errors import ValidationError


def _slow(text: str, region: str) -> str:
    """parse_phone as it was before the fast path: phonenumbers alone."""
    raw = text.strip()
    if not raw:
        raise ValidationError("phone is empty")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"phone {raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"phone {raw!r} is not a valid number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _outcome(parse, text: str, region: str) -> tuple[str, str]:
    try:
        return "ok", parse(text, region)
    except ValidationError as exc:
        return "refused", str(exc)


def _writings(digits: str) -> list[str]:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return [f"+1{digits}", digits, f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}",
            f" +1{digits} ", f"1{digits}", f"+1 {a} {b} {c}", f"{a}-{b}.{c}", f"({a}){b}-{c}",
            f"+{digits}", f"+1{digits}0", f"+1{digits[:-1]}"]


ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)
REGIONS = st.sampled_from(["US", "CA", "GB", "DE", "JM"])


@settings(max_examples=600, deadline=None)
@given(ten_digits, REGIONS)
@example("6502530000", "US")
@example("2015550123", "US")   # 555-01xx: fictional
@example("8005550100", "US")   # toll free
@example("2125550000", "CA")
@example("8765550100", "US")   # Jamaica (+1 876): valid, not for the US
@example("1234567890", "US")
@example("0000000000", "US")
def test_phone_fast_path_agrees_with_phonenumbers(digits, region):
    for text in _writings(digits):
        assert _outcome(v.parse_phone, text, region) == _outcome(_slow, text, region), text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789+()-. x\t١٢", max_size=18), REGIONS)
def test_phone_fast_path_agrees_on_hostile_text(text, region):
    assert _outcome(v.parse_phone, text, region) == _outcome(_slow, text, region)


@pytest.mark.parametrize("region", ["US", "CA", "GB"])
def test_phone_real_numbers_of_many_regions_agree(region):
    """Example numbers of every region of +1 and a few others, in every writing."""
    for other in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
                     phonenumbers.PhoneNumberType.TOLL_FREE):
            example_number = phonenumbers.example_number_for_type(other, kind)
            if example_number is None:
                continue
            e164 = phonenumbers.format_number(example_number,
                                              phonenumbers.PhoneNumberFormat.E164)
            texts = [e164] + (_writings(e164[2:]) if e164.startswith("+1") else [])
            for text in texts:
                assert _outcome(v.parse_phone, text, region) == _outcome(_slow, text, region)


nanp_digits = st.tuples(st.sampled_from("23456789"),
                        st.text(alphabet="0123456789", min_size=9, max_size=9)).map("".join)


def _number(digits: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))


@settings(max_examples=3000, deadline=None)
@given(nanp_digits)
@example("2015550123")   # 555-01xx: fictional
@example("8005550100")   # toll free
@example("9005550100")   # premium rate
@example("5005550100")   # personal number
@example("8765550100")   # Jamaica: valid, not for the US
@example("2112345678")   # N11 area code
def test_nanp_validity_from_the_us_patterns_is_phonenumbers_own(digits):
    """The US metadata's patterns, compiled once, say what is_valid_number_for_region
    says; a number not valid there is asked of phonenumbers in full, as before."""
    general, kinds = v._us_patterns()
    length = len(digits)
    by_patterns = bool((not general[0] or length in general[0]) and general[1].fullmatch(digits)
                       and any((not lengths or length in lengths) and pattern.fullmatch(digits)
                               for lengths, pattern in kinds))
    assert by_patterns == phonenumbers.is_valid_number_for_region(_number(digits), "US")
    assert v._is_valid_nanp(digits) == v._is_valid(_number(digits))


def test_nanp_validity_for_every_area_code_and_exchange_pattern():
    """Every area code 200-999 with exchanges across the range: the same answer as
    phonenumbers (one number per area code and exchange hundred, and the N11s)."""
    for area in range(200, 1000):
        for exchange in (200, 211, 311, 411, 555, 611, 811, 911, 950, 958, 959, 976, 999,
                         *range(230, 1000, 100)):
            digits = f"{area}{exchange}0100"
            assert v._is_valid_nanp(digits) == v._is_valid(_number(digits)), digits


@pytest.mark.parametrize("chart", ["C-000001", "AB 12/3", "~!@#$%^&*()_+`", "é-1", "Ω12",
                                   "a\u00a0b", "x\u200by", "tab\there", "del\x7f", "\x00",
                                   "\ud800", "\ue000", "\u0378"])
def test_chart_number_fast_path_agrees_with_the_categories(chart):
    """Printable ASCII has no control character; anything else is asked of unicodedata."""
    import unicodedata
    control = any(unicodedata.category(c).startswith("C") for c in chart)
    try:
        v.parse_chart_number(chart)
        refused = False
    except ValidationError as exc:
        refused = "control characters" in str(exc)
    assert refused == control
