from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret


def validate_siret(value):
    """A French SIRET: 14 ASCII digits and a valid checksum (La Poste's rule included).

    python-stdnum does the checking: it refuses "²", Arabic-Indic digits and
    every other character that ``str.isdigit`` would let through.
    """
    value = "".join((value or "").split())
    if not value:
        return
    try:
        siret.validate(value)
    except stdnum_errors.InvalidChecksum as error:
        raise ValidationError(
            _("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."), code="siret_checksum"
        ) from error
    except stdnum_errors.ValidationError as error:
        raise ValidationError(
            _("Un SIRET compte exactement 14 chiffres."), code="siret_length"
        ) from error
