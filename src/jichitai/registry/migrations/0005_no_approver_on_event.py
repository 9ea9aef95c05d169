"""[530]#7: the 異動 keeps no approver and no approval date; the operation log has them
(audit ``registry.event.approved`` / ``rejected``: staff, time, 本登録順). The 本登録 time stays,
renamed for what it is: as-of queries ask what the register knew at a moment."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_event_touches")]

    operations = [
        migrations.RemoveField(model_name="registryevent", name="approved_by"),
        migrations.RenameField(model_name="registryevent", old_name="approved_at", new_name="registered_at"),
        migrations.AlterField(
            model_name="registryevent", name="registered_at",
            field=models.DateTimeField("本登録日時", null=True),
        ),
    ]
