"""Pages for importing and exporting people and units."""

from django.urls import path

from thidua.directory import views_imports as views

app_name = "imports"

urlpatterns = [
    path("nhap-du-lieu/", views.index, name="index"),
    path("nhap-du-lieu/mau/<str:kind>/", views.template, name="template"),
    path("nhap-du-lieu/<int:pk>/", views.job, name="job"),
    path("xuat-du-lieu/<str:kind>/", views.export, name="export"),
]
