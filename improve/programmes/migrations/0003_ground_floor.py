"""The ground floor: base fields on every model, archiving, the status date, and members here.

Memberships used to live in the accounts app. A database made before this migration still has
its ``accounts_membership`` tables: their rows are copied here and the old tables dropped. A new
database has no such tables and nothing is copied.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

import improve.core.validators


def _user_fk(name):
    return migrations.AddField(
        model_name=name[0],
        name=name[1],
        field=models.ForeignKey(
            blank=True,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.SET_NULL,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
        ),
    )


def _timestamps(model, *, created_by=True, rename_updated=False, created_at=True):
    ops = []
    if created_at:
        ops.append(
            migrations.AddField(
                model_name=model,
                name="created_at",
                field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
                preserve_default=False,
            )
        )
    if rename_updated:
        ops.append(migrations.RenameField(model_name=model, old_name="updated_at", new_name="modified_at"))
    else:
        ops.append(
            migrations.AddField(
                model_name=model,
                name="modified_at",
                field=models.DateTimeField(auto_now=True),
            )
        )
    if created_by:
        ops.append(_user_fk((model, "created_by")))
    ops.append(_user_fk((model, "modified_by")))
    return ops


def _archive(model):
    return [
        migrations.AddField(
            model_name=model, name="archived_at", field=models.DateTimeField(blank=True, editable=False, null=True)
        ),
        _user_fk((model, "archived_by")),
        migrations.AddField(
            model_name=model, name="archive_reason", field=models.CharField(blank=True, editable=False, max_length=300)
        ),
    ]


def archived_flag_to_date(apps, schema_editor):
    PlanItem = apps.get_model("programmes", "PlanItem")
    PlanItem._base_manager.filter(archived=True).update(archived_at=models.F("modified_at"))


def release_old_names(apps, schema_editor):
    """On PostgreSQL a constraint's name is taken across the schema: free the old table's."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or "accounts_membership" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE accounts_membership RENAME CONSTRAINT one_membership_per_programme "
            "TO accounts_membership_before_ground_floor"
        )


def adopt_memberships(apps, schema_editor):
    """Copy memberships from the accounts app's old tables, if this database has them."""
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    if "accounts_membership" not in tables:
        return
    qn = schema_editor.quote_name
    now = django.utils.timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn('programmes_membership')} (id, user_id, programme_id, role, created_at, modified_at) "
            f"SELECT id, user_id, programme_id, role, %s, %s FROM {qn('accounts_membership')}",
            [now, now],
        )
        if "accounts_membership_strands" in tables:
            cursor.execute(
                f"INSERT INTO {qn('programmes_membership_strands')} (id, membership_id, strand_id) "
                f"SELECT id, membership_id, strand_id FROM {qn('accounts_membership_strands')}"
            )
            cursor.execute(f"DROP TABLE {qn('accounts_membership_strands')}")
        cursor.execute(f"DROP TABLE {qn('accounts_membership')}")
        Membership = apps.get_model("programmes", "Membership")
        for sql in connection.ops.sequence_reset_sql(no_style(), [Membership, Membership.strands.through]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_field_validators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # the programme
        *_timestamps("programme", rename_updated=True, created_at=False),
        migrations.AddField(
            model_name="programme",
            name="status_date",
            field=models.DateField(
                blank=True,
                help_text="The date progress is reported as at; overdue and slippage are judged against it.",
                null=True,
                validators=[improve.core.validators.validate_plan_date],
                verbose_name="status date",
            ),
        ),
        migrations.AlterField(
            model_name="programme", name="version", field=models.PositiveIntegerField(default=1, editable=False)
        ),
        # the definition
        *_timestamps("owner"),
        *_archive("owner"),
        *_timestamps("strand"),
        *_archive("strand"),
        *_timestamps("stage"),
        *_archive("stage"),
        *_timestamps("project"),
        *_archive("project"),
        # plan items: the archived flag becomes archived at / by / reason
        *_timestamps("planitem", rename_updated=True),
        *_archive("planitem"),
        migrations.RunPython(archived_flag_to_date, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="planitem", name="programmes__program_f61a6a_idx"),
        migrations.RemoveField(model_name="planitem", name="archived"),
        migrations.AddIndex(
            model_name="planitem",
            index=models.Index(fields=["programme", "archived_at", "order"], name="item_current_order"),
        ),
        migrations.AlterField(
            model_name="planitem", name="version", field=models.PositiveIntegerField(default=1, editable=False)
        ),
        # dependencies and baselines
        *_timestamps("dependency"),
        *_timestamps("baseline", created_by=False),
        migrations.AlterField(
            model_name="baseline",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        *_archive("baseline"),
        # members move here from accounts
        migrations.RunPython(release_old_names, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("modified_at", models.DateTimeField(auto_now=True)),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("sro", "Senior Responsible Owner"),
                            ("programme_manager", "Programme manager"),
                            ("pmo_officer", "PMO officer"),
                            ("workstream_lead", "Workstream lead"),
                            ("finance_lead", "Finance lead"),
                            ("analyst", "Analyst"),
                            ("board_member", "Board member"),
                            ("viewer", "Viewer"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "modified_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="programmes.programme",
                    ),
                ),
                ("strands", models.ManyToManyField(blank=True, related_name="leads", to="programmes.strand")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "programme"), name="one_membership_per_programme")
                ],
            },
        ),
        migrations.RunPython(adopt_memberships, migrations.RunPython.noop),
    ]
