"""Forms of the aanvraag site. They parse and show errors; the rules themselves live in services.wlz_errors."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen import services
from aanvragen.choices import AanvraagSoort, AanvraagStatus, BijlageSoort, ConsentGivenBy, ConsentKind, Grondslag
from aanvragen.models import Aanvraag
from aanvragen.validators import BSN_MESSAGE, bsn_is_valid, bsn_normalise, postcode_normalise, validate_not_in_future

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
YES_NO = [("True", _("Ja")), ("False", _("Nee"))]


def bsn_clean(raw: str) -> str:
    bsn = bsn_normalise(raw)
    if not bsn_is_valid(bsn):
        raise ValidationError(BSN_MESSAGE)
    return bsn


class BsnField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("BSN"))
        kwargs.setdefault("help_text", _("9 cijfers. Een BSN van 8 cijfers krijgt vanzelf een 0 ervoor."))
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return bsn_clean(value) if value else value


# --- Lookup and consents ------------------------------------------------------------------------------


class ClientSearchForm(forms.Form):
    bsn = BsnField(error_messages={"required": _("Vul het BSN van de cliënt in.")})


CONSENT_STATEMENTS = {
    ConsentKind.NAW_INZIEN: _(
        "Ik verklaar dat onze organisatie een ondertekend toestemmingsformulier heeft om de NAW-gegevens "
        "(naam, adres, woonplaats) van deze cliënt in te zien, en dat wij dit formulier in ons eigen archief bewaren."
    ),
    ConsentKind.INDICATIE_RAADPLEGEN: _(
        "Ik verklaar dat onze organisatie een ondertekend toestemmingsformulier heeft om de indicatie van deze "
        "cliënt te raadplegen, en dat wij dit formulier in ons eigen archief bewaren."
    ),
    ConsentKind.INDICATIEGEGEVENS_OVERNEMEN: _(
        "Ik verklaar dat onze organisatie een ondertekend toestemmingsformulier heeft om de gegevens van deze "
        "cliënt uit het CIZ-register over te nemen in een aanvraag, en dat wij dit formulier in ons eigen archief "
        "bewaren."
    ),
}


class ConsentForm(forms.Form):
    statement = forms.BooleanField(error_messages={"required": _("Vink de verklaring aan om verder te gaan.")})
    given_by = forms.ChoiceField(
        label=_("Wie heeft de toestemming gegeven?"),
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de toestemming heeft gegeven.")},
    )
    signed_on = forms.DateField(
        label=_("Datum van ondertekening"),
        widget=DATE_WIDGET,
        validators=[validate_not_in_future],
        error_messages={"required": _("Vul de datum in waarop het formulier is ondertekend.")},
    )
    archive_reference = forms.CharField(
        label=_("Kenmerk in uw eigen archief"),
        max_length=100,
        help_text=_("Hiermee vindt u het formulier terug als het CIZ erom vraagt."),
        error_messages={"required": _("Vul het kenmerk in waaronder u het formulier bewaart.")},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = CONSENT_STATEMENTS[kind]

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on < timezone.localdate() - timedelta(days=settings.PORTERO_CONSENT_VALID_DAYS):
            raise ValidationError(
                _("Deze toestemming is ouder dan %(days)s dagen en niet meer geldig. Vraag een nieuwe toestemming.")
                % {"days": settings.PORTERO_CONSENT_VALID_DAYS}
            )
        return signed_on


# --- Nieuwe aanvraag ------------------------------------------------------------------------------------


class KiesAanvraagForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Welke aanvraag wilt u doen?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een soort aanvraag.")},
    )

    def __init__(self, *args, allowed: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [(s, AanvraagSoort(s).label) for s in allowed]


class WlzStepForm(forms.ModelForm):
    """One step of the Wlz form. 'Opslaan als concept' (concept=True) checks formats only; 'Verder' also checks
    what is required; the rules for both come from services.wlz_errors."""

    fieldsets: list = []

    def __init__(self, *args, concept: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.concept = concept
        for name, field in self.fields.items():
            if name in services.WLZ_REQUIRED:
                field.required = not concept
                field.error_messages["required"] = services.WLZ_REQUIRED[name]
            else:
                field.required = False
            if isinstance(field.widget, forms.RadioSelect) and isinstance(field, forms.ChoiceField):
                # A radio group needs no '---------' option: nothing ticked already means 'not answered'.
                field.choices = [choice for choice in field.choices if choice[0] not in ("", None)]

    def _post_clean(self):
        super()._post_clean()
        for name, message in services.wlz_errors(self.instance, complete=not self.concept).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


def yes_no_field(label):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "True", empty_value=None, widget=forms.RadioSelect
    )


class SoortStepForm(WlzStepForm):
    fieldsets = [
        (_("Eerste aanvraag of herindicatie"), ["wlz_type", "huidig_zorgprofiel"]),
        (_("Bijzondere omstandigheden"), ["urgent", "urgent_reason"]),
    ]

    class Meta:
        model = Aanvraag
        fields = ["wlz_type", "huidig_zorgprofiel", "urgent", "urgent_reason"]
        widgets = {"wlz_type": forms.RadioSelect, "urgent_reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "huidig_zorgprofiel": _("Alleen bij een herindicatie."),
            "urgent_reason": _("Verplicht als u de aanvraag onder bijzondere omstandigheden doet."),
        }


class ClientStepForm(WlzStepForm):
    fieldsets = [
        (
            _("Gegevens van de cliënt"),
            [
                "client_bsn",
                "client_initials",
                "client_name_prefix",
                "client_last_name",
                "client_date_of_birth",
                "client_sex",
            ],
        ),
        (_("Adres van de cliënt"), ["client_street", "client_postcode", "client_city", "client_zorgverzekeraar"]),
    ]
    client_bsn = BsnField()

    class Meta:
        model = Aanvraag
        fields = [
            "client_bsn",
            "client_initials",
            "client_name_prefix",
            "client_last_name",
            "client_date_of_birth",
            "client_sex",
            "client_street",
            "client_postcode",
            "client_city",
            "client_zorgverzekeraar",
        ]
        widgets = {"client_date_of_birth": DATE_WIDGET, "client_sex": forms.RadioSelect}

    def clean_client_postcode(self):
        return postcode_normalise(self.cleaned_data["client_postcode"])


class AanvragerStepForm(WlzStepForm):
    fieldsets = [
        (_("Wie ondertekent de aanvraag?"), ["heeft_wettelijk_vertegenwoordiger", "aanvrager_rol"]),
        (
            _("Gegevens van de aanvrager"),
            [
                "aanvrager_naam",
                "aanvrager_telefoon",
                "aanvrager_email",
                "aanvrager_straat",
                "aanvrager_postcode",
                "aanvrager_plaats",
            ],
        ),
        (_("Contactpersoon"), ["contactpersoon_naam", "contactpersoon_relatie", "contactpersoon_telefoon"]),
        (
            _("Tweede contactpersoon"),
            ["contactpersoon2_naam", "contactpersoon2_relatie", "contactpersoon2_telefoon"],
        ),
    ]
    heeft_wettelijk_vertegenwoordiger = yes_no_field(_("Heeft de cliënt een wettelijk vertegenwoordiger?"))

    class Meta:
        model = Aanvraag
        fields = [
            "heeft_wettelijk_vertegenwoordiger",
            "aanvrager_rol",
            "aanvrager_naam",
            "aanvrager_telefoon",
            "aanvrager_email",
            "aanvrager_straat",
            "aanvrager_postcode",
            "aanvrager_plaats",
            "contactpersoon_naam",
            "contactpersoon_relatie",
            "contactpersoon_telefoon",
            "contactpersoon2_naam",
            "contactpersoon2_relatie",
            "contactpersoon2_telefoon",
        ]
        widgets = {"aanvrager_rol": forms.RadioSelect}
        help_texts = {
            "aanvrager_rol": _(
                "Is de cliënt jonger dan 18, dan ondertekent een ouder met gezag of een voogd. Heeft de cliënt een "
                "wettelijk vertegenwoordiger, dan ondertekent die en niet de cliënt."
            ),
            "aanvrager_straat": _("Het CIZ stuurt zijn brieven naar dit adres."),
        }

    def clean_aanvrager_postcode(self):
        return postcode_normalise(self.cleaned_data["aanvrager_postcode"])


class ZorgvraagStepForm(WlzStepForm):
    fieldsets = [
        (_("Grondslag"), ["grondslagen"]),
        (_("Diagnose"), ["diagnose", "diagnose_behandelaar_naam", "diagnose_behandelaar_functie", "diagnose_datum"]),
        (_("Ziekteverloop en prognose"), ["ziekteverloop", "prognose", "beperkingen"]),
        (_("Zorgwens"), ["voorkeur_client", "opnamedatum"]),
        (
            _("Medische informatie opvragen"),
            ["machtiging_behandelaar", "behandelaar_naam", "behandelaar_functie"],
        ),
    ]
    grondslagen = forms.MultipleChoiceField(
        label=_("Grondslag(en)"), choices=Grondslag.choices, widget=forms.CheckboxSelectMultiple
    )
    machtiging_behandelaar = yes_no_field(
        _("Machtigt de cliënt het CIZ om zo nodig medische informatie op te vragen bij een behandelaar?")
    )

    class Meta:
        model = Aanvraag
        fields = [
            "grondslagen",
            "diagnose",
            "diagnose_behandelaar_naam",
            "diagnose_behandelaar_functie",
            "diagnose_datum",
            "ziekteverloop",
            "prognose",
            "beperkingen",
            "voorkeur_client",
            "opnamedatum",
            "machtiging_behandelaar",
            "behandelaar_naam",
            "behandelaar_functie",
        ]
        widgets = {
            "diagnose": forms.Textarea(attrs={"rows": 3}),
            "ziekteverloop": forms.Textarea(attrs={"rows": 4}),
            "beperkingen": forms.Textarea(attrs={"rows": 3}),
            "diagnose_datum": DATE_WIDGET,
            "opnamedatum": DATE_WIDGET,
        }
        help_texts = {
            "diagnose_behandelaar_functie": _("Bijvoorbeeld specialist ouderengeneeskunde of GZ-psycholoog."),
            "opnamedatum": _("Alleen bij verblijf in een instelling."),
            "behandelaar_naam": _("Verplicht als de cliënt het CIZ machtigt."),
            "behandelaar_functie": _("Verplicht als de cliënt het CIZ machtigt."),
        }


class BijlageForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Soort bijlage"),
        choices=[("", _("Kies de soort bijlage")), *BijlageSoort.choices],
        error_messages={"required": _("Kies de soort bijlage.")},
    )
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("PDF, PNG of JPEG, hoogstens %(mb)s MB.")
        % {"mb": settings.PORTERO_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.bijlage_content_type(upload)
        return upload

    def cleaned_data_for_service(self) -> dict:
        return {"soort": self.cleaned_data["soort"], "upload": self.cleaned_data["file"]}


# --- Aanvragen list -------------------------------------------------------------------------------------


class AanvraagFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alle statussen")), *AanvraagStatus.choices], required=False
    )
    soort = forms.ChoiceField(
        label=_("Soort"), choices=[("", _("Alle soorten")), *AanvraagSoort.choices], required=False
    )
    zoek = forms.CharField(
        label=_("Kenmerk of BSN"),
        required=False,
        max_length=20,
        help_text=_("Het volledige kenmerk of het volledige BSN."),
    )
