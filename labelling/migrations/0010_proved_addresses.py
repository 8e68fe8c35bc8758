"""Every account made before allauth has its e-mail address proved: the secretariat created it
and its credentials reached the person through that address. Without the row, allauth's
mandatory verification would stop each of them at their next log-in."""

from django.db import migrations


def prove_existing_addresses(apps, schema_editor):
    User = apps.get_model("labelling", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=user_id, email=email.lower(), primary=True, verified=True)
        for user_id, email in User.objects.exclude(email="").values_list("id", "email")
        if user_id not in known
    )


class Migration(migrations.Migration):
    dependencies = [
        ("labelling", "0005_outbox"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(prove_existing_addresses, migrations.RunPython.noop)]
