"""Demo questions: Argenteuil's and Issy's teams ask Vélo Vert SAS (startup@) about its
application to the open call; one question is answered with a file, two wait for an
answer. Written without notices (the demo sends no mail). Idempotent."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.demo.candidates import PITCH_PDF
from applications.models import Application, ApplicationTarget
from questions.models import Answer, AnswerAttachment, Question

QUESTIONS = [
    (
        "manager.argenteuil@qmi.example",
        "Argenteuil",
        "Combien de vélos cargo prévoyez-vous pour le quartier, et où seraient-ils garés la nuit ?",
        (
            "Douze vélos cargo, garés la nuit dans le local de la maison de quartier (accord de "
            "principe obtenu). Le calendrier de déploiement est joint."
        ),
    ),
    (
        "reviewer.argenteuil@qmi.example",
        "Argenteuil",
        "Quelle assurance couvre les vélos prêtés aux habitants ?",
        None,
    ),
    (
        "manager.issy@qmi.example",
        "Issy-les-Moulineaux",
        "L'expérimentation peut-elle démarrer dès la rentrée de septembre ?",
        None,
    ),
]


def seed(users, calls):
    call = ((calls or {}).get("calls") or {}).get("qmi2_phase2")
    owner = users.get("startup@qmi.example")
    if call is None or owner is None:
        return 0
    if Question.objects.filter(target__participation__call=call).exists():
        return 0
    application = (
        Application.objects.filter(
            call=call, organisation__memberships__user=owner, state=Application.State.SUBMITTED
        )
        .order_by("pk")
        .first()
    )
    if application is None:
        return 0
    created = 0
    now = timezone.now()
    for n, (email, commune, text, reply) in enumerate(QUESTIONS):
        target = ApplicationTarget.objects.filter(
            application=application, participation__commune__name=commune
        ).first()
        author = users.get(email)
        if target is None or author is None:
            continue
        question = Question(target=target, author=author, body=text)
        question._history_user = author
        question.save()
        Question.objects.filter(pk=question.pk).update(
            created_at=now - datetime.timedelta(days=3 - n)
        )
        created += 1
        if reply:
            answer = Answer(question=question, author=owner, body=reply)
            answer._history_user = owner
            answer.save()
            attachment = AnswerAttachment(
                answer=answer,
                original_name="calendrier-deploiement.pdf",
                content_type="application/pdf",
                size=len(PITCH_PDF),
                sha256=hashlib.sha256(PITCH_PDF).hexdigest(),
            )
            attachment.file.save("calendrier-deploiement.pdf", ContentFile(PITCH_PDF), save=False)
            attachment.save()
    return created
