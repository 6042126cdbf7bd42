"""Candidate pages: organisations, the multi-step application, submission, files."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.forms.application import AttachmentForm, changes_of, errors_of, form_for_step
from applications.forms.organisation import InvitationForm, OrganisationForm, StartApplicationForm
from applications.models import Application, Attachment
from applications.permissions.candidate import (
    can_accept_invitation,
    can_edit_application,
    can_manage_organisation,
    can_submit_application,
    can_withdraw_application,
    is_editable,
)
from applications.selectors import candidate as selectors
from applications.services import attachments as attachment_services
from applications.services import drafting, organisations, receipts, submission
from calls.models import Call
from qmi.dates import paris_datetime
from qmi.files import private_file_response
from qmi.forms import apply_service_errors, parse_id
from qmi.permissions import logged_in, rule
from qmi.ratelimits import TOO_MANY_MAILS, allow_mail_to_unconfirmed

STASH_KEY = "applications_unsaved_post"
# What an expired session may keep: the step form's fields, this many bytes at most.
STASH_MAX_BYTES = 64 * 1024
ORGANISATION = ("pk", selectors.organisation_for_member)


def login_required_keeping_post(view):
    """``rule(logged_in)``, but what an expired session posted is kept for after log-in."""
    view = rule(logged_in)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            data = _stashable_post(request, kwargs.get("step", ""))
            if data is not None:
                # One pending post per session: a new one replaces the last.
                request.session[STASH_KEY] = {"path": request.path, "data": data}
            if request.headers.get("X-Autosave"):
                return JsonResponse(
                    {"error": _("Votre session a expiré : reconnectez-vous.")}, status=401
                )
            if data is None:
                messages.error(
                    request,
                    _(
                        "Votre session a expiré et ce que vous avez envoyé ne peut pas être "
                        "conservé (trop volumineux ou d’un autre formulaire). Reconnectez-vous "
                        "puis saisissez-le à nouveau."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _("Votre session a expiré. Reconnectez-vous : vos saisies ont été conservées."),
                )
        return redirect_to_login(request.path)

    return wrapper


def _step_posts(step, name):
    """Whether the form of ``step`` posts a field called ``name``."""
    from applications.forms import application as step_forms

    if name == "version":
        return True
    if step == "experimentation":  # one form per targeted commune, prefixed t<id>-
        prefix, _dash, field = name.partition("-")
        return prefix[:1] == "t" and prefix[1:].isdigit() and field in step_forms.EXPERIMENT_FIELDS
    form_class = {
        "communes": step_forms.TargetsForm,
        "projet": step_forms.ProjectForm,
        "impact": step_forms.ImpactForm,
        "budget": step_forms.BudgetForm,
        "validation": step_forms.AcceptanceForm,
    }.get(step)
    return form_class is not None and name in form_class.base_fields


def _stashable_post(request, step):
    """The fields of the step's form in a post, or None when it cannot be kept.

    Bounded so that anonymous posts cannot fill the session table: only the
    step form's fields, STASH_MAX_BYTES at most.
    """
    data = {key: request.POST.getlist(key) for key in request.POST if _step_posts(step, key)}
    size = sum(len(key) + sum(len(v.encode()) for v in values) for key, values in data.items())
    if not data or size > STASH_MAX_BYTES:
        return None
    return data


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# "Mes candidatures" and organisations.


@rule(logged_in)
def my_applications(request):
    applications = list(selectors.my_applications(request.user))
    rows = [
        {
            "application": application,
            "done": drafting.completed_steps(application),
            # The list holds the member's applications only: the rule without its query.
            "can_edit": is_editable(application),
            "decisions": selectors.published_decisions(application),
        }
        for application in applications
    ]
    return render(
        request,
        "applications/my_applications.html",
        {
            "rows": rows,
            "step_count": len(drafting.STEPS),
            "organisations": selectors.organisations_of(request.user),
            "open_calls": Call.objects.visible_to(request.user).open().order_by("closes_at"),
        },
    )


@rule(logged_in)
def organisation_create(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisations.create_organisation(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("L'organisation « %(name)s » est créée.") % {"name": organisation.name}
            )
            return redirect(
                _safe_next(
                    request, reverse("applications:organisation_detail", args=[organisation.pk])
                )
            )
    return render(
        request,
        "applications/organisation_form.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@rule(can_manage_organisation, organisation=ORGANISATION)
def organisation_edit(request, organisation):
    """Owners keep their organisation's details up to date."""
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisations.update_organisation(
                organisation=organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'organisation est enregistrée."))
            return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "applications/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@rule(logged_in)
def organisation_detail(request, pk):
    organisation = selectors.organisation_for_member(request.user, pk)
    is_owner = can_manage_organisation(request.user, organisation)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if form.is_valid() and not allow_mail_to_unconfirmed(request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_MAILS)
        elif form.is_valid():
            try:
                organisations.invite_member(
                    organisation=organisation,
                    invited_by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "applications/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by("user__email"),
            "invitations": organisation.invitations.pending(),
            "is_owner": is_owner,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _membership_change(request, pk, change, done_message):
    organisation = selectors.organisation_for_member(request.user, pk)
    membership_id = parse_id(request.POST.get("membership"))
    try:
        change(organisation, membership_id)
    except organisations.MembershipError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
        if not organisation.memberships.filter(user=request.user).exists():
            return redirect("applications:my_applications")
    return redirect("applications:organisation_detail", pk=organisation.pk)


@require_POST
@rule(logged_in)
def member_remove(request, pk):
    """An owner removes a member."""
    return _membership_change(
        request,
        pk,
        lambda organisation, membership_id: organisations.remove_member(
            organisation=organisation, by=request.user, membership_id=membership_id
        ),
        _("La personne a été retirée de l'organisation."),
    )


@require_POST
@rule(logged_in)
def ownership_transfer(request, pk):
    """An owner hands ownership to another member."""
    return _membership_change(
        request,
        pk,
        lambda organisation, membership_id: organisations.transfer_ownership(
            organisation=organisation, by=request.user, membership_id=membership_id
        ),
        _("La propriété de l'organisation a été transférée."),
    )


@require_POST
@rule(logged_in)
def organisation_leave(request, pk):
    """A member leaves the organisation."""
    return _membership_change(
        request,
        pk,
        lambda organisation, membership_id: organisations.leave_organisation(
            organisation=organisation, user=request.user
        ),
        _("Vous avez quitté l'organisation."),
    )


@rule(logged_in)
def invitation_accept(request, token):
    invitation = organisations.pending_invitation(token)
    if invitation is None:
        messages.error(
            request, _("Cette invitation n'est plus valable (déjà utilisée ou expirée).")
        )
        return redirect("applications:my_applications")
    if not can_accept_invitation(request.user, invitation):
        return render(
            request,
            "applications/invitation_wrong_account.html",
            {"invitation": invitation},
            status=403,
        )
    if request.method == "POST":
        try:
            membership = organisations.accept_invitation(token=token, user=request.user)
        except ValidationError as error:
            # Used or expired since the check above.
            messages.error(request, " ".join(error.messages))
            return redirect("applications:my_applications")
        messages.success(
            request,
            _("Vous êtes membre de « %(name)s ».") % {"name": membership.organisation.name},
        )
        return redirect("applications:organisation_detail", pk=membership.organisation_id)
    return render(request, "applications/invitation_accept.html", {"invitation": invitation})


# Starting an application.


@rule(logged_in)
def start(request, call_slug):
    call = get_object_or_404(Call.objects.visible_to(request.user), slug=call_slug)
    here = reverse("applications:start", args=[call.slug])
    member_organisations = selectors.organisations_of(request.user)
    if not member_organisations.exists():
        messages.info(request, _("Créez d'abord votre organisation pour candidater."))
        return redirect(f"{reverse('applications:organisation_create')}?next={here}")
    existing = list(
        Application.objects.of_member(request.user).filter(call=call).select_related("organisation")
    )
    form = StartApplicationForm(
        request.POST if request.method == "POST" else None, organisations=member_organisations
    )
    if request.method == "POST" and form.is_valid():
        try:
            application, created = drafting.start_application(
                call=call, organisation=form.cleaned_data["organisation"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        if not created:
            messages.info(
                request,
                _("Votre organisation a déjà une candidature à cet appel : la voici."),
            )
            return redirect("applications:detail", pk=application.pk)
        return redirect("applications:step", pk=application.pk, step=drafting.STEP_SLUGS[0])
    if request.method == "GET" and len(member_organisations) == 1 and existing:
        messages.info(
            request, _("Votre organisation a déjà une candidature à cet appel : la voici.")
        )
        return redirect("applications:detail", pk=existing[0].pk)
    return render(
        request,
        "applications/start.html",
        {"call": call, "form": form, "existing": existing, "is_open": call.is_open()},
    )


# The application: overview, steps, autosave.


def _step_context(application, step, form, version, *, unsaved=False):
    """What every step page shows. ``unsaved``: this page carries input that is not
    saved (a refused or conflicting save, a restored post), so its step is not
    counted as complete whatever the database says."""
    steps = drafting.checklist(application)
    if unsaved:
        pending = _("vos dernières saisies de cette étape ne sont pas enregistrées")
        steps = [
            (each, [*missing, pending] if each.slug == step else missing) for each, missing in steps
        ]
    return {
        "application": application,
        "step": step,
        "step_label": drafting.STEPS[drafting.STEP_SLUGS.index(step)].label,
        "done": sum(1 for _each, missing in steps if not missing),
        "steps": steps,
        "step_index": drafting.STEP_SLUGS.index(step) + 1,
        "step_count": len(drafting.STEPS),
        "form": form,
        "is_formset": isinstance(form, BaseFormSet),
        "version": version,
        "editable": application._editable,
        "next_step": drafting.next_step(step),
    }


def _render_step(request, application, step, form, version, *, status=200, unsaved=None):
    """A step page; a refused save (status other than 200) is never shown as saved."""
    unsaved = status != 200 if unsaved is None else unsaved
    context = _step_context(application, step, form, version, unsaved=unsaved)
    if step == "validation":
        context["recap"] = selectors.recap(application)
    if step == "pieces":
        context["documents"] = selectors.documents_asked(application)
    return render(request, f"applications/steps/{step}.html", context, status=status)


@rule(logged_in)
def detail(request, pk):
    application = selectors.application_for_member(request.user, pk)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "steps": drafting.checklist(application),
            "complete": drafting.is_complete(application),
            "editable": can_edit_application(request.user, application),
            "can_submit": can_submit_application(request.user, application),
            "can_withdraw": can_withdraw_application(request.user, application),
            "revisions": selectors.revisions_of(application),
        },
    )


def _stashed_data(request):
    stash = request.session.get(STASH_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASH_KEY]
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    return data


def _posted_version(request):
    # Versions are counters like ids: anything a database cannot hold reads as "unknown".
    return parse_id(request.POST.get("version", ""))


@login_required_keeping_post
def step(request, pk, step):
    """A step of the application: shown (GET), saved (POST) or autosaved (POST, JSON).

    The attachments step has its own upload and delete views.
    """
    if step not in drafting.STEP_SLUGS:
        raise Http404
    application = selectors.application_for_member(request.user, pk)
    application._editable = can_edit_application(request.user, application)
    if request.method == "POST" and step != "pieces":
        if request.headers.get("X-Autosave"):
            return _autosave_step(request, application, step)
        return _post_step(request, application, step)
    return _show_step(request, application, step)


@dataclass
class _Refusal:
    """Why a valid step form was not saved."""

    message: str
    status: int
    conflict: bool = False
    version: int | None = None  # the version to post next, when another member saved


def _save_step(request, application, step, form):
    """Save a valid form: the saved application, or a _Refusal."""
    try:
        return drafting.save_step(
            application=application,
            user=request.user,
            step=step,
            changes=changes_of(form),
            expected_version=_posted_version(request),
        )
    except drafting.DraftConflict as conflict:
        who = conflict.current.updated_by
        return _Refusal(
            _(
                "%(who)s a enregistré cette candidature pendant que vous la modifiiez. "
                "Vos saisies ci-dessous n'ont pas encore été enregistrées : vérifiez-les, "
                "puis enregistrez à nouveau pour remplacer l'autre version."
            )
            % {"who": who.display_name if who else _("Un autre membre")},
            status=409,
            conflict=True,
            version=conflict.current.version,
        )
    except OperationalError:
        # SQLite refuses a second writer instead of queueing it: same answer
        # as a conflict, nothing typed is lost.
        return _Refusal(
            _(
                "Un autre membre enregistrait cette candidature au même instant : "
                "vos saisies ne sont pas encore enregistrées, enregistrez à nouveau."
            ),
            status=409,
            conflict=True,
        )
    except ValidationError as error:
        return _Refusal(" ".join(error.messages), status=400)


def _autosave_step(request, application, step):
    """The script's background save: JSON in every case, never a page."""
    if not application._editable:
        return JsonResponse({"error": _unchangeable_message(application)}, status=403)
    form = form_for_step(step, application, request.POST)
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("Certaines saisies ne sont pas valides : corrigez-les."),
                "errors": errors_of(form),
            },
            status=400,
        )
    saved = _save_step(request, application, step, form)
    if isinstance(saved, _Refusal):
        body = {"error": saved.message}
        if saved.conflict:
            body["conflict"] = True
        return JsonResponse(body, status=saved.status)
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S"),
        }
    )


def _post_step(request, application, step):
    """The buttons: save, then go on; on a refusal, the page again with what was typed."""
    if not application._editable:
        messages.error(request, _unchangeable_message(application))
        return redirect("applications:detail", pk=application.pk)
    form = form_for_step(step, application, request.POST)
    if not form.is_valid():
        return _render_step(request, application, step, form, application.version, status=400)
    saved = _save_step(request, application, step, form)
    if not isinstance(saved, _Refusal):
        return _after_save(request, saved, step)
    if not saved.conflict:
        messages.error(request, saved.message)
        return redirect("applications:detail", pk=application.pk)
    messages.warning(request, saved.message)
    version = saved.version if saved.version is not None else application.version
    return _render_step(request, application, step, form, version, status=409)


def _show_step(request, application, step):
    """The step as saved, or with the post an expired session kept (not saved yet)."""
    stashed = _stashed_data(request)
    if stashed is None or step == "pieces":
        form = form_for_step(step, application)
        return _render_step(request, application, step, form, application.version)
    form = form_for_step(step, application, stashed)
    form.is_valid()
    messages.info(
        request,
        _(
            "Les saisies envoyées avant l'expiration de votre session ont été "
            "récupérées ci-dessous : vérifiez-les et enregistrez."
        ),
    )
    version = _int_or(stashed.get("version"), application.version)
    return _render_step(request, application, step, form, version, unsaved=True)


def _unchangeable_message(application):
    if application.state == Application.State.WITHDRAWN:
        return _("Cette candidature est retirée : rien n'a été enregistré.")
    return _(
        "L'appel est clos depuis le %(deadline)s : rien n'a été enregistré ni déposé. "
        "Votre candidature est conservée telle qu'elle était."
    ) % {"deadline": paris_datetime(application.call.closes_at)}


def _int_or(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _after_save(request, application, step):
    go = request.POST.get("go", "")
    if go == "submit":
        try:
            application = submission.submit_application(application=application, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:step", pk=application.pk, step=step)
        messages.success(
            request,
            _("Votre candidature est déposée sous la référence %(reference)s.")
            % {"reference": application.reference},
        )
        return redirect("applications:receipt", pk=application.pk)
    if application.state == Application.State.SUBMITTED:
        messages.success(request, _("Modification enregistrée et ajoutée à l'historique."))
    else:
        messages.success(request, _("Étape enregistrée."))
    following = drafting.next_step(step)
    if go == "next" and following:
        return redirect("applications:step", pk=application.pk, step=following)
    return redirect("applications:step", pk=application.pk, step=step)


# Attachments.


@require_POST
@rule(logged_in)
def attachment_upload(request, pk):
    application = selectors.application_for_member(request.user, pk)
    application._editable = can_edit_application(request.user, application)
    form = AttachmentForm(request.POST, request.FILES, call=application.call)
    if form.is_valid():
        try:
            attachment_services.add_attachment(
                application=application,
                user=request.user,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                document_type=form.cleaned_data["document_type"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Fichier ajouté."))
            return redirect("applications:step", pk=application.pk, step="pieces")
    return _render_step(request, application, "pieces", form, application.version, status=400)


@require_POST
@rule(logged_in)
def attachment_delete(request, pk, attachment_pk):
    application = selectors.application_for_member(request.user, pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    try:
        attachment_services.delete_attachment(attachment=attachment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Fichier supprimé."))
    return redirect("applications:step", pk=application.pk, step="pieces")


@rule(logged_in)
def attachment_download(request, pk):
    attachment: Attachment = selectors.attachment_for_download(request.user, pk)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# Receipt and withdrawal.


@rule(logged_in)
def receipt(request, pk):
    application = selectors.application_for_member(request.user, pk)
    if not application.reference:
        raise Http404
    return render(request, "applications/receipt.html", {"application": application})


@rule(logged_in)
def receipt_pdf(request, pk):
    """The receipt as a PDF document to keep, generated from the database at each download."""
    application = selectors.application_for_member(request.user, pk)
    if not application.reference:
        raise Http404
    response = HttpResponse(receipts.receipt_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"recepisse-{application.reference}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@rule(logged_in)
def withdraw(request, pk):
    application = selectors.application_for_member(request.user, pk)
    if request.method == "POST":
        try:
            submission.withdraw_application(application=application, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Votre candidature est retirée."))
        return redirect("applications:detail", pk=application.pk)
    if not can_withdraw_application(request.user, application):
        messages.error(request, submission.withdrawal_refusal(application))
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/withdraw.html", {"application": application})
