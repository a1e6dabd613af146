"""URLs of the contests pages (Vietnamese paths): the organisers' pages under
/cuoc-thi-truc-tuyen/ (sign-in required), the participants' under /cuoc-thi/<slug>/."""

from django.urls import path

from thidua.contests import views, views_officer, views_public

app_name = "contests"

urlpatterns = [
    path("cuoc-thi-truc-tuyen/", views.index, name="index"),
    path("cuoc-thi-truc-tuyen/tao/", views.create, name="create"),
    path("cuoc-thi-truc-tuyen/<int:pk>/", views.detail, name="detail"),
    path("cuoc-thi-truc-tuyen/<int:pk>/trang-thai/", views.set_status, name="set_status"),
    path("cuoc-thi-truc-tuyen/<int:pk>/dot-thi/", views.add_round, name="add_round"),
    path("cuoc-thi-truc-tuyen/<int:pk>/moi-don-vi/", views.invite, name="invite"),
    path("cuoc-thi-truc-tuyen/<int:pk>/nhap-cau-hoi/", views.question_import, name="question_import"),
    path("cuoc-thi-truc-tuyen/<int:pk>/mau-cau-hoi.xlsx", views.question_template, name="question_template"),
    path("cuoc-thi-truc-tuyen/<int:pk>/ket-qua.xlsx", views.results_export, name="results_export"),
    path("cuoc-thi-truc-tuyen/<int:pk>/thiet-lap/", views_officer.settings_edit, name="settings"),
    path("cuoc-thi-truc-tuyen/<int:pk>/cau-hoi/", views_officer.question_list, name="questions"),
    path(
        "cuoc-thi-truc-tuyen/<int:pk>/cau-hoi/<int:qid>/", views_officer.question_edit, name="question_edit"
    ),
    path(
        "cuoc-thi-truc-tuyen/<int:pk>/cau-hoi/<int:qid>/xoa/",
        views_officer.question_delete,
        name="question_delete",
    ),
    path("cuoc-thi-truc-tuyen/<int:pk>/xep-hang/", views_officer.leaderboard, name="leaderboard"),
    path(
        "cuoc-thi-truc-tuyen/<int:pk>/thi-sinh/<int:pid>/loai/", views_officer.disqualify, name="disqualify"
    ),
    path(
        "cuoc-thi-truc-tuyen/<int:pk>/thi-sinh/<int:pid>/khoi-phuc/",
        views_officer.reinstate,
        name="reinstate",
    ),
    path(
        "cuoc-thi-truc-tuyen/<int:pk>/quyet-dinh-trao-giai/",
        views_officer.prize_decision_page,
        name="prize_decision",
    ),
    path("cuoc-thi/<slug:slug>/", views_public.home, name="public_home"),
    path("cuoc-thi/<slug:slug>/the-le/", views_public.rules, name="public_rules"),
    path("cuoc-thi/<slug:slug>/dang-ky/", views_public.register, name="public_register"),
    path("cuoc-thi/<slug:slug>/vao-thi/", views_public.start, name="public_start"),
    path("cuoc-thi/<slug:slug>/bai-thi/<str:token>/", views_public.attempt, name="public_attempt"),
    path("cuoc-thi/<slug:slug>/ket-qua/", views_public.mine, name="public_mine"),
    path("cuoc-thi/<slug:slug>/ket-qua/<str:token>/", views_public.result, name="public_result"),
]
