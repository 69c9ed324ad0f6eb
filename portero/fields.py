"""Free text with a maximum length, enforced in the form, in the model and in the database.

A TextField's max_length only reaches the form (a maxlength attribute and a form check): model validation and the
database take any length, so a concept once stored 1 MB of diagnosis. LimitedTextField adds the check to the model
field itself (full_clean, and so every service that calls it), with one Dutch message for form and model;
`max_length_constraint` is the database's own check, for what is written around the model (update(), raw SQL).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

MAX_LENGTH_MESSAGE = _("Gebruik maximaal %(limit_value)d tekens (nu %(show_value)d).")

# The limits, in characters. A long answer on the application form (diagnose, ziekteverloop, beperkingen, gronden)
# gets LONG_TEXT: about two full A4 pages of typed text, more than CIZ's own paper form leaves for any of these
# questions; reports and letters belong in an attachment. A short explanation (toelichting, opmerking) gets
# SHORT_TEXT. Both are far above what the demo data and real applications use, and far below what could fill the
# database or a page: a list or a mail never carries more than these few pages per field.
LONG_TEXT = 4000
SHORT_TEXT = 2000


class LimitedTextField(models.TextField):
    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length, message=MAX_LENGTH_MESSAGE))

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.error_messages["max_length"] = MAX_LENGTH_MESSAGE
        return field


class MaxLengthConstraint(models.CheckConstraint):
    """The database's check of one LimitedTextField (also on SQLite, where a varchar length means nothing).

    Model validation checks it in Python: Django's CheckConstraint.validate asks the database with one query per
    constraint, which made every step of an application form ten queries slower. The field's own validator has
    reported the error by then anyway; this only covers a value set around the field (full_clean(exclude=...))."""

    def __init__(self, *, field: str, limit: int, name: str, **kwargs):
        self.field, self.limit = field, limit
        super().__init__(
            condition=LessThanOrEqual(Length(field), limit),
            name=name,
            violation_error_message=_("Gebruik maximaal %(limit)d tekens.") % {"limit": limit},
        )

    def deconstruct(self):
        path, _args, _kwargs = super().deconstruct()
        return path, (), {"field": self.field, "limit": self.limit, "name": self.name}

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        value = getattr(instance, self.field)
        if value and len(value) > self.limit:
            raise ValidationError(self.get_violation_error_message(), code="max_length")


def max_length_constraint(model_name: str, field: str, limit: int) -> MaxLengthConstraint:
    return MaxLengthConstraint(field=field, limit=limit, name=f"{model_name}_{field}_max_length")


def limited_form_field(limit: int, **kwargs) -> forms.CharField:
    """A plain form's free-text field with its limit and the same Dutch message."""
    error_messages = {"max_length": MAX_LENGTH_MESSAGE, **kwargs.pop("error_messages", {})}
    return forms.CharField(max_length=limit, error_messages=error_messages, **kwargs)
