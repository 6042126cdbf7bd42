"""Thin views: read the request, call one selector or service, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import selectors
from notifications.forms import AlertForm, OutboxFilterForm
from notifications.models import OutboxMessage
from notifications.permissions import can_manage_outbox
from notifications.services import mark_read, render_message, retry_failed, subscriptions
from notifications.services.outbox import read_unsubscribe_token
from qmi.forms import parse_id
from qmi.permissions import logged_in, rule
from qmi.ratelimits import TOO_MANY_MAILS, allow_mail_to_unconfirmed

PAGE_SIZE = 50


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _rendered(message):
    try:
        subject, body, html = render_message(message)
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        # A broken or missing template must not hide the message's metadata.
        return {"error": _("Le message ne peut pas être affiché : %(error)s") % {"error": error}}
    return {"subject": subject, "body": body, "has_html": html is not None}


# Notifications of the logged-in person.


@rule(logged_in)
def notification_list(request):
    page = _page(request, selectors.notifications_of(request.user))
    return render(request, "notifications/list.html", {"page": page})


@rule(logged_in)
def notification_detail(request, pk):
    message = selectors.notification_of(request.user, pk)
    if message is None:
        raise Http404
    mark_read(request.user, message.pk)
    return render(
        request, "notifications/detail.html", {"item": message, "rendered": _rendered(message)}
    )


@rule(logged_in)
@require_POST
def notification_mark_read(request):
    message_id = request.POST.get("message")
    if message_id:
        message_id = parse_id(message_id)
        if message_id is None:
            raise Http404
    count = mark_read(request.user, message_id or None)
    messages.success(
        request,
        ngettext(
            "%(n)d notification marquée comme lue.",
            "%(n)d notifications marquées comme lues.",
            count,
        )
        % {"n": count},
    )
    return redirect("notifications:list")


# Outbox, for metropolis admins.


@rule(can_manage_outbox)
def outbox(request):
    form = OutboxFilterForm(request.GET or None, kinds=selectors.known_kinds())
    filters = form.filters()
    page = _page(request, selectors.outbox(**filters))
    return render(
        request,
        "notifications/outbox.html",
        {"form": form, "page": page, "counts": selectors.outbox_counts(), **filters},
    )


@rule(can_manage_outbox)
def outbox_message(request, pk):
    message = get_object_or_404(OutboxMessage.objects.select_related("recipient"), pk=pk)
    if message.kind.startswith("account_"):
        # Its link opens the recipient's account (reset, confirmation): theirs alone.
        rendered = {
            "error": _("Le contenu de ce message est un lien personnel : il n’est pas affiché.")
        }
    else:
        rendered = _rendered(message)
    return render(
        request, "notifications/outbox_message.html", {"item": message, "rendered": rendered}
    )


@rule(can_manage_outbox)
@require_POST
def outbox_retry(request):
    ids = [parse_id(value) for value in request.POST.getlist("message")]
    count = retry_failed([message_id for message_id in ids if message_id is not None])
    messages.success(
        request,
        ngettext(
            "%(n)d message remis en file d'envoi.", "%(n)d messages remis en file d'envoi.", count
        )
        % {"n": count},
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("notifications:outbox")
    return redirect(next_url)


# Public pages: alerts and unsubscribing.


def alerts(request):
    initial = {"email": request.user.email} if request.user.is_authenticated else None
    form = AlertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not allow_mail_to_unconfirmed(request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_MAILS)
            return render(request, "notifications/alerts.html", {"form": form}, status=429)
        subscriptions.subscribe(
            email=form.cleaned_data["email"],
            communes=form.cleaned_data["communes"],
            tags=form.cleaned_data["tags"],
            language=get_language(),
        )
        return render(
            request, "notifications/alerts_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request, "notifications/alerts.html", {"form": form}, status=400 if form.errors else 200
    )


def alert_confirm(request, token):
    found = subscriptions.subscriptions_for_token(token)
    if not found:
        return render(request, "notifications/link_invalid.html", status=404)
    if request.method == "POST":
        subscriptions.confirm(found)
        messages.success(request, _("Votre alerte est confirmée."))
        return redirect("notifications:alert_confirm", token=token)
    return render(
        request,
        "notifications/alert_confirm.html",
        {
            "email": found[0].email,
            "topic": subscriptions.topics(found),
            "confirmed": all(s.is_confirmed for s in found),
        },
    )


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session
def unsubscribe(request, token):
    payload = read_unsubscribe_token(token)
    if payload is None:
        return render(request, "notifications/link_invalid.html", status=404)
    if request.method == "POST":
        subscriptions.unsubscribe(payload)
        return render(request, "notifications/unsubscribed.html", {"payload": payload})
    return render(request, "notifications/unsubscribe.html", {"payload": payload})
