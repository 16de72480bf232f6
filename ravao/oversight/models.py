"""Oversight: the door-to-door campaign register and the aggregates the dashboards read.

Pages, the API and reports never scan the visit table: they read the aggregate tables below,
which ``ravao.oversight.rollup`` keeps up to date from the visits (incrementally, by day, from a
watermark). Definitions of every figure: docs/indicators.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravao.accounts.scoping import ScopedQuerySet


class TargetStatus(models.TextChoices):
    NOT_VISITED = "not_visited", _("Not yet visited")
    GUIDED = "guided", _("Guided")
    REGISTERED = "registered", _("Registered")
    ACTIVE = "active", _("Active (scans seen)")


class TargetQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"
        sector = "sector"
        venue = "venue"


class AggregateQuerySet(ScopedQuerySet):
    """Aggregates keyed by unit and sector: officials see the rows of their jurisdiction only
    (rows with no unit — the whole country — only for national roles; rows with no sector —
    all sectors — not for sector officials)."""

    class Scope:
        unit = "unit"
        sector = "sector"


class VenueDayQuerySet(ScopedQuerySet):
    """Per-venue figures: also visible to the venue's own managers and staff."""

    class Scope:
        unit = "unit"
        sector = "sector"
        venue = "venue"


class TargetEstablishment(models.Model):
    """An establishment that should scan, found door to door or imported from a list.

    ``status`` moves not_visited → guided → registered (linked to its venue) → active (its venue
    has scans; set by the rollup). ``sector`` follows ``venue_type`` so that sector officials
    see their own targets through ``restrict(user)``.
    """

    unit = models.ForeignKey("units.Unit", models.PROTECT, related_name="+", verbose_name=_("commune"))
    name = models.CharField(_("name"), max_length=200)
    venue_type = models.ForeignKey(
        "catalog.VenueType", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("type")
    )
    sector = models.ForeignKey(
        "catalog.Sector", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.NOT_VISITED, db_index=True
    )
    venue = models.ForeignKey(
        "venues.Venue", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("venue")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("canvasser"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True, help_text=_("import file or 'field'"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target establishment")
        verbose_name_plural = _("target establishments")
        indexes = [
            models.Index(fields=["unit", "status"], name="target_unit_status_idx"),
            models.Index(fields=["assigned_to", "status"], name="target_assignee_idx"),
        ]
        ordering = ["unit_id", "name"]

    def __str__(self) -> str:
        return self.name


class UnitClosure(models.Model):
    """(lowest-level unit, ancestor-or-self) pairs: "every unit above this commune" as one join.

    Rebuilt by the rollup from ``Unit.path`` (tens of thousands of rows for the whole country).
    """

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")
    ancestor = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "ancestor"], name="closure_unique")]
        indexes = [models.Index(fields=["ancestor", "unit"], name="closure_ancestor_idx")]


class VenueDay(models.Model):
    """Per venue and local day: scans, distinct visitors of that venue-day, first and last scan.

    ``unit`` and ``sector`` are copied from the venue when the day is rolled up.
    """

    venue = models.ForeignKey("venues.Venue", models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey("catalog.Sector", models.CASCADE, related_name="+", db_index=False)
    scans = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    first_scan_at = models.DateTimeField(null=True)
    last_scan_at = models.DateTimeField(null=True)

    objects = VenueDayQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "day"], name="venueday_unique")]
        indexes = [
            models.Index(fields=["day", "unit"], name="venueday_day_unit_idx"),
            models.Index(fields=["unit", "day"], name="venueday_unit_day_idx"),
        ]


class PresenceDay(models.Model):
    """Who was seen where: one row per (local day, lowest-level unit, sector, person).

    The exact source for "unique visitors" over a range of days and over a parent unit (counts
    of distinct people cannot be added up across days or communes). Smaller than the visit
    table: repeat visits of a person to the same commune and sector on a day are one row.
    """

    day = models.DateField()
    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey("catalog.Sector", models.CASCADE, related_name="+", db_index=False)
    person_id = models.BigIntegerField()

    objects = AggregateQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["day", "unit"], name="presence_day_unit_idx"),  # a day's rows (the rollup)
            # A unit's rows over a range of days, person included: the distinct count of a range
            # reads the index alone (30× faster than (day, unit) for a commune over six days).
            models.Index(fields=["unit", "day", "person_id"], name="presence_unit_day_idx"),
        ]
        # One row per key; the incremental rollup inserts only new rows and looks up a person's
        # rows of a day or a range of days through it.
        constraints = [
            models.UniqueConstraint(fields=["person_id", "day", "unit", "sector"], name="presence_person_day_unique")
        ]


class UnitDay(models.Model):
    """Figures of one unit (any level; ``unit`` empty: the whole generation) for one local day.

    ``sector`` empty: all sectors. ``scans``, ``active_24h`` and ``active_7d`` add up across
    units and sectors; ``visitors`` (distinct people that day) is exact for this unit and sector.
    ``active_24h``: venues with at least one scan that day; ``active_7d``: in the 7 days ending
    that day.
    """

    generation = models.CharField(max_length=16)
    unit = models.ForeignKey("units.Unit", models.CASCADE, null=True, related_name="+", db_index=False)
    sector = models.ForeignKey("catalog.Sector", models.CASCADE, null=True, related_name="+", db_index=False)
    day = models.DateField()
    scans = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    active_24h = models.PositiveIntegerField(default=0)
    active_7d = models.PositiveIntegerField(default=0)

    objects = AggregateQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "sector", "day"], name="unitday_unit_idx"),
            models.Index(fields=["day", "generation"], name="unitday_day_idx"),
        ]


class UnitStock(models.Model):
    """Current counts of one unit (any level; ``unit`` empty: the whole generation) and sector
    (empty: all): venues by status and verification, venues by type, campaign targets.

    Rebuilt by every rollup run: these are states, not events, so they are as of the last run.
    """

    generation = models.CharField(max_length=16)
    unit = models.ForeignKey("units.Unit", models.CASCADE, null=True, related_name="+", db_index=False)
    sector = models.ForeignKey("catalog.Sector", models.CASCADE, null=True, related_name="+", db_index=False)
    registered = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    unverified = models.PositiveIntegerField(default=0)
    by_type = models.JSONField(default=dict)
    targets = models.PositiveIntegerField(default=0)
    targets_registered = models.PositiveIntegerField(default=0)
    targets_active = models.PositiveIntegerField(default=0)

    objects = AggregateQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["unit", "sector"], name="unitstock_unit_idx")]


class RangeVisitors(models.Model):
    """Exact unique visitors for a unit, sector and range of several days.

    Written only by the rollup, which keeps every row exact as visits arrive (it adds the
    people newly seen in the range). Windows (``window=True``: the 7 days ending today and
    yesterday, for every unit and sector) are computed when a day starts; memos
    (``window=False``) are ranges that pages asked for. ``visitors`` empty: asked for, not
    counted yet (the next rollup run counts it; pages say so).
    """

    generation = models.CharField(max_length=16)
    unit = models.ForeignKey("units.Unit", models.CASCADE, null=True, related_name="+", db_index=False)
    sector = models.ForeignKey("catalog.Sector", models.CASCADE, null=True, related_name="+", db_index=False)
    first_day = models.DateField()
    last_day = models.DateField()
    visitors = models.PositiveIntegerField(null=True)
    # Filled ahead by the rollup for the 7-day windows pages ask for most; other rows are
    # ranges that pages asked for.
    window = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = AggregateQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["unit", "first_day", "last_day"], name="rangevisitors_idx")]


class RollupState(models.Model):
    """Bookkeeping of a background job (the rollup, scheduled reports): how far it has got."""

    name = models.CharField(max_length=32, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(default=0)
    # Highest visit id rolled up: later ids with older check-in times (offline gates) are found.
    last_id = models.BigIntegerField(default=0)
    # Id ranges at or below last_id that were not visible yet at the last run (transactions
    # still open then): [[low, high, first seen (epoch seconds)], ...]; empty: none. Null: the
    # aggregates were never rolled up incrementally (the next run re-rolls whole days).
    gaps = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)


class ReportDispatch(models.Model):
    """A scheduled progress report that was e-mailed (so that a re-run does not send it twice)."""

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_start", "period_end"], name="report_dispatch_unique")
        ]


class ResponsibilityQuerySet(ScopedQuerySet):
    class Scope:
        unit = "unit"
        sector = "sector"


class Responsibility(models.Model):
    """Who answers for the progress of a unit (``sector`` empty: the chair of its People's
    Committee) or of one sector at that level (the director of the provincial department, the
    head of the district office, the industrial-zone board…), by which date, with what
    commitments (dispatch 2278/BTTTT-THH §2, §9). ``title`` empty: the usual title of the
    post (``ravao.oversight.titles.default_title``). Officials of the unit and above set it."""

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+", verbose_name=_("unit"))
    sector = models.ForeignKey(
        "catalog.Sector", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    person_name = models.CharField(_("responsible person"), max_length=120)
    title = models.CharField(_("title"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    commitments = models.TextField(_("commitments"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible people")
        constraints = [
            models.UniqueConstraint(fields=["unit", "sector"], name="responsibility_unit_sector_unique"),
            # NULL sectors are distinct in a unique index: one chair per unit needs its own rule.
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(sector__isnull=True), name="responsibility_unit_chair_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.person_name
