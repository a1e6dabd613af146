"""WSGI entry point (gunicorn thidua.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
application = get_wsgi_application()
