from django.db import migrations


class Migration(migrations.Migration):
    """Changes nothing: its only effect is to be unapplied."""

    operations: list[migrations.operations.base.Operation] = []
