"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest primary key any supported database stores
# What the browser's file picker offers; the content itself is checked on upload
# (applications.services.attachments.validate_upload).
ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"


def parse_id(value):
    """An id typed by a client, or None when it cannot be a primary key (e.g. "²", 10**30)."""
    value = str(value).strip()
    if not (value.isascii() and value.isdecimal()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdChoiceMixin:
    """Refuse ids a database cannot hold before they reach a query (a 400, not a 500)."""

    def _check_id(self, value):
        if value in self.empty_values:
            return
        if parse_id(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ModelChoiceField(IdChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        self._check_id(value)
        return super().to_python(value)


class ModelMultipleChoiceField(IdChoiceMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value or []:
            self._check_id(item)
        return super()._check_values(value)


# The longest address an EmailField column holds (RFC 5321's path limit): the
# form field refuses more with a message, where the database would fail.
EMAIL_MAX_LENGTH = 254


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (answers to questions, pilot reports): a list, empty
    when none was chosen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def apply_service_errors(form, error):
    """Put a service's ValidationError next to the fields it names."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
