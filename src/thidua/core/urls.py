from django.urls import path

from thidua.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("viec-can-lam/", views.work_queue, name="work_queue"),
]
