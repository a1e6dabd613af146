"""URLs of the directory pages (Vietnamese paths: they are read aloud and typed by users)."""

from django.urls import path

from thidua.directory import views

app_name = "directory"

urlpatterns = [
    path("don-vi/", views.unit_tree, name="units"),
    path("don-vi/goi-y/", views.unit_suggest, name="unit_suggest"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit"),
    path("don-vi/<int:pk>/con/", views.unit_children, name="unit_children"),
    path("ca-nhan/", views.people_list, name="people"),
    path("ca-nhan/them/", views.person_create, name="person_create"),
    path("ca-nhan/<int:pk>/", views.person_detail, name="person"),
    path("ca-nhan/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("ca-nhan/<int:pk>/chuyen/", views.person_move, name="person_move"),
    path("khoi-cum/", views.group_list, name="groups"),
    path("khoi-cum/<int:pk>/", views.group_detail, name="group"),
]
