import phonenumbers
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


PHONE_DEFAULT_REGION = "FR"


def phone_to_e164(value, region=PHONE_DEFAULT_REGION):
    """A phone number typed as people type it ("01 23 45 67 89", "+44 20 7946 0958"),
    as E.164 ("+33123456789"); ValidationError when it is not a possible number.

    ``region``: the country a number without "+" is read in (France by default).
    """
    try:
        number = phonenumbers.parse(value, region or PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Ce numéro de téléphone n'est pas valide : saisissez-le par exemple sous la "
                "forme 01 23 45 67 89, ou avec l'indicatif du pays hors de France "
                "(+32 2 511 22 33)."
            ),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value):
    """Model validator: an empty value or a valid number (stored in E.164)."""
    if value:
        phone_to_e164(value)
