from django.urls import include, path

urlpatterns = [
    path("", include("improve.accounts.urls")),
    path("", include("improve.interchange.urls")),
    path("", include("improve.interchange.api.urls")),
    path("", include("improve.programmes.urls")),
    path("", include("improve.governance.urls")),
    path("", include("improve.raid.urls")),
    path("", include("improve.finance.urls")),
    path("", include("improve.reporting.urls")),
    path("", include("improve.demand.urls")),
]
