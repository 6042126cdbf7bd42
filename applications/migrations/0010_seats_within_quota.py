"""A selected project's seat is never above its commune's quota_max.

With the unique (participation, seat) constraint this makes "more selected than
quota_max" impossible in the database itself, whatever writes: a seat above the
maximum cannot be taken, and quota_max cannot be lowered below a held seat.
A CHECK constraint cannot read another table, hence triggers. On PostgreSQL
the seat trigger reads quota_max FOR SHARE, so a selection and a concurrent
lowering of the quota wait for each other instead of both passing.
"""

from django.db import migrations

MESSAGE = "selection seat above the commune quota_max"

SQLITE = [
    f"""
    CREATE TRIGGER seat_within_quota_insert
    BEFORE INSERT ON applications_applicationtarget
    FOR EACH ROW WHEN NEW.selection_slot IS NOT NULL AND NEW.selection_slot >
        (SELECT quota_max FROM calls_participation WHERE id = NEW.participation_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER seat_within_quota_update
    BEFORE UPDATE OF selection_slot, participation_id ON applications_applicationtarget
    FOR EACH ROW WHEN NEW.selection_slot IS NOT NULL AND NEW.selection_slot >
        (SELECT quota_max FROM calls_participation WHERE id = NEW.participation_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER quota_above_held_seats
    BEFORE UPDATE OF quota_max ON calls_participation
    FOR EACH ROW WHEN EXISTS (
        SELECT 1 FROM applications_applicationtarget
        WHERE participation_id = NEW.id AND selection_slot > NEW.quota_max)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS seat_within_quota_insert;",
    "DROP TRIGGER IF EXISTS seat_within_quota_update;",
    "DROP TRIGGER IF EXISTS quota_above_held_seats;",
]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION qmi_seat_within_quota() RETURNS trigger AS $$
    DECLARE maximum integer;
    BEGIN
        IF NEW.selection_slot IS NULL THEN RETURN NEW; END IF;
        SELECT quota_max INTO maximum FROM calls_participation
            WHERE id = NEW.participation_id FOR SHARE;
        IF NEW.selection_slot > maximum THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER seat_within_quota
    BEFORE INSERT OR UPDATE OF selection_slot, participation_id
    ON applications_applicationtarget
    FOR EACH ROW EXECUTE FUNCTION qmi_seat_within_quota();
    """,
    f"""
    CREATE OR REPLACE FUNCTION qmi_quota_above_held_seats() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM applications_applicationtarget
                   WHERE participation_id = NEW.id AND selection_slot > NEW.quota_max) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER quota_above_held_seats
    BEFORE UPDATE OF quota_max ON calls_participation
    FOR EACH ROW EXECUTE FUNCTION qmi_quota_above_held_seats();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS seat_within_quota ON applications_applicationtarget;",
    "DROP TRIGGER IF EXISTS quota_above_held_seats ON calls_participation;",
    "DROP FUNCTION IF EXISTS qmi_seat_within_quota();",
    "DROP FUNCTION IF EXISTS qmi_quota_above_held_seats();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_merge_20261127_1921"),
        ("calls", "0003_alter_call_edition_alter_historicalcall_edition_and_more"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
