from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.roles import roles_of


@login_required
def home(request):
    if not roles_of(request.user).is_commune_staff:
        raise PermissionDenied
    return render(request, "applications/staff/home.html")
