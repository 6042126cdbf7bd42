"""Helpers of the candidate-side tests: complete drafts and sample files."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Attachment
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    ChallengeFactory,
    MembershipFactory,
    ParticipationFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def office_bytes(main_part="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def member_of(organisation, role="member"):
    return MembershipFactory(organisation=organisation, role=role).user


def complete_draft(call=None, organisation=None, **fields):
    """A draft application with every section filled, one target, a pitch deck."""
    kwargs = {"organisation": organisation} if organisation else {}
    if call:
        kwargs["call"] = call
    now = timezone.now()
    content = dict(
        solution="Des vélos cargos partagés.",
        novelty="Une flotte mutualisée entre commerçants.",
        maturity="prototype",
        impact="Moins de camionnettes.",
        impact_measurement="Comptage des livraisons.",
        team="Deux fondateurs, un mécanicien.",
        budget_cost=25000,
        budget_funding="Fonds propres et BPI.",
        budget_ask="Un local de stockage.",
        accepted_rules_at=now,
        accepted_privacy_at=now,
    )
    application = ApplicationFactory(**{**content, **fields}, **kwargs)
    participation = ParticipationFactory(call=application.call)
    ChallengeFactory(participation=participation)
    ApplicationTargetFactory(
        application=application,
        participation=participation,
        experiment_what="Livraisons du dernier kilomètre.",
        experiment_where="Autour du marché.",
        experiment_duration_months=12,
        experiment_ask="Deux places de stationnement.",
        experiment_users="Commerçants et habitants.",
    )
    attachment = Attachment(
        application=application,
        kind=Attachment.Kind.PITCH_DECK,
        original_name="pitch.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    attachment.file.save("pitch.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return application


def owner_of(application):
    return MembershipFactory(organisation=application.organisation, role="owner").user
