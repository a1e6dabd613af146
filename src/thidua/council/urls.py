"""URLs of the council pages (Vietnamese paths)."""

from django.urls import path

from thidua.council import views

app_name = "council"

urlpatterns: list = [
    path("hoi-dong/", views.index, name="index"),
    path("hoi-dong/moi/", views.council_form, name="council_create"),
    path("hoi-dong/<int:pk>/", views.council_detail, name="council"),
    path("hoi-dong/<int:pk>/quy-che/", views.council_form, name="council_edit"),
    path("hoi-dong/phien/moi/", views.session_create, name="session_create"),
    path("hoi-dong/phien/<int:pk>/", views.session_detail, name="session"),
    path("hoi-dong/phien/<int:pk>/sua/", views.session_edit, name="session_edit"),
    path("hoi-dong/phien/<int:pk>/xoa/", views.session_delete, name="session_delete"),
    path("hoi-dong/thanh-vien/<int:pk>/ket-thuc/", views.member_end, name="member_end"),
    path("hoi-dong/phien/<int:pk>/bo-phieu/", views.ballot_page, name="ballot_page"),
    path("hoi-dong/phien/<int:pk>/ket-qua/", views.results, name="results"),
    path("hoi-dong/phien/<int:pk>/bien-ban.docx", views.minutes_docx, name="minutes"),
    path("hoi-dong/phien/<int:pk>/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
]
