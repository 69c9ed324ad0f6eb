"""Identifiers are ASCII digits only. Python's `\\d` and int() also take full-width (１２３) and Arabic-Indic (١٢٣)
digits: such a BSN passed the 11-proef and was stored as typed, so the same person could exist twice under two
spellings of one number. Every validator and every form that takes a BSN, AGB code, KvK or UZI number refuses them
with the field's Dutch message and stores nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.models import AccessLogEntry
from aanvragen.validators import bsn_is_valid, bsn_normalise, validate_bsn
from accounts.models import Organisation, User
from portero.validators import agb_validator, kvk_validator, uzi_validator
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SCRIPTS = [FULL_WIDTH, ARABIC_INDIC, EXTENDED_ARABIC_INDIC, DEVANAGARI]
BSN = "100174218"  # passes the 11-proef in ASCII digits


def spellings(ascii_digits: str) -> list[str]:
    return [ascii_digits.translate(script) for script in SCRIPTS] + [
        ascii_digits[:-1] + ascii_digits[-1].translate(FULL_WIDTH)  # one foreign digit among ASCII ones
    ]


@pytest.mark.parametrize("bsn", spellings(BSN) + spellings("12345672"))
def test_a_bsn_in_other_digits_fails_the_11_proef_check(bsn):
    assert bsn_is_valid(BSN)
    assert not bsn_is_valid(bsn_normalise(bsn))
    with pytest.raises(ValidationError) as error:
        validate_bsn(bsn_normalise(bsn))
    assert error.value.messages == ["Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef."]


def test_bsn_normalise_strips_what_a_person_types_but_keeps_foreign_digits_foreign():
    assert bsn_normalise(" 100 174 218 ") == BSN
    assert bsn_normalise(" 100\u00a0174\u2009218") == BSN  # a pasted non-breaking or thin space
    assert bsn_normalise(BSN.translate(FULL_WIDTH)) == BSN.translate(FULL_WIDTH)  # no NFKC folding to ASCII


@pytest.mark.parametrize(
    ("validator", "good", "message"),
    [
        (agb_validator, "41000001", "Een AGB-code bestaat uit precies 8 cijfers."),
        (kvk_validator, "23456789", "Een KvK-nummer bestaat uit precies 8 cijfers."),
        (uzi_validator, "123456789", "Een UZI-nummer bestaat uit precies 9 cijfers."),
    ],
)
def test_agb_kvk_and_uzi_take_ascii_digits_only(validator, good, message):
    validator(good)
    for bad in [*spellings(good), good + "\n"]:  # `$` alone would also let a trailing newline through
        with pytest.raises(ValidationError) as error:
            validator(bad)
        assert error.value.messages == [message]


@pytest.mark.parametrize("raw", spellings(BSN))
def test_the_bsn_lookup_refuses_other_digits_and_logs_no_access(client_as, user_a, raw):
    response = client_as(user_a).post(reverse("aanvragen:client_search"), {"bsn": raw})
    assert response.status_code == 200
    assert response.context["form"].errors["bsn"] == ["Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef."]
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("raw", spellings("123456789"))
def test_the_beheer_user_form_refuses_an_uzi_number_in_other_digits(client_as, admin_a, raw):
    response = client_as(admin_a).post(reverse("orgadmin:user_add"), user_form_data(uzi_number=raw))
    assert response.status_code == 200
    assert response.context["form"].errors["uzi_number"] == ["Een UZI-nummer bestaat uit precies 9 cijfers."]
    assert not User.objects.filter(email="eva.devries@zorg-a.nl").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agb_code", "41001234".translate(FULL_WIDTH), "Een AGB-code bestaat uit precies 8 cijfers."),
        ("agb_code", "41001234".translate(ARABIC_INDIC), "Een AGB-code bestaat uit precies 8 cijfers."),
        ("kvk_number", "23456789".translate(FULL_WIDTH), "Een KvK-nummer bestaat uit precies 8 cijfers."),
        ("kvk_number", "23456789".translate(ARABIC_INDIC), "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ],
)
def test_the_admin_refuses_an_agb_code_or_kvk_number_in_other_digits(client, client_as, staff, field, value, message):
    client_as(staff)
    data = {
        "name": "Zorggroep Het Anker", "agb_code": "41001234", "kvk_number": "23456789",
        "domains": "hetanker.nl", "profile": "basis", "admin_initials": "P.", "admin_first_name": "Petra",
        "admin_name_prefix": "", "admin_last_name": "Meer", "admin_email": "petra@hetanker.nl", "admin_mobile": "",
    }  # fmt: skip
    response = client.post("/admin/accounts/organisation/add/", {**data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists() and not User.objects.filter(username="pmeer").exists()
