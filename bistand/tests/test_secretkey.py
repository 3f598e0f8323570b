import stat

from bistand.secretkey import load_or_create_secret_key


def test_secret_key_is_made_once_and_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = load_or_create_secret_key(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_key(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]
