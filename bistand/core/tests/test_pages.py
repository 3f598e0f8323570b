def test_start_page_is_swedish_and_says_what_bistand_is(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "ekonomiskt bistånd" in html
    assert 'href="#main"' in html  # skip link
    assert 'href="/admin/"' in html


def test_start_page_loads_nothing_from_other_hosts(client):
    html = client.get("/").content.decode()
    assert "http://" not in html
    assert "https://" not in html


def test_start_page_may_not_be_framed(client):
    assert client.get("/")["X-Frame-Options"] == "DENY"


def test_admin_login_page_is_reachable(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert 'name="password"' in response.content.decode()


def _error_page_basics(html: str) -> None:
    assert '<html lang="sv">' in html
    assert 'href="#main"' in html and "<main" in html and "<header" in html
    assert html.count("<h1") == 1
    assert "Forbidden" not in html and "Not Found" not in html


def test_forbidden_is_a_swedish_page_that_says_why(client, db):
    from bistand.cases.seeding import get_municipality
    from bistand.staff.testing import make_staff

    get_municipality()
    client.force_login(make_staff("utan-roll", None))
    response = client.get("/handlaggning/")
    assert response.status_code == 403
    html = response.content.decode()
    _error_page_basics(html)
    assert "Du har inte behörighet till sidan" in html
    assert "Du har ingen roll i handläggningen." in html


def test_not_found_is_a_swedish_page(client, db, settings):
    settings.DEBUG = False
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    _error_page_basics(html)
    assert "Sidan finns inte" in html
    assert "/finns-inte/" not in html


def test_a_server_error_is_a_swedish_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    _error_page_basics(html)
    assert "Något gick fel" in html
