"""Organisations wait for the secretariat's confirmation when their managers registered them.
Every organisation that exists already was registered by the secretariat or known to it (no one
could sign up before): it is confirmed."""

import django_fsm
from django.db import migrations


def confirm_existing_organisations(apps, schema_editor):
    Organisation = apps.get_model("labelling", "Organisation")
    Organisation.objects.update(state="confirmed")


class Migration(migrations.Migration):
    dependencies = [
        ("labelling", "0012_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="state",
            field=django_fsm.FSMField(
                choices=[
                    ("unconfirmed", "Waiting for the secretariat's confirmation"),
                    ("confirmed", "Confirmed by the secretariat"),
                ],
                db_index=True,
                default="unconfirmed",
                max_length=50,
                protected=True,
                verbose_name="confirmation",
            ),
        ),
        migrations.RunPython(confirm_existing_organisations, migrations.RunPython.noop),
    ]
