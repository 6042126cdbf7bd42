from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applications.models import Application


@login_required
def my_applications(request):
    applications = (
        Application.objects.of_member(request.user)
        .select_related("call", "organisation")
        .order_by("-updated_at")
    )
    return render(request, "applications/my_applications.html", {"applications": applications})
