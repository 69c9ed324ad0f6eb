"""Demo clients for the CIZ register (manage.py seed_demo, after the demo accounts). Idempotent: keyed on BSN."""

from datetime import date

from aanvragen.choices import Geslacht, Leveringsvorm, Zorgprofiel
from aanvragen.models import Client, Indicatie

# Fictitious people with BSNs that pass the 11-proef; none is a real person's number on purpose of this demo.
# (BSN, initials, first name, prefixes, last name, born, sex, street, postcode, city, indicaties), each indicatie
# (zorgprofiel, leveringsvorm, valid from).
DEMO_CLIENTS = [
    ("100023757", "G.", "Gerda", "", "Smit", date(1938, 4, 12), Geslacht.VROUW, "Kastanjelaan 4", "3511 AB",
     "Utrecht", [(Zorgprofiel.VV5, Leveringsvorm.VERBLIJF, date(2024, 2, 1))]),
    ("100039595", "H.J.", "Henk", "van", "Dam", date(1945, 9, 30), Geslacht.MAN, "Molenweg 18", "9711 CD",
     "Groningen", [(Zorgprofiel.VV4, Leveringsvorm.VPT, date(2025, 6, 15))]),
    ("100126704", "S.", "Sara", "", "Yılmaz", date(2012, 1, 20), Geslacht.VROUW, "Havenstraat 7", "3011 AA",
     "Rotterdam", [(Zorgprofiel.VG3, Leveringsvorm.PGB, date(2023, 9, 1))]),
    ("100174218", "P.", "Piet", "de", "Boer", date(1952, 11, 3), Geslacht.MAN, "Dorpsstraat 33", "1234 AB",
     "Utrecht", []),
]  # fmt: skip


def seed_demo_clients(stdout=None) -> None:
    for bsn, initials, first, prefix, last, born, sex, street, postcode, city, indicaties in DEMO_CLIENTS:
        client, created = Client.objects.get_or_create(
            bsn=bsn,
            defaults={
                "initials": initials,
                "first_name": first,
                "name_prefix": prefix,
                "last_name": last,
                "date_of_birth": born,
                "sex": sex,
                "street": street,
                "postcode": postcode,
                "city": city,
            },
        )
        if created:
            for zorgprofiel, leveringsvorm, valid_from in indicaties:
                Indicatie.objects.create(
                    client=client, zorgprofiel=zorgprofiel, leveringsvorm=leveringsvorm, valid_from=valid_from
                )
            if stdout is not None:
                stdout.write(f"  cliënt {bsn} {client.full_name}")
