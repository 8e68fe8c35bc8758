"""A label keeps both scores of its decision: the GOLD score and the benchmarking score.

Until now a label kept one score, that of the level's own indicator set: GOLD and SILVER labels
were scored on the GOLD set, BRONZE labels on every indicator. Each old score moves into the
field of that set; the other stays empty (it was never computed for that label).
"""

from django.db import migrations, models
from django.db.models import F

GOLD_SET_LEVELS = ["gold", "silver"]


def move_score_by_level(apps, schema_editor):
    Label = apps.get_model("reports", "Label")
    Label.objects.filter(level__in=GOLD_SET_LEVELS).update(gold_score_pct=F("score_pct"))
    Label.objects.exclude(level__in=GOLD_SET_LEVELS).update(benchmark_score_pct=F("score_pct"))


def join_score_by_level(apps, schema_editor):
    Label = apps.get_model("reports", "Label")
    Label.objects.filter(level__in=GOLD_SET_LEVELS).update(score_pct=F("gold_score_pct"))
    Label.objects.exclude(level__in=GOLD_SET_LEVELS).update(score_pct=F("benchmark_score_pct"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="label",
            name="gold_score_pct",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="On the GOLD set, rounded down to two decimals.",
                max_digits=5,
                null=True,
                verbose_name="GOLD score (%)",
            ),
        ),
        migrations.AddField(
            model_name="label",
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
        migrations.RunPython(move_score_by_level, join_score_by_level),
        migrations.RemoveField(model_name="label", name="score_pct"),
    ]
