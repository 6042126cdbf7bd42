from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share the SIREN 356000000; their SIRETs do not
# pass the Luhn check, but their digit sum is a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_is_valid(value):
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return luhn_is_valid(value) or sum(int(c) for c in value) % 5 == 0
    return luhn_is_valid(value)


def validate_siret(value):
    value = "".join((value or "").split())
    if not value:
        return
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres."), code="siret_length")
    if not siret_is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."), code="siret_checksum"
        )
