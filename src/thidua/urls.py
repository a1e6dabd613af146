from django.urls import include, path

from thidua.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("thidua.core.urls")),
    path("", include("thidua.accounts.urls")),
    path("", include("thidua.directory.urls")),
    path("", include("thidua.directory.urls_imports")),
    path("", include("thidua.awards.urls")),
    path("", include("thidua.movements.urls")),
    path("", include("thidua.nominations.urls")),
    path("", include("thidua.council.urls")),
    path("", include("thidua.decisions.urls")),
    path("", include("thidua.contests.urls")),
    path("", include("thidua.reports.urls")),
]
