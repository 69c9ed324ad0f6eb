"""Organisation B's world, for attacks by the people of organisation A: an admin and a user of B, a client
whose consent B recorded, a submitted application with an attachment and a concept. Each carries a marker
that must never appear in a response to anyone of A."""

from dataclasses import dataclass
from datetime import date

import django_otp
import pytest

from aanvragen.choices import ConsentGivenBy, ConsentKind
from aanvragen.models import Aanvraag, Bijlage
from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create
from aanvragen.services.clients import consent_record
from accounts.audit import audit_log
from accounts.models import AuditEvent, User
from orgadmin.models import UserImport, UserImportRow
from tests.aanvragen.helpers import submitted_aanvraag
from tests.factories import UserFactory

B_CLIENT_BSN = "123456782"
B_MARKERS = ("Zorggroep B", "beheerderb", "Quaadvliet", "Zwartkruis", B_CLIENT_BSN, "Kastanjelaan 4")


@dataclass
class WorldB:
    admin: User
    user: User
    submitted: Aanvraag
    concept: Aanvraag
    wzd_concept: Aanvraag
    partnerverblijf_concept: Aanvraag
    bijlage: Bijlage
    target: Aanvraag | None = None  # which of B's applications the sweep aims at
    user_import: UserImport | None = None  # B's admin's import of users, done, its row naming B's user

    @property
    def applications(self) -> tuple[Aanvraag, ...]:
        return (self.submitted, self.concept, self.wzd_concept, self.partnerverblijf_concept)

    def snapshot(self) -> dict:
        """Everything of B that an attack could change."""
        users = User.objects.filter(organisation=self.admin.organisation).order_by("pk")
        # Anybody may ask for a set-password link for any login name: that is the public 'Wachtwoord
        # aanvragen', which mails the account's own address. Everything else must stay as it was.
        fields = [f.attname for f in User._meta.concrete_fields if f.attname != "password_link_sent_at"]
        return {
            "users": list(users.values(*fields)),
            # every second factor of B's accounts, of every device model ('Inlogmethoden herstellen')
            "devices": sorted(
                (device._meta.label_lower, device.pk, device.user_id, device.confirmed)
                for user in users
                for device in django_otp.devices_for_user(user, confirmed=None)
            ),
            "aanvragen": list(Aanvraag.objects.filter(organisation=self.admin.organisation).order_by("pk").values()),
            "bijlagen": list(Bijlage.objects.filter(aanvraag__organisation=self.admin.organisation).values()),
            "imports": list(UserImport.objects.filter(organisation=self.admin.organisation).values()),
        }


@pytest.fixture
def world_b(admin_b):
    user = UserFactory(organisation=admin_b.organisation, username="zwartkruisb", last_name="Zwartkruis")
    # B's own logbook (beheer 'Logboek'): a change by B's admin, with B's markers in its old and new values
    audit_log(
        AuditEvent.Action.USER_CHANGED,
        actor=admin_b,
        target=user,
        changes={"last_name": {"before": "Quaadvliet", "after": "Zwartkruis"}},
    )
    for kind in ConsentKind.values:
        consent_record(
            user=user,
            bsn=B_CLIENT_BSN,
            kind=kind,
            given_by=ConsentGivenBy.CLIENT,
            signed_on=date.today(),
            archive_reference="B-archief-1",
        )
    submitted = submitted_aanvraag(user, client_bsn=B_CLIENT_BSN, client_last_name="Quaadvliet")
    concept = aanvraag_create(user=user, soort="wlz")
    concept = aanvraag_concept_save(
        aanvraag=concept, values={"client_bsn": B_CLIENT_BSN, "client_last_name": "Quaadvliet"}
    )
    wzd = aanvraag_create(user=user, soort="wzd21")
    aanvraag_concept_save(aanvraag=wzd, values={"client_bsn": B_CLIENT_BSN, "instelling_naam": "Quaadvliet"})
    partner = aanvraag_create(user=user, soort="partnerverblijf")
    aanvraag_concept_save(aanvraag=partner, values={"partner_last_name": "Quaadvliet"})
    user_import = UserImport.objects.create(
        organisation=admin_b.organisation,
        created_by=admin_b,
        file_name="Zwartkruis.csv",
        file_sha256="0" * 64,
        row_count=1,
        status=UserImport.Status.DONE,
    )
    UserImportRow.objects.create(
        user_import=user_import, number=2, data={"last_name": "Zwartkruis"}, plan="unchanged", outcome="unchanged"
    )
    return WorldB(
        admin=admin_b,
        user_import=user_import,
        user=user,
        submitted=submitted,
        concept=concept,
        wzd_concept=wzd,
        partnerverblijf_concept=partner,
        bijlage=submitted.bijlagen.get(),
        target=submitted,
    )
