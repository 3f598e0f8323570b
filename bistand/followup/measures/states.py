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

from django.db import connection

from bistand.cases.models import State

from .base import HOUR, Scope, Table


def time_in_states(scope: Scope) -> Table:
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (t.at - LAG(t.at) OVER w))"
    else:
        seconds = "(julianday(t.at) - julianday(LAG(t.at) OVER w)) * 86400.0"
    units = ""
    params: list = [scope.municipality_id, scope.first, scope.last]
    if scope.units is not None:
        if not scope.units:
            units = " AND 1 = 0"
        else:
            units = f" AND c.unit_id IN ({', '.join(['%s'] * len(scope.units))})"
            params.extend(scope.units)
    sql = f"""
        SELECT from_state, COUNT(*), AVG(seconds) FROM (
            SELECT t.from_state AS from_state, {seconds} AS seconds
            FROM cases_transition t
            JOIN cases_application a ON a.id = t.application_id
            JOIN cases_case c ON c.id = a.case_id
            WHERE c.municipality_id = %s AND a.month >= %s AND a.month <= %s{units}
            WINDOW w AS (PARTITION BY t.application_id ORDER BY t.at, t.id)
        ) timed
        WHERE seconds IS NOT NULL
        GROUP BY from_state
    """  # noqa: S608 - only placeholders and our own fixed fragments are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {state: (n, mean) for state, n, mean in cursor.fetchall()}
    rows = []
    for state, label in State.choices:
        if state == State.DRAFT or state not in found:
            continue
        n, mean = found[state]
        rows.append(
            {
                "state": label,
                "left": n,
                "mean_hours": round(float(mean) / HOUR, 1),
            }
        )
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
