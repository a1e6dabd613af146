"""URLs of the awards pages (Vietnamese paths: they are read aloud and typed by users)."""

from django.urls import path

from thidua.awards import views

app_name = "awards"

urlpatterns = [
    path("khen-thuong/danh-muc/", views.catalogue, name="catalogue"),
    path("khen-thuong/danh-muc/them/", views.local_type_create, name="local_type_create"),
    path("khen-thuong/danh-muc/<str:code>/", views.catalogue_detail, name="catalogue_detail"),
    path("khen-thuong/so/", views.registry, name="registry"),
    path("khen-thuong/so/xuat/", views.registry_export, name="registry_export"),
    path("khen-thuong/so/them/", views.record_create, name="record_create"),
    path("khen-thuong/so/nhap/", views.record_import, name="record_import"),
    path("khen-thuong/so/nhap/mau/", views.record_import_template, name="record_import_template"),
    path("khen-thuong/so/goi-y-ca-nhan/", views.person_suggest, name="person_suggest"),
    path("khen-thuong/so/<int:pk>/", views.record_detail, name="record"),
    path("khen-thuong/xet-dieu-kien/", views.eligibility, name="eligibility"),
]
