"""The applicant's pages under /mina-sidor/. No personnummer ever appears in a URL."""

from django.urls import path

from .views import account, apply, login, minasidor

app_name = "eservice"

urlpatterns = [
    # login (views/login.py)
    path("logga-in/", login.login, name="login"),
    path("logga-in/start/", login.login_start, name="login-start"),
    path("logga-in/klar/", login.login_callback, name="login-callback"),
    path("logga-ut/", login.logout, name="logout"),
    path("utloggad/", login.logged_out, name="logged-out"),
    # the application (views/apply.py)
    path("ansok/", apply.apply, name="apply"),
    path("ansok/<int:pk>/ateransokan/", apply.repeat, name="repeat"),
    path("ansok/<int:pk>/granska/", apply.review, name="review"),
    path("ansok/<int:pk>/ta-bort/", apply.discard, name="discard"),
    path("ansok/<int:pk>/<slug:step>/", apply.step, name="step"),
    path("underskrift/<int:pk>/", apply.cosign, name="cosign"),
    path("underskrift/<int:pk>/avboj/", apply.decline, name="cosign-decline"),
    # Mina sidor (views/minasidor.py)
    path("", minasidor.home, name="home"),
    path("ansokan/<int:pk>/", minasidor.application, name="application"),
    # the payout account (views/account.py)
    path("konto/", account.account, name="account"),
    path("konto/andra/", account.change, name="account-change"),
    path("ansokan/<int:pk>/beslut/", minasidor.decision, name="decision"),
    path("ansokan/<int:pk>/beslut.pdf", minasidor.decision_pdf, name="decision-pdf"),
    path(
        "ansokan/<int:pk>/bilagor/<int:attachment_pk>/",
        minasidor.attachment,
        name="attachment",
    ),
]
