from django.urls import include, path

from thidua.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("thidua.core.urls")),
    path("", include("thidua.accounts.urls")),
    path("", include("thidua.directory.urls")),
    path("", include("thidua.directory.urls_imports")),
    path("", include("thidua.awards.urls")),
]
