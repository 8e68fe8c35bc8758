"""The registry's indexes: organisations by name, and by country then name (both databases);
on PostgreSQL, trigram indexes that find a part of a name or legal name (what ``icontains``
asks: ``UPPER(name) LIKE UPPER('%part%')``) without reading every organisation."""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "organisation_name_trgm": "name",
    "organisation_legal_name_trgm": "legal_name",
}


class OnPostgreSQL(migrations.RunSQL):
    """SQL that only PostgreSQL knows (an extension, GIN indexes); nothing elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("labelling", "0017_organisation_language"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name"], name="organisation_name"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["country", "name"], name="organisation_country_name"),
        ),
        # pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may
        # create it without being a superuser.
        OnPostgreSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *(
            OnPostgreSQL(
                f"CREATE INDEX {index} ON labelling_organisation "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
                f"DROP INDEX {index}",
            )
            for index, column in TRIGRAM_INDEXES.items()
        ),
    ]
