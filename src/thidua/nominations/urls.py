"""URLs of the nominations pages (Vietnamese paths)."""

from django.urls import path  # noqa: F401

app_name = "nominations"

urlpatterns: list = []
