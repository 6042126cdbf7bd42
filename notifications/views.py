from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from notifications.models import OutboxMessage


@login_required
def notification_list(request):
    items = OutboxMessage.objects.filter(recipient=request.user).order_by("-created_at")[:100]
    return render(request, "notifications/list.html", {"items": items})
