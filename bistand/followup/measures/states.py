"""Time in each state (tid i varje status).

Svenska: För varje statusändring i statusloggen (``Transition``) för ansökningar vars månad
ligger i perioden: tiden sedan ansökans föregående statusändring är den tid ansökan låg i den
status den lämnade (``from_state``). Per status visas antal gånger en ansökan lämnat den och
medeltiden i timmar. Tiden i utkast räknas inte (den första ändringen har ingen föregångare),
och en status som ansökan ännu ligger i räknas inte förrän den lämnas.

English: For every logged transition of an application whose month is in the period, the time
since the application's previous transition is the time it spent in the state it left. Per
state: how many times it was left and the mean hours. Draft time is not counted (the first
transition has no predecessor); a state not yet left is not counted.
"""

from __future__ import annotations

from bistand.cases.models import State

from .base import HOUR, Figures, Scope, Table, figures_for


def time_in_states(scope: Scope, figures: Figures | None = None) -> Table:
    found: dict[str, list[float]] = {}
    for data in figures_for(scope, figures).all_months():
        for state, (n, seconds) in data["states"].items():
            total = found.setdefault(state, [0, 0.0])
            total[0] += n
            total[1] += seconds
    rows = []
    for state, label in State.choices:
        if state == State.DRAFT or state not in found:
            continue
        n, seconds = found[state]
        rows.append({"state": label, "left": n, "mean_hours": round(seconds / n / HOUR, 1)})
    return Table(
        id="tid-per-status",
        caption="Tid i varje status: medeltid innan ansökan gick vidare",
        columns=[
            ("state", "Status"),
            ("left", "Gånger lämnad"),
            ("mean_hours", "Medeltid (timmar)"),
        ],
        rows=rows,
        kinds={"mean_hours": "hours"},
        notes=["Tiden i utkast räknas inte. En status räknas när ansökan lämnar den."],
    )
