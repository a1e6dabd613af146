"""URLs of the movements pages (Vietnamese paths)."""

from django.urls import path

from thidua.movements import views

app_name = "movements"

urlpatterns = [
    path("phong-trao/", views.index, name="index"),
    path("phong-trao/phat-dong/", views.launch, name="launch"),
    path("phong-trao/<int:pk>/", views.detail, name="detail"),
    path("phong-trao/<int:pk>/ke-hoach/", views.plan_download, name="plan"),
    path("phong-trao/<int:pk>/xuat/", views.export, name="export"),
    path("phong-trao/<int:pk>/dang-ky/", views.register, name="register"),
    path("phong-trao/<int:pk>/them/", views.plan_add, name="plan_add"),
    path("phong-trao/<int:pk>/so-ket/", views.review_add, name="review_add"),
    path("phong-trao/<int:pk>/phe-duyet/", views.approve, name="approve"),
    path("phong-trao/<int:pk>/xep-loai/", views.ratings, name="ratings"),
    path("phong-trao/<int:pk>/nhap-chi-tieu/", views.import_indicators, name="import"),
    path("phong-trao/nhap-chi-tieu/mau/", views.import_template, name="import_template"),
    path("phong-trao/chi-tieu/<int:pk>/ket-qua/", views.indicator_value, name="indicator_value"),
    path("phong-trao/nhiem-vu/<int:pk>/trang-thai/", views.task_status, name="task_status"),
    path("phong-trao/giao-uoc/tao/", views.pledge_create, name="pledge_create"),
    path("phong-trao/giao-uoc/<int:pk>/", views.pledge_detail, name="pledge"),
    path("phong-trao/giao-uoc/<int:pk>/van-ban.docx", views.pledge_docx, name="pledge_docx"),
    path("phong-trao/bang-diem/tao/", views.scheme_create, name="scheme_create"),
    path("phong-trao/bang-diem/<int:pk>/", views.scheme_detail, name="scheme"),
]
