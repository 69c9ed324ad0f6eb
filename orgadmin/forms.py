from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from aanvragen.validators import is_bsn_term
from accounts.models import User, uzi_validator
from portero.fields import limited_form_field
from portero.forms import KiesChoicesMixin


class UserSearchForm(KiesChoicesMixin, forms.Form):
    """POSTed by the page, then redirected to ?zoeken=: a BSN typed in by mistake never reaches a URL. A BSN
    in the URL (typed by hand) is neither searched nor shown again."""

    zoeken = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    verwijderd = forms.BooleanField(label=_("Toon verwijderde gebruikers"), required=False)
    NO_BSN = _("Zoek op naam, inlognaam of e-mailadres. Een BSN hoort hier niet.")

    def __init__(self, data=None, **kwargs):
        if data is not None and is_bsn_term(data.get("zoeken", "")):
            data = data.copy()
            data["zoeken"] = ""
            self.bsn_given = True
        else:
            self.bsn_given = False
        super().__init__(data, **kwargs)

    def clean_zoeken(self):
        if self.bsn_given:
            raise ValidationError(self.NO_BSN)
        return self.cleaned_data["zoeken"]

    def url_query(self, sort: str) -> dict:
        query = {"zoeken": self.cleaned_data["zoeken"], "verwijderd": "on" if self.cleaned_data["verwijderd"] else ""}
        return {name: value for name, value in {**query, "sort": sort}.items() if value}


class UserForm(KiesChoicesMixin, forms.Form):
    """The account data an organisation admin enters; the rules are checked by orgadmin.services."""

    initials = forms.CharField(label=_("Voorletters"), max_length=20)
    first_name = forms.CharField(
        label=_("Voornaam"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    name_prefix = forms.CharField(label=_("Tussenvoegsels"), max_length=30, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_(
            "Een persoonlijk werk-e-mailadres binnen het domein van uw organisatie, niet een algemeen adres als info@."
        ),
    )
    mobile = forms.CharField(
        label=_("Mobiel nummer"),
        max_length=20,
        required=False,
        help_text=_("Voor de sms-code bij het inloggen, bijvoorbeeld 06 12345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    uzi_number = forms.CharField(
        label=_("UZI-nummer"),
        required=False,
        validators=[uzi_validator],
        help_text=_(
            "Niet het nummer op de UZI-pas, maar het nummer dat de pashouder per post van het UZI-register (CIBG) "
            "heeft ontvangen: 9 cijfers."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    @classmethod
    def initial_for(cls, user) -> dict:
        initial = {name: getattr(user, name) for name in cls.base_fields}
        initial["mobile"] = user.mobile.as_national if user.mobile else ""
        return initial


class UserDeleteForm(KiesChoicesMixin, forms.Form):
    deletion_reason = limited_form_field(
        User._meta.get_field("deletion_reason").max_length,
        label=_("Reden van verwijderen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vul de reden van verwijderen in.")},
    )


class UserImportForm(KiesChoicesMixin, forms.Form):
    """'Gebruikers importeren': the file; its caps are checked before it is read (orgadmin.spreadsheet)."""

    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV-bestand (gescheiden door ; of ,) of een Excel-bestand (.xlsx) met in de eerste rij de kolommen "
            "voorletters, tussenvoegsels, voornaam, achternaam, e-mail, mobiel nummer en UZI-nummer."
        ),
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        limit = settings.PORTERO_USER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Het bestand is te groot: hoogstens %(size)s bytes.")
                % {"size": number_format(limit, force_grouping=True)}
            )
        return upload


class UserImportConfirmForm(forms.Form):
    """'Importeren': with rows in error the admin ticks that only the good rows are imported."""

    accept_errors = forms.BooleanField(
        label=_("Ik begrijp dat de rijen met een fout niet worden geïmporteerd."), required=False
    )
