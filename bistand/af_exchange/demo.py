"""Demo data for the exchange with Arbetsförmedlingen (``bistand demo`` calls ``seed``).

The register simulator, as ``make run`` starts it, gets one notice from Arbetsförmedlingen:
**too little occupation** (*för låg sysselsättning*) in the current month for **Sara Nilsson**,
the e-service's demo applicant who had försörjningsstöd last month (bistand/eservice/demo.py).
The notice is kept in the simulator's state file and added once, however often the demo runs;
it is fetched at once (and by the worker's poll after that), so it is on the Nilssons' case.
"""

from __future__ import annotations

from bistand.eservice.demo import SARA

DEMO_REFERENCE = "AF-U-DEMO-000001"


def seed(client, month, stdout=None) -> None:
    """Put the demo notice in the simulator (``client``: a SimulatorClient) and fetch it."""
    from bistand.cases import seeding

    from . import exchange

    municipality = seeding.get_municipality()
    if not municipality.kommunkod:
        return
    client.add_af_notice(
        SARA.personnummer,
        "FOR_LAG_SYSSELSATTNING",
        kommunkod=municipality.kommunkod,
        period_start=str(month.first_day),
        period_end=str(month.last_day),
        reference=DEMO_REFERENCE,
        only_new=True,
    )
    result = exchange.poll()
    if stdout is not None:
        stdout.write(
            "Arbetsförmedlingen (simulated): a too-little-occupation notice for Sara Nilsson "
            f"in {month}; fetched now: {result.stored} new notice(s)"
            + (f", errors: {'; '.join(result.errors)}" if result.errors else "")
            + ". Failed sends and the fetch status: /handlaggning/arbetsformedlingen/"
        )
