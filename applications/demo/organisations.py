"""Demo organisations, one per demo candidate."""

from applications.models import Organisation, OrganisationMembership

ORGANISATIONS = [
    {
        "owner": "startup@qmi.example",
        "name": "Vélo Vert SAS",
        "kind": Organisation.Kind.STARTUP,
        "siret": "73282932000074",
        "website": "https://velovert.example",
        "address": "12 rue de la Mobilité, 93100 Montreuil",
        "size": Organisation.Size.MICRO,
    },
    {
        "owner": "startup2@qmi.example",
        "name": "Quartier Compost",
        "kind": Organisation.Kind.ASSOCIATION,
        "siret": "44306184100047",
        "website": "https://quartiercompost.example",
        "address": "5 allée des Jardins, 94120 Fontenay-sous-Bois",
        "size": Organisation.Size.SMALL,
    },
]


def seed(users):
    """Return {owner email: Organisation}."""
    organisations = {}
    for spec in ORGANISATIONS:
        spec = dict(spec)
        owner = users[spec.pop("owner")]
        organisation, _ = Organisation.objects.get_or_create(
            siret=spec["siret"],
            defaults={**spec, "contact_name": owner.full_name, "contact_email": owner.email},
        )
        OrganisationMembership.objects.get_or_create(
            organisation=organisation,
            user=owner,
            defaults={"role": OrganisationMembership.Role.OWNER},
        )
        organisations[owner.email] = organisation
    return organisations
