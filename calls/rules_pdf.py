"""The rules of a call as a PDF generated from the call's own data (when no rules file
was uploaded): calendar in Paris time, communes, quarters and challenges, eligibility,
documents, how to apply, evaluation criteria and their weights, selection, the pilot
phase, published questions and answers, contact. Texts typed by staff are printed as
typed; the platform's own sentences follow the reader's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from applications.services.attachments import MAX_SIZE
from qmi.dates import paris_datetime
from qmi.pdf import FONT_FAMILY, new_document
from qmi.typography import french_sorted, typeset

BLUE = (29, 79, 145)
GREY = (85, 93, 102)


class RulesDocument:
    def __init__(self, call, participations, criteria, questions):
        self.call = call
        self.participations = participations
        self.criteria = criteria
        self.questions = questions
        self.language = get_language()
        self.pdf = new_document()
        self.pdf.set_auto_page_break(auto=True, margin=22)
        self.pdf.set_margins(18, 18, 18)
        self.pdf.set_title(typeset(_("Règlement – %(title)s") % {"title": call.title}))
        self.pdf.set_author(settings.QMI_PUBLISHER["name"])
        self.pdf.set_creator("QMI")
        self.pdf.set_lang(self.language or "fr")
        self.pdf.alias_nb_pages()
        self.pdf.footer = self.footer
        self.section_number = 0

    # Building blocks.

    def text(self, value):
        return typeset(str(value), self.language)

    def paragraph(self, value, size=10.5, bold=False, colour=None, after=1.5):
        self.pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*(colour or (27, 27, 27)))
        self.pdf.multi_cell(
            0, size * 0.5, self.text(value), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.ln(after)

    def heading(self, value):
        self.section_number += 1
        if self.pdf.will_page_break(20):
            self.pdf.add_page()
        self.pdf.ln(2)
        self.paragraph(f"{self.section_number}. {value}", size=13, bold=True, colour=BLUE, after=1)

    def bullet(self, value, indent=4):
        self.pdf.set_font(FONT_FAMILY, "", 10.5)
        self.pdf.set_text_color(27, 27, 27)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(
            0, 5.25, "– " + self.text(value), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.ln(0.8)

    def footer(self):
        pdf = self.pdf
        pdf.set_y(-14)
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.set_text_color(*GREY)
        generated = paris_datetime(timezone.now())
        pdf.multi_cell(
            0,
            4,
            self.text(
                _("%(title)s – règlement généré par la plateforme le %(date)s")
                % {"title": self.call.title, "date": generated}
            ),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.cell(
            0,
            4,
            _("Page %(page)s sur %(pages)s") % {"page": pdf.page_no(), "pages": "{nb}"},
            align="R",
        )

    # The document.

    def build(self):
        call = self.call
        publisher = settings.QMI_PUBLISHER
        self.pdf.add_page()
        self.paragraph(publisher["name"], size=10, bold=True, colour=BLUE, after=0)
        self.paragraph(_("Quartiers Métropolitains d'Innovation"), size=10, colour=GREY, after=4)
        self.paragraph(_("Règlement de l'appel à projets"), size=18, bold=True, after=1)
        self.paragraph(call.title, size=14, bold=True, colour=BLUE, after=1)
        self.paragraph(str(call.edition), size=10.5, colour=GREY, after=4)

        self.heading(_("Objet"))
        self.paragraph(
            _(
                "Dans chaque édition du programme, quelques communes de la Métropole du Grand "
                "Paris choisissent un quartier d'innovation et les défis qu'elles veulent y "
                "relever. Cet appel invite les entreprises, associations et autres organisations "
                "à proposer des solutions innovantes à expérimenter dans ces quartiers."
            )
        )
        if call.summary:
            self.paragraph(call.summary)

        self.heading(_("Calendrier"))
        self.bullet(_("Ouverture : %(date)s") % {"date": paris_datetime(call.opens_at)})
        self.bullet(_("Date limite de dépôt : %(date)s") % {"date": paris_datetime(call.closes_at)})
        if call.results_published_at:
            self.bullet(
                _("Résultats publiés le %(date)s")
                % {"date": paris_datetime(call.results_published_at)}
            )
        self.paragraph(
            _(
                "Une candidature déposée à la date limite ou après est refusée ; le brouillon "
                "reste intact. Toutes les heures sont données en heure de Paris."
            )
        )

        self.heading(_("Communes, quartiers d'innovation et défis"))
        if not self.participations:
            self.paragraph(_("Les communes seront annoncées prochainement."))
        for participation in self.participations:
            commune = participation.commune
            self.paragraph(
                f"{commune.name} ({commune.department})", size=11.5, bold=True, after=0.5
            )
            self.paragraph(
                _("Quartier d'innovation : %(quarter)s") % {"quarter": participation.quarter_name},
                after=0.5,
            )
            if participation.quarter_description:
                self.paragraph(participation.quarter_description, after=0.5)
            self.paragraph(
                ngettext(
                    "De %(min)s à %(max)s projet retenu.",
                    "De %(min)s à %(max)s projets retenus.",
                    participation.quota_max,
                )
                % {"min": participation.quota_min, "max": participation.quota_max},
                after=0.5,
            )
            for challenge in participation.challenges.all():
                line = challenge.title
                if challenge.description:
                    line += f" – {challenge.description}"
                tags = french_sorted([tag.name for tag in challenge.tags.all()])
                if tags:
                    line += " (" + ", ".join(tags) + ")"
                self.bullet(line)
            self.pdf.ln(1.5)

        self.heading(_("Qui peut candidater ?"))
        self.paragraph(
            call.eligibility
            or _(
                "Start-up, PME, grandes entreprises, associations, coopératives, écoles et "
                "personnes physiques, françaises ou étrangères. Le SIRET n'est demandé qu'aux "
                "organisations françaises."
            )
        )

        self.heading(_("Pièces demandées"))
        if call.required_documents:
            self.paragraph(call.required_documents)
        self.paragraph(
            _(
                "Formats acceptés : PDF, PNG, JPEG, DOCX et XLSX, %(size)s Mo au plus par "
                "fichier ; le type de chaque fichier est vérifié à partir de son contenu."
            )
            % {"size": MAX_SIZE // (1024 * 1024)}
        )

        self.heading(_("Dépôt des candidatures"))
        for line in (
            _(
                "La candidature se dépose en ligne sur la plateforme, après la création d'un "
                "compte et d'une organisation."
            ),
            _("Une organisation dépose une seule candidature par appel."),
            _("Une même candidature peut viser plusieurs communes ; chacune l'évalue séparément."),
            _(
                "Une candidature déposée reste modifiable jusqu'à la date limite ; chaque "
                "modification est conservée."
            ),
            _(
                "Le dépôt donne une référence et un accusé de réception. La candidature peut être "
                "retirée jusqu'à la publication des résultats."
            ),
        ):
            self.bullet(line)

        self.heading(_("Évaluation et sélection"))
        self.paragraph(
            _(
                "L'équipe de chaque commune visée vérifie l'éligibilité des candidatures déposées "
                "puis les évalue, de 0 à 5 pour chaque critère ; la note de chaque candidature "
                "est la moyenne pondérée des critères."
            )
        )
        for criterion in self.criteria:
            line = _("%(name)s (pondération %(weight)s)") % {
                "name": criterion.name,
                "weight": criterion.weight,
            }
            if criterion.description:
                line += f" : {criterion.description}"
            self.bullet(line)
        self.paragraph(
            _(
                "Chaque commune retient entre le nombre minimum et le nombre maximum de projets "
                "indiqués ci-dessus. Les résultats sont publiés par la Métropole du Grand Paris "
                "et chaque candidat en est informé par courriel."
            )
        )

        self.heading(_("Expérimentation"))
        self.paragraph(
            _(
                "Les projets lauréats sont expérimentés dans le quartier d'innovation de la "
                "commune pendant environ 18 mois, avec un chargé de mission de la Métropole sur "
                "place. L'expérimentateur rend compte de l'avancement (lancement, tous les six "
                "mois, bilan final) et répond à une enquête de satisfaction en fin d'édition."
            )
        )

        if self.questions:
            self.heading(_("Questions fréquentes"))
            for question in self.questions:
                self.paragraph(question.question, bold=True, after=0.5)
                self.paragraph(question.answer, after=2)

        self.heading(_("Données personnelles et contact"))
        site = settings.SITE_URL.rstrip("/")
        self.paragraph(
            _(
                "Les données saisies sont traitées pour organiser l'appel à projets, selon les "
                "conditions décrites sur %(url)s."
            )
            % {"url": site + reverse("privacy")}
        )
        self.paragraph(
            _("Questions sur l'appel : %(email)s – %(url)s")
            % {"email": publisher["contact_email"], "url": site + reverse("calls:help")}
        )
        self.paragraph(f"{publisher['name']}, {publisher['address']}", colour=GREY)
        return bytes(self.pdf.output())


def rules_pdf(call):
    """The generated rules document of ``call`` (bytes of a PDF)."""
    from calls.selectors import rules_data

    participations, criteria, questions = rules_data(call)
    return RulesDocument(call, participations, criteria, questions).build()
