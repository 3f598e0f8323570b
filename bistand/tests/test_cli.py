import os
import subprocess
import sys
from pathlib import Path

import pytest

from bistand.cli import main


def test_main_runs_a_management_command(capsys):
    main(["bistand", "check"])
    assert "System check identified no issues" in capsys.readouterr().out


def test_installed_bistand_command_runs_check(tmp_path):
    command = Path(sys.executable).parent / "bistand"
    assert command.exists(), f"console script not installed next to {sys.executable}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the command must set it itself
    result = subprocess.run(
        [str(command), "check"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_unknown_command_fails(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bistand", "no-such-command"])
    assert exit_.value.code == 1
    assert "Unknown command" in capsys.readouterr().err
