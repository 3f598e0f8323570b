"""``bistand audit verify | tail | head | export``."""

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bistand.audit.services import Actor, record
from bistand.audit.tests.conftest import tamper

ROBOT = Actor.system("robot")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def events(db):
    return [
        record("register.fetch", actor=ROBOT, case_id=7, data={"sources": ["SKV", "FK"]}),
        record("decision.made", actor=ROBOT, case_id=7, subject="decision:1", data={"x": "y"}),
    ]


def test_verify_says_an_empty_log_is_intact(db):
    assert _run("verify").strip() == "Granskningskedjan är intakt: loggen är tom."


def test_verify_exits_0_with_a_one_line_summary_when_intact(events):
    output = _run("verify")
    assert output.count("\n") == 1
    assert output.startswith("Granskningskedjan är intakt: 2 händelser kontrollerade")
    assert events[-1].hash in output


def test_verify_exits_1_and_names_the_first_broken_event(events):
    # call_command raises CommandError; on the command line that becomes exit code 1 (see the
    # subprocess test below). main() is not used here: it closes the test's connection.
    tamper("UPDATE audit_auditevent SET subject = 'decision:2' WHERE sequence = 2")

    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")

    assert error.value.returncode == 1
    assert "händelse 2: hashvärdet stämmer inte – innehållet har ändrats" in str(error.value)


def test_tail_shows_the_newest_events_without_data_values(events):
    lines = _run("tail", "-n", "1").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("2\t")
    assert "decision.made" in lines[0]
    assert "[x]" in lines[0]
    assert "y" not in lines[0].split("\t")[-1]

    assert len(_run("tail").splitlines()) == 2


def test_head_prints_the_last_number_and_hash(events):
    sequence, digest, _moment = _run("head").split()
    assert (int(sequence), digest) == (2, events[-1].hash)


def test_export_writes_json_lines_that_carry_the_hashes(events):
    lines = [json.loads(line) for line in _run("export").splitlines()]
    assert [line["sequence"] for line in lines] == [1, 2]
    assert lines[1]["prev_hash"] == lines[0]["hash"] == events[0].hash
    assert lines[0]["data"] == {"sources": ["SKV", "FK"]}

    assert _run("export", "--since", "2999-01-01") == ""
    with pytest.raises(CommandError):
        _run("export", "--since", "yesterday")


def test_the_installed_bistand_command_verifies_a_database(tmp_path):
    """The real console script, in its own process, on a SQLite database of its own."""
    database = tmp_path / "audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("BISTAND_TEST_DB_NAME", None)
    command = str(Path(sys.executable).parent / "bistand")

    def bistand(*args):
        return subprocess.run(
            [command, *args], capture_output=True, text=True, env=env, timeout=120
        )

    assert bistand("migrate", "--no-input", "-v", "0").returncode == 0
    made = bistand(
        "shell",
        "-c",
        "from bistand.audit.services import Actor, record; "
        "[record('case.created', actor=Actor.system('robot'), case_id=n) for n in (1, 2, 3)]",
    )
    assert made.returncode == 0, made.stderr

    intact = bistand("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "intakt: 3 händelser" in intact.stdout

    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER audit_auditevent_no_update")
        db.execute("UPDATE audit_auditevent SET case_id = 99 WHERE sequence = 2")

    broken = bistand("audit", "verify")
    assert broken.returncode == 1
    assert "händelse 2: hashvärdet stämmer inte – innehållet har ändrats" in broken.stderr


def test_verify_checks_an_exported_head(events):
    sequence, digest, _moment = _run("head").split()
    record("case.created", actor=ROBOT, case_id=8)

    assert "intakt: 3 händelser" in _run("verify", "--anchor", f"{sequence}:{digest}")


def test_verify_finds_a_rewritten_log_through_an_exported_head(events):
    """Someone rewrites event 2 and recomputes its hash and the head: the chain itself is
    consistent again, but no longer holds the head exported before."""
    exported = f"2:{events[1].hash}"
    forged = events[1]
    forged.subject = "decision:2"
    new_hash = forged.computed_hash()
    tamper(
        "UPDATE audit_auditevent SET subject = 'decision:2', hash = %s WHERE sequence = 2",
        (new_hash,),
    )
    tamper("UPDATE audit_auditchainhead SET hash = %s", (new_hash,))
    assert "intakt" in _run("verify")

    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", "--anchor", exported)

    assert error.value.returncode == 1
    assert "händelse 2: hashvärdet stämmer inte med det exporterade huvudet" in str(error.value)


def test_verify_finds_a_log_shorter_than_an_exported_head(events):
    with pytest.raises(CommandError, match="händelse 3 saknas"):
        call_command("audit", "verify", "--anchor", f"9:{'a' * 64}")


def test_a_malformed_anchor_is_a_usage_error(events):
    with pytest.raises(CommandError, match="NR:HASH"):
        call_command("audit", "verify", "--anchor", "2:not-a-hash")
