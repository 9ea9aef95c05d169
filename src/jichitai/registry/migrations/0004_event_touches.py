from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_household_member_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="registryevent",
            name="touches",
            field=models.JSONField(default=dict, verbose_name="対象"),
        ),
    ]
