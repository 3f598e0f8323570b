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
