"""URLs of the decisions pages (Vietnamese paths) and the public verification page."""

from django.urls import path

from thidua.decisions import views

app_name = "decisions"

urlpatterns = [
    path("quyet-dinh/", views.index, name="index"),
    path("quyet-dinh/du-thao/", views.draft, name="draft"),
    path("quyet-dinh/nhap-danh-sach/", views.draft_manual, name="draft_manual"),
    path("quyet-dinh/mau-giay-chung-nhan/", views.templates_index, name="templates"),
    path("quyet-dinh/mau-giay-chung-nhan/<str:code>/", views.template_edit, name="template_edit"),
    path("quyet-dinh/thu-hoi-tien-thuong/", views.recovery, name="recovery"),
    path("quyet-dinh/<int:pk>/", views.detail, name="detail"),
    path("quyet-dinh/<int:pk>/sua/", views.edit, name="edit"),
    path("quyet-dinh/<int:pk>/ky/", views.sign, name="sign"),
    path("quyet-dinh/<int:pk>/ban-hanh/", views.issue, name="issue"),
    path("quyet-dinh/<int:pk>/huy-du-thao/", views.cancel, name="cancel"),
    path("quyet-dinh/<int:pk>/bo/<int:line_id>/", views.remove_line, name="remove_line"),
    path("quyet-dinh/<int:pk>/quyet-dinh.docx", views.document_docx, name="docx"),
    path("quyet-dinh/<int:pk>/quyet-dinh.pdf", views.document_pdf, name="pdf"),
    path("quyet-dinh/<int:pk>/giay-chung-nhan.pdf", views.certificates_pdf, name="certificates"),
    path("quyet-dinh/<int:pk>/giay-chung-nhan/<int:line_id>.pdf", views.certificate_one, name="certificate"),
    path("quyet-dinh/<int:pk>/huy-bo/", views.revoke, name="revoke"),
    path("xac-minh/<str:code>", views.verify, name="verify"),
]
