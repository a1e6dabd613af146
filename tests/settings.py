"""Test settings: the production settings with fast hashing, inline tasks and a throw-away data dir."""

import os
import tempfile

os.environ.setdefault("THIDUA_DATA_DIR", tempfile.mkdtemp(prefix="thidua-test-"))

from thidua.settings import *  # noqa: F403
from thidua.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
