"""Every figure of the dashboards, against the hand-counted data set of conftest.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats import selectors
from stats.charts import Percent
from stats.selectors import Scope
from tests.factories import AdminFactory, ApplicationFactory, ApplicationTargetFactory

pytestmark = pytest.mark.django_db


def rows(chart):
    return [list(row) for row in chart.rows]


def test_funnel_of_the_edition(programme):
    counts = selectors.funnel_counts(Scope(programme.edition))
    assert counts == {
        "accounts": 3,
        "started": 5,
        "submitted": 3,
        "eligible": 2,
        "reviewed": 1,
        "selected": 1,
        "pilots_running": 0,
        "pilots_completed": 0,
        "continued": 0,
    }


def test_funnel_of_one_commune_counts_its_targets_only(programme):
    alpha = selectors.funnel_counts(Scope(programme.edition, commune=programme.alpha))
    assert alpha == {
        "accounts": None,
        "started": 4,
        "submitted": 2,
        "eligible": 2,
        "reviewed": 1,
        "selected": 1,
        "pilots_running": 0,
        "pilots_completed": 0,
        "continued": 0,
    }
    beta = selectors.funnel_counts(Scope(programme.edition, commune=programme.beta))
    assert beta == {
        "accounts": None,
        "started": 2,
        "submitted": 2,
        "eligible": 1,
        "reviewed": 0,
        "selected": 0,
        "pilots_running": 0,
        "pilots_completed": 0,
        "continued": 0,
    }


def test_funnel_of_one_call_equals_the_edition_with_one_call(programme):
    scope = Scope(programme.edition, call=programme.call)
    assert selectors.funnel_counts(scope) == selectors.funnel_counts(Scope(programme.edition))


def test_communes_table(programme):
    chart = selectors.communes_table(Scope(programme.edition))
    assert rows(chart) == [
        ["Alpha", 2, 2, 1, 1, "6–8"],
        ["Beta", 2, 1, 0, 0, "6–8"],
    ]


def test_a_commune_the_candidate_unticked_is_not_counted(programme):
    from django.utils import timezone

    from applications.models import ApplicationTarget

    # The candidate unticks Beta after its team screened the application: the target is
    # kept (withdrawn) with the team's work, and no figure of Beta counts it any more.
    target = ApplicationTarget._base_manager.filter(participation__commune=programme.beta).first()
    ApplicationTarget._base_manager.filter(pk=target.pk).update(withdrawn_at=timezone.now())
    scope = Scope(programme.edition)
    assert rows(selectors.communes_table(scope))[1][:2] == ["Beta", 1]
    beta_progress = rows(selectors.review_progress_chart(scope))[1]
    assert beta_progress[0] == "Beta" and beta_progress[2] <= 1


def test_cumulative_submissions_against_the_previous_edition_in_paris_days(programme):
    chart = selectors.submissions_chart(Scope(programme.edition))
    # app1 on J-7, app3 at 00:30 Paris on J-2 (J-3 in UTC), app2 at 23:30 on J;
    # the withdrawn one is not counted. QMI1: J-1 and J.
    assert [row[1:] for row in chart.rows] == [
        [1, 1, 0],  # J-7
        [0, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
        [1, 2, 0],  # J-2
        [0, 2, 1],  # J-1
        [1, 3, 2],  # J
    ]
    assert chart.rows[0][0] == "J-7"
    assert chart.columns[2:] == ["Cumul QMI2", "Cumul QMI1"]
    assert [line["name"] for line in chart.geometry["lines"]] == ["QMI2", "QMI1"]


def test_first_edition_has_no_comparison_curve(programme):
    chart = selectors.submissions_chart(Scope(programme.previous))
    assert [row[1:] for row in chart.rows] == [[1, 1], [1, 2]]
    assert len(chart.columns) == 3


def test_kinds_of_organisations(programme):
    chart = selectors.kinds_chart(Scope(programme.edition))
    assert rows(chart) == [["start-up", 2], ["association", 1]]


def test_most_targeted_challenges_and_tags(programme):
    scope = Scope(programme.edition)
    assert rows(selectors.challenges_chart(scope)) == [
        ["Îlots de fraîcheur (Beta)", 2],
        ["Mobilité douce (Alpha)", 2],
        ["Moins de déchets (Alpha)", 1],
    ]
    assert rows(selectors.tags_chart(scope)) == [
        ["Mobilité", 3],
        ["Nature en ville", 2],
        ["Déchets", 1],
    ]
    alpha = Scope(programme.edition, commune=programme.alpha)
    assert rows(selectors.tags_chart(alpha)) == [["Mobilité", 2], ["Déchets", 1]]


def test_review_progress_per_commune_and_per_reviewer(programme):
    scope = Scope(programme.edition)
    progress = rows(selectors.review_progress_chart(scope))
    assert progress == [["Alpha", 50.0, 2, 1, 1, 1, 0], ["Beta", 0, 1, 0, 0, 0, 1]]
    assert isinstance(progress[0][1], Percent)
    assert rows(selectors.reviewers_table(scope)) == [
        ["Alpha", "Rémi Un", 1, 0, 0],
        ["Alpha", "Rose Deux", 0, 1, 0],
        ["Beta", "Raoul Trois", 0, 0, 1],
    ]
    beta = Scope(programme.edition, commune=programme.beta)
    assert rows(selectors.reviewers_table(beta)) == [["Beta", "Raoul Trois", 0, 0, 1]]


def test_public_figures_count_only_after_the_deadline(programme, time_machine):
    time_machine.move_to(selectors.timezone.now().replace(year=2025, month=3, day=10), tick=False)
    figures = selectors.public_figures(programme.edition)
    assert figures == {
        "communes": 2,
        "applications": 0,
        "laureates": 0,
        "pilots": 0,
        "satisfaction": None,
        "satisfaction_answers": None,
        "calls_closed": False,
    }


def test_public_figures_after_results(published):
    figures = selectors.public_figures(published.edition)
    assert figures == {
        "communes": 2,
        "applications": 3,
        "laureates": 1,
        "pilots": 0,
        "satisfaction": None,
        "satisfaction_answers": None,
        "calls_closed": True,
    }
    chart = selectors.laureates_by_commune_chart(published.edition)
    assert rows(chart) == [["Alpha", 1]]


# After the selection: pilots and satisfaction.


def test_funnel_follows_pilots_and_outcomes(with_pilots):
    assert selectors.funnel_counts(Scope(with_pilots.edition)) == {
        "accounts": 3,
        "started": 6,
        "submitted": 4,
        "eligible": 3,
        "reviewed": 1,
        "selected": 2,
        "pilots_running": 1,
        "pilots_completed": 1,
        "continued": 1,
    }
    beta = selectors.funnel_counts(Scope(with_pilots.edition, commune=with_pilots.beta))
    assert (beta["selected"], beta["pilots_running"], beta["pilots_completed"]) == (1, 0, 1)
    assert beta["continued"] == 1


def test_pilots_by_state_and_satisfaction(with_pilots):
    scope = Scope(with_pilots.edition)
    assert rows(selectors.pilots_chart(scope)) == [
        ["en préparation", 0],
        ["en cours", 1],
        ["terminée", 1],
        ["abandonnée", 0],
    ]
    assert rows(selectors.satisfaction_chart()) == [["QMI2", 80, 5, 6]]
    assert rows(selectors.satisfaction_chart(public=True)) == [["QMI2", 80, 5, 6]]
    figures = selectors.public_figures(with_pilots.edition)
    assert (figures["pilots"], figures["satisfaction"], figures["satisfaction_answers"]) == (
        2,
        80,
        5,
    )


def test_satisfaction_stays_private_below_five_answers(with_pilots):
    from experimentations.models import SurveyAnswer

    SurveyAnswer.objects.filter(satisfaction=2).delete()
    assert rows(selectors.satisfaction_chart()) == [["QMI2", 100, 4, 6]]
    assert rows(selectors.satisfaction_chart(public=True)) == []
    assert selectors.public_figures(with_pilots.edition)["satisfaction"] is None


def test_public_page_shows_pilots_and_satisfaction(client, with_pilots):
    html = client.get("/statistiques/qmi2/").content.decode()
    assert "80\u202f%" in html
    assert "expérimentations déployées" in html
    assert 'id="chart-pilots"' in html and 'id="chart-satisfaction"' in html


# Pages.


def test_programme_dashboard_shows_every_chart_with_its_table_and_csv(client, programme):
    client.force_login(AdminFactory())
    response = client.get("/tableau-de-bord/", {"edition": "qmi2"})
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "funnel",
        "submissions",
        "communes",
        "kinds",
        "challenges",
        "tags",
        "review_progress",
        "reviewers",
    ):
        assert f'id="chart-{key}"' in html
        assert f"export={key}" in html
    assert html.count("<svg") == 6  # two are tables only; no pilot nor survey yet
    assert html.count("<table") == 8
    assert "Rémi Un" in html


def test_chart_csv_download(client, programme):
    client.force_login(AdminFactory())
    response = client.get("/tableau-de-bord/", {"edition": "qmi2", "export": "funnel"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "Étape;Nombre",
        "Comptes créés pendant l’appel;3",
        "Candidatures commencées;5",
        "Candidatures déposées;3",
        "Éligibles;2",
        "Évaluées;1",
        "Retenues;1",
        "Expérimentation en cours;0",
        "Expérimentation terminée;0",
        "Poursuivies par la commune;0",
    ]
    response = client.get("/tableau-de-bord/", {"edition": "qmi2", "export": "review_progress"})
    assert "Alpha;50,0;2;1;1;1;0" in response.content.decode("utf-8-sig")
    assert client.get("/tableau-de-bord/", {"export": "nope"}).status_code == 404


def test_bad_filters_are_a_400_with_a_message(client, programme):
    client.force_login(AdminFactory())
    response = client.get("/tableau-de-bord/", {"edition": "nope", "commune": "x" * 300})
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()


def test_figures_follow_the_readers_locale(client, programme):
    admin = AdminFactory(preferred_language="en")
    client.force_login(admin)
    html = client.get("/tableau-de-bord/", {"edition": "qmi2"}).content.decode()
    assert "50%" in html
    assert "Applications funnel" in html and "Entonnoir" not in html
    admin.preferred_language = "fr"
    admin.save()
    html = client.get("/tableau-de-bord/", {"edition": "qmi2"}).content.decode()
    assert "50\u202f%" in html
    assert "Entonnoir des candidatures" in html


def test_who_sees_which_dashboard(client, programme):
    assert client.get("/tableau-de-bord/").status_code == 302
    client.force_login(programme.reviewers["r1"])
    assert client.get("/tableau-de-bord/").status_code == 403
    assert client.get("/tableau-de-bord/communes/alpha/").status_code == 403
    client.force_login(programme.manager_alpha)
    home = client.get("/tableau-de-bord/")
    assert home.status_code == 200 and "/tableau-de-bord/communes/alpha/" in home.content.decode()
    assert client.get("/tableau-de-bord/communes/beta/").status_code == 403
    response = client.get("/tableau-de-bord/communes/alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Raoul Trois" not in html  # Beta's reviewer
    assert "Rémi Un" in html
    csv = client.get("/tableau-de-bord/communes/alpha/", {"export": "funnel"})
    assert "Candidatures commencées;4" in csv.content.decode("utf-8-sig")
    assert "Comptes créés" not in csv.content.decode("utf-8-sig")


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more_rows(programme, count):
    for index in range(count):
        app = ApplicationFactory(
            call=programme.call,
            title=f"Extra {index}",
            submitted=True,
            submitted_at=programme.call.opens_at,
        )
        ApplicationTargetFactory(
            application=app, participation=programme.pa, eligibility="eligible"
        )
        app.challenges.add(*programme.pa.challenges.all())


@pytest.mark.parametrize(
    "url", ["/tableau-de-bord/?edition=qmi2", "/tableau-de-bord/communes/alpha/?edition=qmi2"]
)
def test_dashboard_queries_do_not_grow_with_rows(
    client, programme, url, django_assert_max_num_queries
):
    client.force_login(AdminFactory())
    before = _count(client, url)
    _more_rows(programme, 15)
    assert _count(client, url) == before
    with django_assert_max_num_queries(30):
        client.get(url)


def test_public_statistics_queries_do_not_grow_with_rows(
    client, published, django_assert_max_num_queries
):
    url = "/statistiques/qmi2/"
    before = _count(client, url)
    _more_rows(published, 15)
    assert _count(client, url) == before
    with django_assert_max_num_queries(20):
        client.get(url)
