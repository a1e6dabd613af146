from django.contrib.auth import views as auth_views
from django.urls import path

from thidua.core.views import LoginForm

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    # Django 6 logs out on POST only (a GET link could be triggered by any page).
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
