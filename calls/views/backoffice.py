from django.shortcuts import render

from calls.permissions import metropolis_admin_required


@metropolis_admin_required
def home(request):
    return render(request, "calls/backoffice/home.html")
