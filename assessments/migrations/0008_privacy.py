# Evidence rows keep their record when the retention period removes their file.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="file removed"),
        ),
    ]
