"""The jury: who sat, its opinion and proposed rank per heard application, shown on the
decision screen, in the exports (formulas neutralised) and in the audit log."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.selectors.audit import audit_entries
from applications.services.exports import export_rows
from auditions import services
from auditions.models import JuryOpinion, JurySession
from tests.applications.test_exports import _export
from tests.auditions.helpers import invited, world
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _session(w):
    return services.save_session(
        user=w.manager_a,
        participation=w.a,
        held_on="2026-12-01",
        members=[w.manager_a, w.reviewer_a],
    )


def _post_opinions(client, w, rows):
    data = {"part": "opinions"}
    for target, (opinion, comment, rank) in rows.items():
        data[f"t{target.pk}-opinion"] = opinion
        data[f"t{target.pk}-comment"] = comment
        data[f"t{target.pk}-rank"] = rank
    return client.post(reverse("auditions:jury", args=[w.a.pk]), data)


def test_the_manager_records_who_sat_through_the_page(client, w):
    client.force_login(w.manager_a)
    url = reverse("auditions:jury", args=[w.a.pk])
    response = client.post(
        url, {"part": "session", "held_on": "2026-12-01", "members": [w.reviewer_a.pk]}
    )
    assert response.status_code == 302
    session = JurySession.objects.get(participation=w.a)
    assert list(session.members.all()) == [w.reviewer_a]
    # Someone outside the commune's team cannot sit (forged id: a clear 400).
    response = client.post(
        url, {"part": "session", "held_on": "2026-12-01", "members": [w.manager_b.pk]}
    )
    assert response.status_code == 400
    assert list(session.members.all()) == [w.reviewer_a]


def test_opinions_and_ranking_show_on_the_decision_screen(client, w):
    one, two = invited(w, count=2)
    _session(w)
    client.force_login(w.manager_a)
    response = _post_opinions(
        client,
        w,
        {one.target: ("favourable", "Très convaincant", 2), two.target: ("reserved", "", 1)},
    )
    assert response.status_code == 302
    page = plain(client.get(reverse("staff:application", args=[one.target_id])).content.decode())
    assert "Avis du jury : favorable – rang proposé : 2" in page
    assert "Très convaincant" in page
    jury_page = plain(client.get(reverse("auditions:jury", args=[w.a.pk])).content.decode())
    assert "Décision de la commune :" in jury_page
    assert f'/equipe/candidature/{one.target_id}/#decision-title">pas de décision' in jury_page
    # The two ranks swap in one save (never meeting the unique key).
    response = _post_opinions(
        client, w, {one.target: ("favourable", "", 1), two.target: ("reserved", "", 2)}
    )
    assert response.status_code == 302
    assert JuryOpinion.objects.get(target=one.target).rank == 1


def test_two_applications_never_share_a_rank(client, w):
    one, two = invited(w, count=2)
    _session(w)
    client.force_login(w.manager_a)
    response = _post_opinions(
        client, w, {one.target: ("favourable", "", 1), two.target: ("reserved", "", 1)}
    )
    assert response.status_code == 400
    assert "même rang" in plain(response.content.decode())
    assert not JuryOpinion.objects.exists()


def test_the_jury_gives_opinions_on_shortlisted_applications_only(w):
    _session(w)
    outsider = w.application(w.a)
    with pytest.raises(ValidationError):
        services.save_opinions(
            user=w.manager_a, participation=w.a, opinions={outsider: ("favourable", "", None)}
        )


def test_reviewers_read_the_opinions_but_do_not_record_them(client, w):
    (entry,) = invited(w)
    session = _session(w)
    JuryOpinion.objects.create(session=session, target=entry.target, opinion="unfavourable")
    client.force_login(w.reviewer_a)
    page = plain(client.get(reverse("auditions:jury", args=[w.a.pk])).content.decode())
    assert "défavorable" in page and "Enregistrer" not in page
    assert _post_opinions(client, w, {entry.target: ("favourable", "", 1)}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.save_opinions(
            user=w.reviewer_a, participation=w.a, opinions={entry.target: ("favourable", "", 1)}
        )


def test_jury_opinions_are_in_the_csv_export_with_formulas_neutralised(client, w):
    (entry,) = invited(w)
    other = w.application(w.a)
    session = _session(w)
    services.save_opinions(
        user=w.manager_a,
        participation=w.a,
        opinions={entry.target: ("reserved", '=HYPERLINK("http://evil.example")', 3)},
    )
    header, rows = export_rows(w.manager_a, [w.a])
    assert header[-3:] == ["Avis du jury", "Rang proposé par le jury", "Commentaire du jury"]
    client.force_login(w.manager_a)
    response = _export(client, reverse("staff:dashboard_export", args=[w.a.pk, "csv"]))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in table if r[0] == entry.target.application.reference)
    assert row[-3:] == ["réservé", "3", '\'=HYPERLINK("http://evil.example")']
    row = next(r for r in table if r[0] == other.application.reference)
    assert row[-3:] == ["", "", ""]
    assert session.opinions.count() == 1


def test_jury_opinions_are_in_the_audit_log(w):
    (entry,) = invited(w)
    _session(w)
    opinion = {entry.target: ("favourable", "Bien", 1)}
    services.save_opinions(user=w.manager_a, participation=w.a, opinions=opinion)
    services.save_opinions(
        user=w.manager_a,
        participation=w.a,
        opinions={entry.target: ("unfavourable", "Finalement non", 1)},
    )
    services.save_opinions(
        user=w.manager_a, participation=w.a, opinions={entry.target: ("", "", None)}
    )
    jury = [e for e in audit_entries(w.call) if "jury" in str(e.action)]
    assert [(str(e.action), e.who) for e in reversed(jury)] == [
        ("avis du jury", w.manager_a),
        ("avis du jury modifié", w.manager_a),
        ("avis du jury retiré", w.manager_a),
    ]
    changes = [(str(label), str(old), str(new)) for label, old, new in jury[1].changes]
    assert ("avis du jury", "favorable", "défavorable") in changes
    assert ("commentaire du jury", "Bien", "Finalement non") in changes
    assert entry.target.application.reference in jury[0].subject


def test_a_conflicted_manager_records_no_opinion_on_that_application(client, w):
    """Membership of the applicant organisation is a conflict: another manager (or an
    admin) records the jury's opinion there, and the conflicted one keeps it as it is."""
    from tests.factories import MembershipFactory

    mine, other = invited(w, count=2)
    session = _session(w)
    JuryOpinion.objects.create(session=session, target=mine.target, opinion="reserved", rank=1)
    MembershipFactory(organisation=mine.target.application.organisation, user=w.manager_a)
    with pytest.raises(PermissionDenied):
        services.save_opinions(
            user=w.manager_a, participation=w.a, opinions={mine.target: ("favourable", "", 2)}
        )
    client.force_login(w.manager_a)
    page = plain(client.get(reverse("auditions:jury", args=[w.a.pk])).content.decode())
    assert "Conflit d'intérêts" in page
    # Their other rows save, the conflicted row keeps its opinion and rank.
    response = _post_opinions(client, w, {other.target: ("reserved", "", 1)})
    assert response.status_code == 400  # rank 1 is the conflicted row's
    response = _post_opinions(client, w, {other.target: ("favourable", "", 2)})
    assert response.status_code == 302
    kept = JuryOpinion.objects.get(target=mine.target)
    assert (kept.opinion, kept.rank) == ("reserved", 1)
    assert JuryOpinion.objects.get(target=other.target).rank == 2
