"""Flags by code and how often each led to a change.

Svenska: För beslutsförslag på ansökningar vars månad ligger i perioden: hur många förslag som
hade varje flagga (en flagga räknas en gång per förslag), hur många av dem som har beslutats,
och hur många av de beslutade där beslutet skiljer sig från förslaget (annat utfall eller annat
belopp). Andelen ändrade = ändrade / beslutade. Ett förslag med flera flaggor räknas under var
och en av dem.

English: For proposals on applications whose month is in the period: per flag code, the
proposals carrying it (once per proposal), how many were decided, and how many decisions differ
from the proposal (another outcome or another amount). Changed share = changed / decided. A
proposal with several flags counts under each.
"""

from __future__ import annotations

from collections import Counter

from bistand.workspace.queues import FLAG_LABELS

from .base import Figures, Scope, Table, figures_for, share


def flags(scope: Scope, figures: Figures | None = None) -> Table:
    flagged: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    for data in figures_for(scope, figures).all_months():
        for code, (proposals, n_decided, n_changed) in data["flags"].items():
            flagged[code] += proposals
            decided[code] += n_decided
            changed[code] += n_changed
    rows = [
        {
            "code": code,
            "label": FLAG_LABELS.get(code, code),
            "proposals": flagged[code],
            "decided": decided[code],
            "changed": changed[code],
            "share_changed": share(changed[code], decided[code]),
        }
        for code in sorted(flagged, key=lambda c: (-flagged[c], c))
    ]
    return Table(
        id="flaggor",
        caption="Flaggor per kod och hur ofta beslutet blev ett annat än förslaget",
        columns=[
            ("code", "Kod"),
            ("label", "Flagga"),
            ("proposals", "Förslag med flaggan"),
            ("decided", "Beslutade"),
            ("changed", "Beslut som ändrade förslaget"),
            ("share_changed", "Andel ändrade"),
        ],
        rows=rows,
        kinds={"label": "text", "share_changed": "share"},
        notes=["Ändrat = beslutets utfall eller belopp skiljer sig från förslagets."],
    )
