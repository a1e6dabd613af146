"""URLs of the report pages (Vietnamese paths, as elsewhere)."""

from django.urls import path

from thidua.reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.index, name="index"),
    path("bao-cao/bieu-do/<slug:key>.xlsx", views.chart_data, name="chart_data"),
    path("bao-cao/da-lap/", views.jobs, name="jobs"),
    path("bao-cao/da-lap/them/", views.job_create, name="job_create"),
    path("bao-cao/da-lap/<str:code>/tai-ve/", views.job_download, name="job_download"),
    path("bao-cao/mau/", views.template_upload, name="template"),
    path("bao-cao/mau/mac-dinh.docx", views.template_default, name="template_default"),
]
