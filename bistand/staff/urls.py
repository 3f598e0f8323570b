from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.logout, name="logout"),
    path("utloggad/", views.logged_out, name="logged-out"),
    path("oidc/start/", views.OIDCStartView.as_view(), name="oidc-start"),
    path("oidc/callback/", views.OIDCCallbackView.as_view(), name="oidc-callback"),
]
