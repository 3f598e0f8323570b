"""The caseworker's pages. Thin: permissions through ``bistand.staff.access``, the work in
``bistand.decisions.review`` and the read models in ``queues`` and ``caseview``. One module per
concern: ``queue`` (the queue page), ``case`` (the case view), ``decide`` (actions on the proposal),
``work`` (journal, assignment, stickprov), ``letter``, ``payments``, ``applicant`` (signatures,
files and messages) and ``membership`` (confirming or ending a household member).

* not logged in → the login page; logged in without a staff role → 403;
* an application or decision the user does not see → 404 (its existence does not leak);
* every POST needs a role that decides (caseworker, team lead) → otherwise 403;
* opening a case (the case view, a letter) writes the access log via ``access.open_case``.
"""
