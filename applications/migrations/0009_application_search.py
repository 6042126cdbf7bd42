"""Full-text search: a search document per targeted commune's row.

On PostgreSQL only: the ``unaccent`` extension, a ``french_unaccent`` text search
configuration (French stemming after removing accents) and a GIN index over the
same tsvector expression the search uses. Other databases get the plain columns
and the accent-insensitive fallback of applications.selectors.search.
"""

from django.db import migrations, models

INDEX = "target_search_gin_idx"
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    f"""
    CREATE INDEX IF NOT EXISTS {INDEX} ON applications_applicationtarget
    USING gin (to_tsvector('french_unaccent'::regconfig, COALESCE(search_text, '')))
    """,
]
POSTGRES_DOWN = [f"DROP INDEX IF EXISTS {INDEX}"]


def postgres_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_UP:
            schema_editor.execute(sql)


def postgres_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DOWN:
            schema_editor.execute(sql)


def backfill(apps, schema_editor):
    from applications.selectors.search import document, fold

    Application = apps.get_model("applications", "Application")
    ApplicationTarget = apps.get_model("applications", "ApplicationTarget")
    for application in (
        Application.objects.exclude(state="draft").select_related("organisation").iterator()
    ):
        challenges = {}
        for participation_id, title in application.challenges.values_list(
            "participation_id", "title"
        ):
            challenges.setdefault(participation_id, []).append(title)
        for target in ApplicationTarget.objects.filter(application=application):
            text = document(
                application,
                target,
                application.organisation.name,
                challenges.get(target.participation_id, []),
            )
            ApplicationTarget.objects.filter(pk=target.pk).update(
                search_text=text, search_folded=fold(text)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_merge_20261127_1907"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationtarget",
            name="search_folded",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="applicationtarget",
            name="search_text",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(postgres_up, postgres_down),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
