from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jichitai.accounts"
    label = "accounts"
    verbose_name = "職員アカウント"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .capabilities import forget_roles
        from .models import DisplayRestriction, RoleGrant

        post_save.connect(forget_roles, sender=RoleGrant, dispatch_uid="capabilities.forget_roles.save")
        post_delete.connect(forget_roles, sender=RoleGrant, dispatch_uid="capabilities.forget_roles.delete")
        post_save.connect(forget_roles, sender=DisplayRestriction, dispatch_uid="capabilities.forget_withheld.save")
        post_delete.connect(forget_roles, sender=DisplayRestriction, dispatch_uid="capabilities.forget_withheld.delete")
