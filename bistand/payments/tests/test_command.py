"""``bistand payments export|list``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bistand.payments.models import PaymentBatch


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("payments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_prints_the_files_the_sums_and_what_was_left_out(orders, today):
    orders.make(512300)
    orders.make(1000)
    missing = orders.make(250050, account=None)

    out, err = run("export", "--date", today.isoformat(), "--municipality", "exempelkommun")

    batch = PaymentBatch.objects.get()
    assert f"utbetalningsdag {today}: betalningsfil {batch.pk} (löpnummer 1" in out
    assert f"/payments/{batch.file_stem}.xml" in out
    assert f"/payments/{batch.file_stem}.csv" in out
    assert "2 betalningar, summa 5 133,00 kr" in out
    assert batch.xml_sha256 in out
    assert "Väntar kvar, inte med i filen (1):" in out
    assert (
        f"betalning {missing.pk} (ärende {missing.application.case.reference}, 2 500,50 kr, "
        f"utbetalningsdag {today}): saknar kontonummer"
    ) in out
    assert "demovärden" in err

    again, _ = run("export", "--date", today.isoformat())
    assert "inga nya betalningar att skicka" in again
    assert "saknar kontonummer" in again

    listing, _ = run("list")
    assert f"exempelkommun  {today}  nr 1  filerna skrivna  2 st  5 133,00 kr" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-13-01"], "--date ska vara ett datum som ÅÅÅÅ-MM-DD"),
        (["--date", "igår"], "--date ska vara ett datum som ÅÅÅÅ-MM-DD"),
        (["--date", "2000-01-03"], "har redan passerat"),
        (["--date", "2099-01-02", "--municipality", "ingenstans"], "ingen kommun med koden"),
    ],
)
def test_bad_input_exits_2_with_a_message(orders, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        run("export", *args)
    assert caught.value.returncode == 2
    assert not PaymentBatch.objects.exists()
