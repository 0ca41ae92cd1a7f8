"""One village, one advisor at a time: enforced by PostgreSQL itself with an exclusion constraint.

SQLite has no such constraint; there the model's clean() (run by every service and admin form) is the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE advisors_agreement ADD CONSTRAINT agreement_village_no_overlap
    EXCLUDE USING gist (village_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
    WHERE (status <> 'draft');
"""
DROP = "ALTER TABLE advisors_agreement DROP CONSTRAINT IF EXISTS agreement_village_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("advisors", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
