"""The documents a call asks for, edited in the back-office apart from the call form."""

from django import forms
from django.forms import inlineformset_factory

from calls.models import Call, DocumentType


class DocumentTypeForm(forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = ["name", "description", "order"]


DocumentTypeFormSet = inlineformset_factory(
    Call, DocumentType, form=DocumentTypeForm, extra=1, can_delete=True
)
