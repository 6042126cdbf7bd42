"""Demo logins (README, "Demo logins"), with their roles."""

from allauth.account.models import EmailAddress

from accounts.models import User
from communes.models import TeamMembership

DEMO_PASSWORD = "qmi-demo-2025"  # noqa: S105 - published demo password, DEBUG only

DEMO_LOGINS = [
    ("admin@qmi.example", "metropolis admin"),
    ("manager.argenteuil@qmi.example", "manager, Argenteuil"),
    ("reviewer.argenteuil@qmi.example", "reviewer, Argenteuil"),
    ("manager.issy@qmi.example", "manager, Issy-les-Moulineaux"),
    ("manager.sucy@qmi.example", "manager, Sucy-en-Brie"),
    ("startup@qmi.example", "candidate (Vélo Vert SAS)"),
    ("startup2@qmi.example", "candidate (Quartier Compost)"),
    ("officer@qmi.example", "programme officer (follows the pilots)"),
]

PEOPLE = {
    "admin@qmi.example": ("Claire Administratrice", {"is_metropolis_admin": True}),
    "manager.argenteuil@qmi.example": ("Marc Responsable", {}),
    "reviewer.argenteuil@qmi.example": ("Rita Évaluatrice", {}),
    "manager.issy@qmi.example": ("Inès Responsable", {}),
    "manager.sucy@qmi.example": ("Simon Responsable", {}),
    "startup@qmi.example": ("Sam Fondateur", {}),
    "startup2@qmi.example": ("Sarah Fondatrice", {}),
    "officer@qmi.example": ("Olivier Chargé de mission", {"is_staff": True}),
}

TEAMS = [
    ("manager.argenteuil@qmi.example", "Argenteuil", TeamMembership.Role.MANAGER),
    ("reviewer.argenteuil@qmi.example", "Argenteuil", TeamMembership.Role.REVIEWER),
    ("manager.issy@qmi.example", "Issy-les-Moulineaux", TeamMembership.Role.MANAGER),
    ("manager.sucy@qmi.example", "Sucy-en-Brie", TeamMembership.Role.MANAGER),
]


def demo_user(email, full_name, **flags):
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(communes):
    """Return {email: User}."""
    users = {}
    for email, (full_name, flags) in PEOPLE.items():
        users[email] = demo_user(email, full_name, **flags)
    admin = users["admin@qmi.example"]
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    for email, commune_name, role in TEAMS:
        TeamMembership.objects.update_or_create(
            user=users[email], commune=communes[commune_name], defaults={"role": role}
        )
    return users
