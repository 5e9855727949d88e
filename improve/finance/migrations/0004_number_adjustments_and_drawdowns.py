"""Number each programme's adjustments and draw-downs 1, 2, … in the order recorded (the workbook's key)."""

from typing import Any

from django.db import migrations, models


def number(apps: Any, schema_editor: Any) -> None:
    for name, order in (("Adjustment", ("created_at", "pk")), ("ContingencyDrawdown", ("approved_on", "pk"))):
        model = apps.get_model("finance", name)
        counts: dict[int, int] = {}
        for row in model.objects.order_by("programme_id", *order):
            counts[row.programme_id] = counts.get(row.programme_id, 0) + 1
            row.number = counts[row.programme_id]
            row.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [("finance", "0003_merge_trajectory_and_savings")]

    operations = [
        migrations.AddField(model_name="adjustment", name="number", field=models.PositiveIntegerField(null=True)),
        migrations.AddField(
            model_name="contingencydrawdown", name="number", field=models.PositiveIntegerField(null=True)
        ),
        migrations.RunPython(number, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="adjustment",
            name="number",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Numbered 1, 2, … in the programme in the order recorded (the workbook's key)",
            ),
        ),
        migrations.AlterField(
            model_name="contingencydrawdown",
            name="number",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Numbered 1, 2, … in the programme in the order recorded (the workbook's key)",
            ),
        ),
        migrations.AlterModelOptions(name="adjustment", options={"ordering": ["number"]}),
        migrations.AlterModelOptions(name="contingencydrawdown", options={"ordering": ["approved_on", "number"]}),
        migrations.AddConstraint(
            model_name="adjustment",
            constraint=models.UniqueConstraint(fields=("programme", "number"), name="finance_adjustment_number_unique"),
        ),
        migrations.AddConstraint(
            model_name="contingencydrawdown",
            constraint=models.UniqueConstraint(fields=("programme", "number"), name="finance_drawdown_number_unique"),
        ),
    ]
