"""Satisfaction surveys: admin pages, and the answer page reached by a personal link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.views.staff import export_response
from experimentations.forms import SurveyAnswerForm, SurveyForm
from experimentations.models import Survey, SurveyAnswer
from experimentations.permissions import can_manage_surveys
from experimentations.selectors import surveys as selectors
from experimentations.services import surveys as services
from qmi.permissions import rule


@rule(can_manage_surveys)
def survey_list(request):
    return render(
        request, "experimentations/survey_list.html", {"surveys": selectors.surveys_for_admin()}
    )


@rule(can_manage_surveys)
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(user=request.user, survey=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("L'enquête est créée avec %(count)d destinataires. Vérifiez-les avant l'envoi.")
                % {"count": survey.recipients.count()},
            )
            return redirect("experimentations:survey_results", pk=survey.pk)
    return render(
        request,
        "experimentations/survey_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@rule(can_manage_surveys)
def survey_results(request, pk):
    survey = get_object_or_404(Survey.objects.select_related("edition"), pk=pk)
    recipients = survey.recipients.select_related("organisation", "commune").order_by(
        "commune", "organisation__name"
    )
    answered = set(
        SurveyAnswer.objects.filter(recipient__survey=survey).values_list("recipient_id", flat=True)
    )
    return render(
        request,
        "experimentations/survey_results.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey),
            "recipients": recipients,
            "answered": answered,
            "now": timezone.now(),
        },
    )


@rule(can_manage_surveys)
@require_POST
def survey_send(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    try:
        queued = services.send_survey(user=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(count)d invitations mises en file d'envoi (aucune n'est envoyée deux fois).")
            % {"count": queued},
        )
    return redirect("experimentations:survey_results", pk=survey.pk)


@rule(can_manage_surveys)
def survey_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = get_object_or_404(Survey.objects.select_related("edition"), pk=pk)
    header, rows = selectors.export_rows(survey)
    return export_response(header, rows, slugify(f"enquete-{survey.edition.code}"), fmt)


@never_cache
def survey_answer(request, token):
    """The personal link: no log-in; one answer per recipient, editable until the close."""
    recipient = selectors.recipient_for_token(token)
    if recipient is None:
        return render(request, "experimentations/survey_unknown.html", status=404)
    survey = recipient.survey
    now = timezone.now()
    answer = SurveyAnswer.objects.filter(recipient=recipient).first()
    if survey.is_closed(now):
        return render(
            request,
            "experimentations/survey_closed.html",
            {"survey": survey, "answer": answer},
            status=410,
        )
    if not survey.is_open(now):
        return render(
            request, "experimentations/survey_not_open.html", {"survey": survey}, status=403
        )
    form = SurveyAnswerForm(request.POST or None, instance=answer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_answer(
                    recipient=recipient,
                    data={name: form.cleaned_data[name] for name in form.Meta.fields},
                    now=now,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre réponse est enregistrée. Vous pouvez la modifier "
                        "avec ce même lien jusqu'à la clôture de l'enquête."
                    ),
                )
                return redirect("experimentations:survey_answer", token=recipient.token)
        status = 400
    response = render(
        request,
        "experimentations/survey_answer.html",
        {"survey": survey, "recipient": recipient, "form": form, "answer": answer},
        status=status,
    )
    # The link is personal: the site's "same-origin" referrer policy keeps it from
    # other sites ("no-referrer" would make browsers post with Origin: null).
    response["X-Robots-Tag"] = "noindex"
    return response
