"""The 11-proef and the other field rules of the application forms (BSN, AGB-code, postcode, dates)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from aanvragen.validators import bsn_is_valid, bsn_normalise, postcode_normalise, validate_bsn, validate_not_in_future
from portero.validators import agb_validator, postcode_validator


@pytest.mark.parametrize("bsn", ["111222333", "123456782"])
def test_bsn_passing_the_11_proef_is_valid(bsn):
    assert bsn_is_valid(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "12345678", "1234567820", "12345678a", ""])
def test_bsn_failing_the_11_proef_or_length_is_invalid(bsn):
    assert not bsn_is_valid(bsn)
    with pytest.raises(ValidationError) as error:
        validate_bsn(bsn)
    assert "elfproef" in error.value.messages[0]


def test_eight_digit_bsn_gets_a_leading_zero():
    assert bsn_normalise("12345672") == "012345672"
    assert bsn_is_valid(bsn_normalise("12345672"))


def test_bsn_normalise_strips_spaces_but_not_date_separators():
    assert bsn_normalise(" 111 222 333 ") == "111222333"
    assert not bsn_is_valid(bsn_normalise("12-03-1938"))


@pytest.mark.parametrize("postcode", ["1234 AB", "1234AB", "9999zz"])
def test_valid_postcode_passes(postcode):
    postcode_validator(postcode)


@pytest.mark.parametrize("postcode", ["0123 AB", "123 AB", "1234 A", "ABCD 12"])
def test_invalid_postcode_is_refused_in_dutch(postcode):
    with pytest.raises(ValidationError) as error:
        postcode_validator(postcode)
    assert "postcode" in error.value.messages[0]


def test_postcode_is_normalised_to_four_digits_space_two_capitals():
    assert postcode_normalise("1234ab") == "1234 AB"


def test_agb_code_needs_eight_digits():
    agb_validator("41000001")
    with pytest.raises(ValidationError):
        agb_validator("4100001")


@time_machine.travel("2026-03-10 23:59:00+01:00", tick=False)
def test_date_in_the_future_is_refused_today_is_allowed():
    validate_not_in_future(date(2026, 3, 10))
    with pytest.raises(ValidationError) as error:
        validate_not_in_future(date(2026, 3, 11))
    assert error.value.messages == ["Deze datum mag niet in de toekomst liggen."]
