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


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class LogbookFilterForm(forms.Form):
    """'Logboek' filters. POSTed and redirected to a URL of ids, codes and dates only (orgadmin.logbook): the
    login name or e-mail address typed in 'Gebruiker' becomes the account's id, and a BSN typed there is refused,
    so neither personal text nor a BSN reaches a URL. `lookup` finds an account of the admin's organisation."""

    gebruiker = forms.CharField(
        label=_("Gebruiker"),
        required=False,
        max_length=254,
        help_text=_("Inlognaam of e-mailadres van een gebruiker van uw organisatie."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    actie = forms.ChoiceField(label=_("Gebeurtenis"), required=False)
    van = _date_field(_("Van"))
    tot = _date_field(_("Tot en met"))
    NO_BSN = _("Zoek op inlognaam of e-mailadres. Een BSN hoort hier niet.")
    UNKNOWN = _("Uw organisatie heeft geen gebruiker met deze inlognaam of dit e-mailadres.")

    def __init__(self, *args, actions=(), lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = [("", _("Alle gebeurtenissen")), *actions]
        self.lookup = lookup

    def clean_gebruiker(self):
        value = self.cleaned_data["gebruiker"].strip()
        if not value:
            return None
        if is_bsn_term(value):
            raise ValidationError(self.NO_BSN)
        user = self.lookup(value) if self.lookup else None
        if user is None:
            raise ValidationError(self.UNKNOWN)
        return user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("van") and cleaned.get("tot") and cleaned["van"] > cleaned["tot"]:
            self.add_error("tot", _("Deze datum ligt vóór de datum bij 'Van'."))
        return cleaned

    def url_query(self) -> dict:
        """The filter as it goes into the URL: the account's id, the action's code, ISO dates."""
        data = self.cleaned_data
        query = {
            "gebruiker": data["gebruiker"].pk if data["gebruiker"] else "",
            "actie": data["actie"],
            "van": data["van"].isoformat() if data["van"] else "",
            "tot": data["tot"].isoformat() if data["tot"] else "",
        }
        return {name: value for name, value in query.items() if value}


class LogbookQueryForm(forms.Form):
    """The logbook's URL parameters, as LogbookFilterForm.url_query writes them."""

    gebruiker = forms.IntegerField(required=False, min_value=1)
    actie = forms.ChoiceField(required=False)
    van = _date_field(_("Van"))
    tot = _date_field(_("Tot en met"))

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = [("", ""), *actions]
