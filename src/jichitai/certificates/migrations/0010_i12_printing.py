from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0009_i12_authority"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuance",
            name="tray",
            field=models.CharField(blank=True, max_length=50, verbose_name="トレー（ホッパ）"),
        ),
    ]
