"""qmi.permissions: the one way views state and enforce their rule."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from qmi.permissions import RuleMixin, logged_in, public, rule, rules_of, scoped
from tests.factories import AdminFactory, UserFactory

BOXES = {1: "mine", 2: "theirs"}


def load_box(user, box_id):
    """A loader: 404 outside the user's scope (box 2 is nobody's)."""
    if box_id != 1:
        raise Http404
    return BOXES[box_id]


def may_open(user, box):
    return is_opener(user)


def is_opener(user):
    return user.username == "opener"


@rule(may_open, box=("box_id", load_box))
def open_box(request, box, colour="red"):
    return HttpResponse(f"{box} {colour}")


def _request(user, path="/boxes/1/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


class User:
    is_authenticated = True

    def __init__(self, username):
        self.username = username


def test_anonymous_visitors_are_sent_to_log_in_with_the_page_to_come_back_to():
    response = open_box(_request(AnonymousUser()), box_id=1)
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/boxes/1/")


def test_the_loader_answers_404_before_the_predicate_is_asked():
    with pytest.raises(Http404):
        open_box(_request(User("opener")), box_id=2)


def test_a_predicate_that_says_no_is_a_403():
    with pytest.raises(PermissionDenied):
        open_box(_request(User("someone")), box_id=1)


def test_the_view_receives_the_loaded_object_and_the_other_arguments():
    response = open_box(_request(User("opener")), box_id=1, colour="blue")
    assert response.content == b"mine blue"


def test_public_rules_let_anonymous_visitors_in():
    view = rule(public)(lambda request: HttpResponse("ok"))
    assert view(_request(AnonymousUser())).status_code == 200


def test_stacked_rules_are_all_recorded_outermost_first():
    view = rule(logged_in)(open_box)
    assert rules_of(view) == (logged_in, may_open)
    assert rules_of(lambda request: None) == ()


def test_class_based_views_state_their_rule_with_the_mixin():
    from django.views import View

    class Page(RuleMixin, View):
        permission_rule = staticmethod(is_opener)

        def get(self, request):
            return HttpResponse("ok")

    view = Page.as_view()
    assert rules_of(view) == (is_opener,)
    assert view(_request(User("opener"))).status_code == 200
    with pytest.raises(PermissionDenied):
        view(_request(User("someone")))
    assert view(_request(AnonymousUser())).status_code == 302


def test_scoped_trusts_the_loader():
    assert scoped(User("anyone"), "an object") is True


@pytest.mark.django_db
def test_templates_ask_the_same_predicates():
    template = Template(
        '{% load qmi_permissions %}{% may "stats.can_see_programme_dashboard" as ok %}'
        "{% if ok %}yes{% else %}no{% endif %}"
    )
    admin, someone = AdminFactory(), UserFactory()
    assert template.render(Context({"request": _request(admin)})) == "yes"
    assert template.render(Context({"request": _request(someone)})) == "no"
    assert template.render(Context({})) == "no"


def test_templates_may_only_name_predicates():
    template = Template('{% load qmi_permissions %}{% may "stats.dashboard_communes" as ok %}')
    with pytest.raises(ValueError):
        template.render(Context({"request": _request(User("x"))}))
