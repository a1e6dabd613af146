"""URLs of the nominations pages (Vietnamese paths: they are read aloud and typed by users)."""

from django.urls import path

from thidua.nominations import views

app_name = "nominations"

urlpatterns = [
    path("ho-so/", views.index, name="index"),
    path("ho-so/them/", views.dossier_create, name="create"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/sua/", views.dossier_edit, name="edit"),
    path("ho-so/<int:pk>/ung-vien/them/", views.candidate_add, name="candidate_add"),
    path("ho-so/<int:pk>/ung-vien/<int:cid>/", views.candidate_edit, name="candidate_edit"),
    path("ho-so/<int:pk>/ung-vien/<int:cid>/bo/", views.candidate_remove, name="candidate_remove"),
    path("ho-so/<int:pk>/tep/", views.attachment_add, name="attachment_add"),
    path("ho-so/<int:pk>/tep/<int:aid>/", views.attachment_download, name="attachment"),
    path("ho-so/<int:pk>/tep/<int:aid>/xoa/", views.attachment_remove, name="attachment_remove"),
    path("ho-so/<int:pk>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("ho-so/<int:pk>/gop-y/<int:comment_id>/", views.comment_handle, name="comment_handle"),
    path("ho-so/goi-y-don-vi/", views.unit_suggest, name="unit_suggest"),
    path("cong-khai/", views.public_list, name="public_list"),
    path("cong-khai/<uuid:code>/", views.public_dossier, name="public_dossier"),
]
