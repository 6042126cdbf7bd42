from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from calls.models import Call, Edition
from communes.models import Commune


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "calls:call_list",
            "calls:edition_list",
            "calls:commune_list",
            "calls:help",
        ]

    def location(self, item):
        return reverse(item)


class CallSitemap(Sitemap):
    def items(self):
        return Call.objects.published().order_by("pk")

    def lastmod(self, call):
        return call.updated_at


class EditionSitemap(Sitemap):
    def items(self):
        return Edition.objects.order_by("pk")


class CommuneSitemap(Sitemap):
    def items(self):
        return Commune.objects.order_by("pk")


sitemaps = {
    "static": StaticSitemap,
    "calls": CallSitemap,
    "editions": EditionSitemap,
    "communes": CommuneSitemap,
}
