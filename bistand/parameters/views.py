"""The help text an administrator follows to enter parameters: docs/rules.md, served as text."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from bistand.staff.access import profile

RULES_DOC = settings.BASE_DIR / "docs" / "rules.md"
#: The sections of docs/rules.md an administrator needs (headings, as written there).
HELP_SECTIONS = ("## 3. Parameters", "## 7. ", "## 8. ")


def help_sections(text: str) -> str:
    """The parameter sections of docs/rules.md (each up to the next ``## `` heading)."""
    out: list[str] = []
    keep = False
    for line in text.splitlines():
        if line.startswith("## "):
            keep = line.startswith(HELP_SECTIONS)
        if keep:
            out.append(line)
    return "\n".join(out) + "\n"


@login_required
def help_text(request):
    if profile(request.user) is None and not request.user.is_superuser:
        raise Http404("Sidan finns inte.")
    try:
        text = RULES_DOC.read_text(encoding="utf-8")
    except OSError:
        raise Http404("docs/rules.md finns inte i den här installationen.") from None
    return HttpResponse(help_sections(text), content_type="text/plain; charset=utf-8")
