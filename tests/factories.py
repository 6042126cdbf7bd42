"""Factories shared by the whole suite."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from applications.models import (
    Application,
    ApplicationTarget,
    Organisation,
    OrganisationMembership,
    Review,
)
from calls.models import Call, Challenge, Criterion, Edition, Participation
from communes.models import Commune, TeamMembership

PASSWORD = "a-Strong-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    preferred_language = "fr"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class AdminFactory(UserFactory):
    is_metropolis_admin = True


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    insee_code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    department = "Seine-Saint-Denis"


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    commune = factory.SubFactory(CommuneFactory)
    role = TeamMembership.Role.REVIEWER


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    number = factory.Sequence(lambda n: n + 10)
    code = factory.LazyAttribute(lambda o: f"QMI{o.number}")
    name = factory.LazyAttribute(lambda o: f"Édition {o.number}")
    slug = factory.LazyAttribute(lambda o: f"qmi{o.number}")
    starts_on = datetime.date(2025, 1, 1)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open now, closing in 10 days."""

    class Meta:
        model = Call

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    published_at = factory.LazyFunction(timezone.now)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    call = factory.SubFactory(CallFactory)
    edition = factory.LazyAttribute(lambda o: o.call.edition if o.call else EditionFactory())
    commune = factory.SubFactory(CommuneFactory)
    quarter_name = factory.LazyAttribute(lambda o: f"Quartier de {o.commune.name}")
    quota_min = 6
    quota_max = 8


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    participation = factory.SubFactory(ParticipationFactory)
    title = factory.Sequence(lambda n: f"Défi {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Critère {n}")
    weight = 1
    order = factory.Sequence(lambda n: n)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.STARTUP
    country = "FR"
    siret = ""  # factories skip full_clean; set a valid one where a test needs it


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationMembership.Role.OWNER


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    summary = "Un projet pour le quartier."

    class Params:
        submitted = factory.Trait(
            state=Application.State.SUBMITTED,
            reference=factory.Sequence(lambda n: f"T-{n:05d}"),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class ApplicationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationTarget
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    participation = factory.SubFactory(
        ParticipationFactory, call=factory.SelfAttribute("..application.call")
    )

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        """Submitted applications are indexed for search, as submission does."""
        if create and self.application.state != "draft":
            from applications.services.search import index_application

            index_application(self.application)
            self.refresh_from_db(fields=["search_text", "search_folded"])


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    target = factory.SubFactory(ApplicationTargetFactory)
    reviewer = factory.SubFactory(UserFactory)
