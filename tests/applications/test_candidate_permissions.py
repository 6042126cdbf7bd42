"""Every candidate URL, for anonymous people, another candidate, a member and commune staff."""

import pytest
from django.urls import reverse

from applications.models import Application, Attachment, OrganisationInvitation
from applications.services.drafting import STEP_SLUGS
from applications.services.submission import submit_application
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import MembershipFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"


@pytest.fixture
def world():
    application = complete_draft()
    member = member_of(application.organisation, role="owner")
    application = submit_application(application=application, user=member)
    commune = application.targets.get().participation.commune
    invitation = OrganisationInvitation.objects.create(
        organisation=application.organisation,
        email="someone@example.org",
        token="tok",
        expires_at=application.call.closes_at,
    )
    return {
        "application": application,
        "attachment": application.attachments.get(),
        "invitation": invitation,
        "people": {
            "anonymous": None,
            "other_candidate": MembershipFactory().user,
            "member": member,
            "commune_staff": TeamMembershipFactory(commune=commune).user,
        },
    }


def urls(world):
    a, f = world["application"], world["attachment"]
    cases = [
        (
            "get",
            reverse("applications:my_applications"),
            {"member": 200, "other_candidate": 200, "commune_staff": 200},
        ),
        (
            "get",
            reverse("applications:organisation_create"),
            {"member": 200, "other_candidate": 200, "commune_staff": 200},
        ),
        (
            "get",
            reverse("applications:organisation_detail", args=[a.organisation_id]),
            {"member": 200, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "post",
            reverse("applications:organisation_detail", args=[a.organisation_id]),
            {"member": 400, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "get",
            reverse("applications:organisation_edit", args=[a.organisation_id]),
            {"member": 200, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "post",
            reverse("applications:organisation_edit", args=[a.organisation_id]),
            {"member": 400, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "get",
            reverse("applications:invitation_accept", args=["tok"]),
            # Sent to someone@example.org: none of them may accept it.
            {"member": 403, "other_candidate": 403, "commune_staff": 403},
        ),
        (
            "get",
            reverse("applications:start", args=[a.call.slug]),
            {"member": 302, "other_candidate": 200, "commune_staff": 302},
        ),
        (
            "get",
            reverse("applications:detail", args=[a.pk]),
            {"member": 200, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "get",
            reverse("applications:receipt", args=[a.pk]),
            {"member": 200, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "get",
            reverse("applications:withdraw", args=[a.pk]),
            {"member": 200, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "post",
            reverse("applications:attachment_upload", args=[a.pk]),
            {"member": 400, "other_candidate": 404, "commune_staff": 404},
        ),
        (
            "get",
            reverse("applications:attachment_download", args=[f.pk]),
            {"member": 200, "other_candidate": 404, "commune_staff": 200},
        ),
    ]
    for step in STEP_SLUGS:
        url = reverse("applications:step", args=[a.pk, step])
        cases.append(("get", url, {"member": 200, "other_candidate": 404, "commune_staff": 404}))
        if step != "pieces":
            cases.append(
                ("post", url, {"member": None, "other_candidate": 404, "commune_staff": 404})
            )
    # Last: the member's request deletes the file.
    cases.append(
        (
            "post",
            reverse("applications:attachment_delete", args=[a.pk, f.pk]),
            {"member": 302, "other_candidate": 404, "commune_staff": 404},
        )
    )
    return cases


@pytest.mark.parametrize("who", ["anonymous", "other_candidate", "member", "commune_staff"])
def test_permission_matrix(client, world, who):
    person = world["people"][who]
    if person:
        client.force_login(person)
    before = Application.objects.values().get(pk=world["application"].pk)
    for method, url, expected in urls(world):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert LOGIN in response["Location"], url
            continue
        if expected[who] is not None:
            assert response.status_code == expected[who], (method, url)
    if who != "member":
        # Nobody but a member changed anything.
        assert Application.objects.values().get(pk=world["application"].pk) == before
        assert Attachment.objects.filter(pk=world["attachment"].pk).exists()


def test_forged_ids_give_404(client, world):
    client.force_login(world["people"]["member"])
    for url in [
        reverse("applications:detail", args=[999999]),
        reverse("applications:step", args=[999999, "projet"]),
        reverse("applications:step", args=[world["application"].pk, "nope"]),
        reverse("applications:attachment_download", args=[999999]),
        reverse("applications:organisation_detail", args=[999999]),
        reverse("applications:receipt", args=[999999]),
    ]:
        assert client.get(url).status_code == 404, url


def test_staff_see_submitted_applications_only(world):
    staff = world["people"]["commune_staff"]
    draft = complete_draft(call=world["application"].call)
    draft.targets.update(participation=world["application"].targets.get().participation)
    visible = set(Application.objects.visible_to(staff))
    assert world["application"] in visible and draft not in visible
