"""The help text for entering parameters (docs/rules.md, served as text) and the dry-run page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from bistand.audit.services import Actor, record
from bistand.rules.errors import InputError, ParameterFileError
from bistand.staff.access import profile, require_role
from bistand.staff.models import Role

from . import services

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


#: The largest candidate file accepted on the dry-run page (a table file is a few kB).
MAX_CANDIDATE_BYTES = 256 * 1024


@login_required
def dry_run_page(request):
    """Administrators: upload candidate table files and a month, see the effect on the month's
    pending proposals (bistand parameters dry-run, as a page). Nothing is written."""
    if not request.user.is_superuser:
        require_role(request.user, Role.ADMINISTRATOR)
    context: dict = {"month": request.POST.get("month", ""), "errors": []}
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        documents = []
        for upload in uploads:
            if upload.size > MAX_CANDIDATE_BYTES:
                context["errors"].append(f"{upload.name}: filen är för stor")
                continue
            try:
                documents.append((upload.name, upload.read().decode("utf-8")))
            except UnicodeDecodeError:
                context["errors"].append(f"{upload.name}: inte UTF-8-text")
        if not uploads:
            context["errors"].append("Välj minst en YAML-fil.")
        if not context["errors"]:
            try:
                run = services.dry_run_texts(documents, context["month"])
            except (ParameterFileError, InputError) as exc:
                context["errors"].append(str(exc))
            else:
                record(
                    "parameters.dry_run",
                    actor=Actor.user(request.user),
                    data={k: v for k, v in run.summary().items() if k != "files"},
                )
                context["run"] = run
                context["summary"] = run.summary()
    return render(
        request, "parameters/dry_run.html", context, status=400 if context["errors"] else 200
    )
