"""Full benchmarking: two lists of must-pass indicators instead of one flag, both scores kept.

Until now one flag, ``minimum_requirement``, served as the BRONZE eligibility criterion and the
GOLD minimum requirement at once; existing versions keep that meaning (an indicator that was a
minimum requirement becomes both, a GOLD minimum only where it is in the GOLD set). The old
single score was the score of the requested level's set; it is kept as the GOLD score of
recommendations, whose benchmarking score is unknown (empty) for those computed before.
"""

from django.db import migrations, models
from django.db.models import F


def split_minimum_requirements(apps, schema_editor):
    Indicator = apps.get_model("assessments", "Indicator")
    Indicator.objects.filter(minimum_requirement=True).update(bronze_eligibility=True)
    Indicator.objects.filter(minimum_requirement=True, in_gold_set=True).update(gold_minimum=True)


def join_minimum_requirements(apps, schema_editor):
    Indicator = apps.get_model("assessments", "Indicator")
    Indicator.objects.update(minimum_requirement=F("bronze_eligibility"))
    Indicator.objects.filter(gold_minimum=True).update(minimum_requirement=True)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_conflict_declaration_record")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="bronze_eligibility",
            field=models.BooleanField(
                default=False,
                help_text="Every label needs it met (the ECCP profile minimums).",
                verbose_name="BRONZE eligibility criterion",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="gold_minimum",
            field=models.BooleanField(
                default=False,
                help_text="SILVER and GOLD need it met.",
                verbose_name="GOLD minimum requirement",
            ),
        ),
        migrations.RunPython(split_minimum_requirements, join_minimum_requirements),
        migrations.RemoveField(model_name="indicator", name="minimum_requirement"),
        migrations.RemoveField(model_name="indicator", name="in_bronze_set"),
        migrations.RenameField(
            model_name="recommendation", old_name="score_pct", new_name="gold_score_pct"
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="gold_score_pct",
            field=models.DecimalField(
                decimal_places=2,
                help_text="On the GOLD set, rounded down to two decimals.",
                max_digits=5,
                verbose_name="GOLD score (%)",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="benchmark_score_pct",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="On every indicator, rounded down to two decimals.",
                max_digits=5,
                null=True,
                verbose_name="benchmarking score (%)",
            ),
        ),
    ]
