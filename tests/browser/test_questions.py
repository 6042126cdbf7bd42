"""Questions to candidates in the browser: a reviewer asks from the application page, the
candidate answers with a file on its application page, the team reads the answer; commune B
sees nothing. Every page is checked (axe-core, 390 and 1280 px, French typography)."""

from questions.models import Answer, Question
from tests.applications.candidate_factories import PDF_BYTES
from tests.applications.staff_helpers import World
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def _switch_user(site, user):
    site.page.context.clear_cookies()
    log_in(site, user.email, PASSWORD)


def _submit(site, name):
    site.page.get_by_role("button", name=name).click()
    site.page.wait_for_load_state("load")
    site.check()


def test_question_journey(site, transactional_db, tmp_path):
    world = World(closed=True)
    target_a, target_b = world.application(world.a, world.b)
    application = target_a.application
    member = application.organisation.members.first()

    # 1. A reviewer of commune A asks from the application page.
    _switch_user(site, world.reviewer_a)
    site.goto(f"/equipe/candidature/{target_a.pk}/")
    site.page.get_by_label("Votre question au candidat").fill("Combien de vélos cargo ?")
    _submit(site, "Poser la question")
    question = Question.objects.get()
    assert "Combien de vélos cargo" in site.page.locator("#questions").inner_text()
    site.goto(f"/questions/equipe/{target_a.pk}/")

    # 2. The candidate answers on its application page, with a PDF.
    _switch_user(site, member)
    site.goto(f"/candidatures/{application.pk}/")
    site.page.get_by_label("Votre réponse").fill("Douze vélos, garés à la maison de quartier.")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(PDF_BYTES)
    site.page.get_by_label("Pièces jointes (facultatives)").set_input_files(str(plan))
    _submit(site, "Envoyer la réponse")
    answer = Answer.objects.get()
    assert answer.attachments.get().original_name == "plan.pdf"
    assert "Douze vélos" in site.page.locator("#questions").inner_text()
    site.goto(f"/questions/{question.pk}/")
    site.goto(f"/questions/candidature/{application.pk}/")

    # 3. The team reads the answer and its file.
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/candidature/{target_a.pk}/")
    thread = site.page.locator("#questions").inner_text()
    assert "Douze vélos" in thread and "plan.pdf" in thread

    # 4. Commune B's team sees nothing of it on the same application.
    _switch_user(site, world.reviewer_b)
    site.goto(f"/equipe/candidature/{target_b.pk}/")
    assert "Combien de vélos cargo" not in site.page.content()
    response = site.page.goto(site.base_url + f"/questions/{question.pk}/")
    assert response.status == 404
