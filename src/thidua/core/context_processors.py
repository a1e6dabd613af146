from django.conf import settings
from django.http import HttpRequest

import thidua


def site(request: HttpRequest) -> dict[str, object]:
    return {"THIDUA_VERSION": thidua.__version__, "DEBUG": settings.DEBUG}
