from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("editions", views.EditionViewSet, basename="edition")
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("calls", views.CallViewSet, basename="call")
router.register("laureates", views.LaureateViewSet, basename="laureate")

app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    re_path(r"^.*$", views.not_found),
]
