"""Utbyte med Arbetsförmedlingen: staff pages under /handlaggning/… and the applicant's under
/mina-sidor/… (included at the root by bistand/urls.py, so each path here is written out in
full)."""

app_name = "af_exchange"
urlpatterns: list = []
