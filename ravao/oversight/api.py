"""Oversight API: coverage figures and progress reports (docs/api-oversight.md)."""

from datetime import date

from django.http import HttpResponse
from ninja import Query, Router

from ravao.accounts import policy
from ravao.core.params import Day
from ravao.oversight import selectors

router = Router(tags=["oversight"])
# "from" is a Python keyword: the parameter is called from_ and read from ?from=.
FROM_DATE = Query(None, alias="from")


def _scope(request, unit: str, sector: str, from_: date | None, to: date | None, generation: str):
    user = policy.require(request.auth, "oversight.view")
    return user, selectors.resolve(
        user=user, unit_code=unit, sector_code=sector, first=from_, last=to, generation=generation
    )


@router.get("/coverage")
def coverage(
    request,
    unit: str = "",
    sector: str = "",
    generation: str = "",
    from_: Day | None = FROM_DATE,
    to: Day | None = None,
):
    """Indicators of a unit (default: your whole jurisdiction) and of each of its child units.

    Query: ``unit`` (code), ``sector`` (code), ``from``/``to`` (dates, default today),
    ``generation`` ("2025" or "legacy")."""
    user, scope = _scope(request, unit, sector, from_, to, generation)
    return selectors.coverage(user=user, scope=scope)


@router.get("/coverage/trend")
def coverage_trend(
    request,
    unit: str = "",
    sector: str = "",
    generation: str = "",
    from_: Day | None = FROM_DATE,
    to: Day | None = None,
):
    """Per day of the period: scans, unique visitors that day and venues active that day."""
    user, scope = _scope(request, unit, sector, from_, to, generation)
    return {"days": selectors.trend(user=user, scope=scope)}


@router.get("/reports/progress")
def progress_report(
    request,
    unit: str = "",
    sector: str = "",
    generation: str = "",
    format: str = "xlsx",
    lang: str = "vi",
    from_: Day | None = FROM_DATE,
    to: Day | None = None,
):
    """The progress report of a unit and period as a PDF, DOCX or XLSX file (``format``), in the
    form a People's Committee sends (Vietnamese by default)."""
    from ravao.oversight.reports import report_build

    user, scope = _scope(request, unit, sector, from_, to, generation)
    content, content_type, filename = report_build(user=user, scope=scope, fmt=format, language=lang)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
