from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts import proconnect
from calls.sitemaps import sitemaps
from calls.views import public as calls_public
from qmi import views
from qmi.health import healthz

# The Django admin logs in through the site's log-in: same rate limits, same
# second factor.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", calls_public.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # ProConnect's log-in and callback: allauth's OpenID Connect views with an adapter
    # that reads its signed (JWT) userinfo; before allauth's own URLs.
    path(
        "comptes/oidc/proconnect/login/",
        proconnect.login,
        name="openid_connect_proconnect_login",
    ),
    path(
        "comptes/oidc/proconnect/login/callback/",
        proconnect.callback,
        name="openid_connect_proconnect_callback",
    ),
    path("comptes/", include("allauth.urls")),
    path("comptes/", include("accounts.urls")),
    path("", include("calls.urls")),
    path("gestion/", include("calls.urls_backoffice")),
    path("", include("communes.urls")),
    path("candidatures/", include("applications.urls")),
    path("equipe/", include("applications.urls_staff")),
    path("notifications/", include("notifications.urls")),
    path("mes-donnees/", include("privacy.urls")),
    path("", include("stats.urls")),
    path("api/", include("api.urls")),
    path("experimentations/", include("experimentations.urls")),
    path("", include("auditions.urls")),
    path("questions/", include("questions.urls")),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("admin/", admin.site.urls),
]
