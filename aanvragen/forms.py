"""Forms of the aanvraag site. They parse and show errors; the rules themselves live in services.aanvraag_errors."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen import services, steps
from aanvragen.choices import (
    AANVRAGER_ROLLEN_WLZ,
    AANVRAGER_ROLLEN_WZD,
    WZD_MACHTIGERS,
    AanvraagSoort,
    AanvraagStatus,
    BijlageSoort,
    ConsentGivenBy,
    ConsentKind,
    Grondslag,
)
from aanvragen.models import Aanvraag
from aanvragen.validators import (
    BSN_MESSAGE,
    bsn_is_valid,
    bsn_normalise,
    looks_like_bsn,
    postcode_normalise,
    validate_not_in_future,
)
from portero.forms import DateOfBirthField, DutchDateField, KiesChoicesMixin

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


class ConsentForm(KiesChoicesMixin, forms.Form):
    statement = forms.BooleanField(error_messages={"required": _("Vink de verklaring aan om verder te gaan.")})
    given_by = forms.ChoiceField(
        label=_("Wie heeft de toestemming gegeven?"),
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de toestemming heeft gegeven.")},
    )
    signed_on = DutchDateField(
        label=_("Datum van ondertekening"),
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


class KiesAanvraagForm(KiesChoicesMixin, forms.Form):
    soort = forms.ChoiceField(
        label=_("Welke aanvraag wilt u doen?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een soort aanvraag.")},
    )

    def __init__(self, *args, keuzes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = keuzes


class AanvraagStepForm(KiesChoicesMixin, forms.ModelForm):
    """One step of an application form, of any type. A subclass names its `step` (aanvragen.steps), which gives
    its fields, in order, and its fieldsets; the subclass adds only widgets, labels, help texts and cleaning.
    'Opslaan als concept' (concept=True) checks formats only; 'Verder' also checks what is required; the rules
    for both come from services.aanvraag_errors."""

    step: steps.Step
    fieldsets: list = []
    # Radio choices to show, per field (the rest of the model's choices stay valid input, so that a hand-made
    # POST gets the rule's own message from services.aanvraag_errors rather than 'not a valid choice').
    shown_choices: dict = {}

    def __init_subclass__(cls, **kwargs):
        # Runs before ModelFormMetaclass reads Meta, so the model fields come from the step's declaration.
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.fieldsets = cls.step.form_fieldsets
            meta = cls.__dict__.get("Meta") or type("Meta", (getattr(cls, "Meta", object),), {})
            meta.model = Aanvraag
            meta.fields = cls.step.fields
            cls.Meta = meta

    def __init__(self, *args, concept: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.concept = concept
        required = services.aanvraag_required(self.instance)
        for name, field in self.fields.items():
            if name in required:
                field.required = not concept
                field.error_messages["required"] = required[name]
            else:
                field.required = False
            if isinstance(field.widget, forms.RadioSelect) and isinstance(field, forms.ChoiceField):
                # A radio group needs no '---------' option: nothing ticked already means 'not answered'.
                field.choices = [choice for choice in field.choices if choice[0] not in ("", None)]
            if name in self.shown_choices:
                shown = self.shown_choices[name]
                field.widget.choices = [choice for choice in field.choices if choice[0] in shown]

    def _post_clean(self):
        super()._post_clean()
        for name, message in services.aanvraag_errors(self.instance, complete=not self.concept).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


def yes_no_field(label):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "True", empty_value=None, widget=forms.RadioSelect
    )


class SoortStepForm(AanvraagStepForm):
    step = steps.SOORT

    class Meta:
        widgets = {"wlz_type": forms.RadioSelect, "urgent_reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "huidig_zorgprofiel": _("Alleen bij een herindicatie."),
            "urgent_reason": _("Verplicht als u de aanvraag onder bijzondere omstandigheden doet."),
        }


class ClientStepForm(AanvraagStepForm):
    step = steps.CLIENT
    client_bsn = BsnField()

    class Meta:
        widgets = {"client_sex": forms.RadioSelect}
        field_classes = {"client_date_of_birth": DateOfBirthField}

    def clean_client_postcode(self):
        return postcode_normalise(self.cleaned_data["client_postcode"])


class AanvragerStepForm(AanvraagStepForm):
    step = steps.AANVRAGER
    heeft_wettelijk_vertegenwoordiger = yes_no_field(_("Heeft de cliënt een wettelijk vertegenwoordiger?"))
    shown_choices = {"aanvrager_rol": AANVRAGER_ROLLEN_WLZ}

    class Meta:
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


class ZorgvraagStepForm(AanvraagStepForm):
    step = steps.ZORGVRAAG
    grondslagen = forms.MultipleChoiceField(
        label=_("Grondslag(en)"), choices=Grondslag.choices, widget=forms.CheckboxSelectMultiple
    )
    machtiging_behandelaar = yes_no_field(
        _("Machtigt de cliënt het CIZ om zo nodig medische informatie op te vragen bij een behandelaar?")
    )

    class Meta:
        widgets = {
            "diagnose": forms.Textarea(attrs={"rows": 3}),
            "ziekteverloop": forms.Textarea(attrs={"rows": 4}),
            "beperkingen": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"diagnose_datum": DutchDateField, "opnamedatum": DutchDateField}
        help_texts = {
            "diagnose_behandelaar_functie": _("Bijvoorbeeld specialist ouderengeneeskunde of GZ-psycholoog."),
            "opnamedatum": _("Alleen bij verblijf in een instelling."),
            "behandelaar_naam": _("Verplicht als de cliënt het CIZ machtigt."),
            "behandelaar_functie": _("Verplicht als de cliënt het CIZ machtigt."),
        }


AANMELDER_AANVRAGER_HELP = _(
    "U bent de aanmelder: u zet de aanvraag in Portero. De aanvrager doet de aanvraag, ondertekent die en krijgt "
    "de brieven van het CIZ. Is uw organisatie de aanvrager, vul dan het postadres in waar de brieven heen moeten."
)


class WzdAanvragerStepForm(AanvragerStepForm):
    """Who applies for an art. 21 decision (Wzd art. 22 lid 1); also the signer of a combination application."""

    step = steps.WZD_AANVRAGER
    verblijft_in_accommodatie = yes_no_field(_("Verblijft de cliënt al in een accommodatie?"))
    zorgplan_onvrijwillige_zorg = yes_no_field(_("Heeft de cliënt een zorgplan waarin onvrijwillige zorg staat?"))
    shown_choices = {"aanvrager_rol": AANVRAGER_ROLLEN_WZD, "wzd_machtiging_door": WZD_MACHTIGERS}

    class Meta(AanvragerStepForm.Meta):
        widgets = {"aanvrager_rol": forms.RadioSelect, "wzd_machtiging_door": forms.RadioSelect}
        labels = {
            "aanvrager_rol": _("Wie doet de aanvraag?"),
            "wzd_machtiging_door": _("Wie heeft de gemachtigde gemachtigd?"),
        }
        help_texts = {
            "aanvrager_rol": _(
                "De cliënt kan de aanvraag nooit zelf doen. De zorgaanbieder alleen als de cliënt al in een "
                "accommodatie verblijft; de Wzd-functionaris ook als de cliënt een zorgplan met onvrijwillige zorg "
                "heeft. Een ander doet de aanvraag met een machtiging."
            ),
            "wzd_machtiging_door": _(
                "Alleen als een gemachtigde de aanvraag doet. Voeg de machtiging toe als bijlage."
            ),
            "aanvrager_naam": AANMELDER_AANVRAGER_HELP,
            "aanvrager_straat": _("Het CIZ stuurt zijn brieven naar dit adres."),
        }


class Artikel21StepForm(AanvraagStepForm):
    step = steps.ARTIKEL_21
    wzd_verlenging = yes_no_field(_("Is dit een verlenging van een bestaand artikel 21-besluit?"))

    class Meta:
        widgets = {
            "wzd_gronden": forms.Textarea(attrs={"rows": 4}),
            "diagnose": forms.Textarea(attrs={"rows": 3}),
            "beperkingen": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"wzd_huidig_besluit_tot": DutchDateField}
        labels = {
            "instelling_naam": _("Naam van de Wzd-accommodatie"),
            "instelling_locatie": _("Locatie van de accommodatie (adres en plaats)"),
            "instelling_agb_code": _("AGB-code van de locatie"),
            "diagnose": _("Diagnose"),
            "beperkingen": _("Relevante stoornissen en beperkingen"),
        }
        help_texts = {
            "wzd_huidig_besluit_tot": _(
                "Alleen bij een verlenging. Dien een verlenging in de 7e week voor het verlopen van het besluit in."
            ),
            "instelling_naam": _("Opname kan alleen in een accommodatie die in het Wzd-register staat."),
            "instelling_agb_code": _("8 cijfers."),
            "wzd_gronden": _(
                "Waarom is opname en verblijf nodig, en waarom kan de cliënt daarover geen beslissing nemen?"
            ),
            "diagnose": _("Voeg de diagnose van de behandelaar als bijlage toe."),
        }


class CombinatieArtikel21StepForm(Artikel21StepForm):
    step = steps.COMBINATIE_ARTIKEL_21


class PartnerStepForm(AanvraagStepForm):
    step = steps.PARTNER
    partner_bsn = BsnField(label=_("BSN partner"))

    class Meta:
        widgets = {"partner_relatie": forms.RadioSelect}
        field_classes = {"partner_date_of_birth": DateOfBirthField}
        labels = {
            "partner_relatie": _("Relatie van de partner tot de cliënt"),
            "partner_verklaring": _(
                "Ik verklaar dat de partner en de cliënt allebei meerderjarig en ongehuwd zijn, en geen "
                "bloedverwanten in de eerste graad"
            ),
        }
        help_texts = {"partner_relatie": _("Bij een gedeelde huishouding is ook de verklaring hieronder nodig.")}

    def clean_partner_postcode(self):
        return postcode_normalise(self.cleaned_data["partner_postcode"])


class PartnerClientStepForm(AanvraagStepForm):
    step = steps.PARTNER_CLIENT
    client_bsn = BsnField(
        label=_("BSN van de cliënt"),
        help_text=_(
            "Het CIZ controleert in het register of de cliënt een geldige indicatie heeft met verblijf in een "
            "instelling. Daarvoor is de toestemming 'Indicatie raadplegen' nodig."
        ),
    )


class InstellingStepForm(AanvraagStepForm):
    step = steps.INSTELLING

    class Meta:
        field_classes = {"partnerverblijf_ingangsdatum": DutchDateField}
        labels = {
            "instelling_naam": _("Naam van de instelling waar de cliënt verblijft"),
            "instelling_locatie": _("Locatie (adres en plaats)"),
            "instelling_agb_code": _("AGB-code van de locatie"),
            "partnerverblijf_ingangsdatum": _("Ingangsdatum partnerverblijf"),
        }
        help_texts = {"instelling_agb_code": _("8 cijfers.")}


class BijlageForm(KiesChoicesMixin, forms.Form):
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

    def __init__(self, *args, soorten: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if soorten is not None:  # the kinds that belong to this type of application
            self.fields["soort"].choices = [
                ("", _("Kies de soort bijlage")),
                *((s, BijlageSoort(s).label) for s in soorten),
            ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.bijlage_content_type(upload)
        return upload

    def cleaned_data_for_service(self) -> dict:
        return {"soort": self.cleaned_data["soort"], "upload": self.cleaned_data["file"]}


# --- Aanvragen list -------------------------------------------------------------------------------------


class AanvraagFilterForm(KiesChoicesMixin, forms.Form):
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

    # Sent by the page's form (POST): a BSN goes to the session, a kenmerk to the URL. Read from the URL (GET),
    # a BSN is refused without being searched or shown again: it must not stand in browser history or a proxy log.
    BSN_IN_URL = _("Een BSN hoort niet in het adres van de pagina. Vul het BSN in het zoekveld in en kies 'Zoek'.")

    def __init__(self, data=None, *, from_url: bool = False, **kwargs):
        self.bsn_in_url = False
        if from_url and data is not None and looks_like_bsn(data.get("zoek", "")):
            data = data.copy()
            data["zoek"] = ""
            self.bsn_in_url = True
        super().__init__(data, **kwargs)

    def clean_zoek(self):
        zoek = self.cleaned_data["zoek"].strip()
        if self.bsn_in_url:
            raise ValidationError(self.BSN_IN_URL)
        if looks_like_bsn(zoek):
            return bsn_clean(zoek)
        return zoek.upper()  # kenmerken are written in capitals

    @property
    def bsn(self) -> str:
        """The BSN searched for, or '' when the search term is a kenmerk (only after is_valid)."""
        zoek = self.cleaned_data.get("zoek", "")
        return zoek if bsn_is_valid(zoek) else ""

    def url_query(self) -> dict:
        """What may stand in the list's URL: status, type and a kenmerk, never a BSN."""
        query = {name: self.cleaned_data.get(name) for name in ("status", "soort")}
        if not self.bsn:
            query["zoek"] = self.cleaned_data.get("zoek", "")
        return {name: value for name, value in query.items() if value}
