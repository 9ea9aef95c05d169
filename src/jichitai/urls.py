"""Root URL configuration: web UI, accounts, audit and the API."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("jichitai.accounts.urls")),
    path("audit/", include("jichitai.audit.urls")),
    path("registry/", include("jichitai.web.registry.urls")),
    path("tax/", include("jichitai.web.tax.urls")),
    path("certificates/", include("jichitai.web.certificates.urls")),
    path("staff/", include("jichitai.web.staff.urls")),
    path("seals/", include("jichitai.web.seals.urls")),
    path("migration/", include("jichitai.web.migration.urls")),
    path("continuity/", include("jichitai.web.continuity.urls")),
    path("api/", include("jichitai.api.urls")),
    path("verify/", include("jichitai.certificates.verify.urls")),  # public: no personal data
    path("", include("jichitai.web.urls")),
]

handler400 = "jichitai.web.views.error_400"
handler403 = "jichitai.web.views.error_403"
handler404 = "jichitai.web.views.error_404"
handler500 = "jichitai.web.views.error_500"
