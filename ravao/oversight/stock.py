"""Stock figures: the current venue and target counts of every unit and sector (states, not
events), rebuilt by each rollup run; and the move of registered targets whose venue has scans
to "active".

A temporary event (weddings, funerals, meetings: ``VenueKind.EVENT``) counts as a scan point
only while it runs (``starts_at`` ≤ now ≤ ``ends_at``; an open bound is no limit), so that
"scan points per 100 residents" is not inflated by events that are over.
"""

import hashlib
from collections import defaultdict
from datetime import datetime

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from ravao.catalog.models import VenueKind
from ravao.oversight.models import RollupState, TargetEstablishment, TargetStatus, UnitStock, VenueDay
from ravao.venues.models import Venue, VenueStatus

STOCK_STATE = "stock"
ALL = None  # the "all sectors" / "whole generation" key


def counted_venues(now: datetime | None = None):
    """Venues that count as scan points now: not closed, and an event only while it runs."""
    now = now or timezone.now()
    over = Q(venue_type__kind=VenueKind.EVENT) & (Q(ends_at__lt=now) | Q(starts_at__gt=now))
    return Venue.objects.exclude(status=VenueStatus.CLOSED).exclude(over)


def roll_stock(closure, gens, *, now: datetime | None = None) -> None:
    """Rebuild the current venue and target counts of every unit and sector."""
    from django.db.models import Count

    stock = defaultdict(
        lambda: {
            "registered": 0,
            "suspended": 0,
            "unverified": 0,
            "by_type": defaultdict(int),
            "targets": 0,
            "targets_registered": 0,
            "targets_active": 0,
        }
    )

    def fan(unit_id, sector_id):
        gen = gens.get(unit_id)
        for target in [*closure.get(unit_id, [unit_id]), ALL]:
            for sec in {sector_id, ALL}:
                yield stock[(gen, target, sec)]

    venues = (
        counted_venues(now)
        .order_by()
        .values_list("unit_id", "sector_id", "venue_type__code", "status", "verified")
        .annotate(n=Count("id"))
    )
    venues = list(venues)
    # A registered target whose venue has scans counts as active (its status is moved after the
    # run: activate_targets), so that the run writes no row that pages also write.
    scanned = Exists(VenueDay.objects.filter(venue_id=OuterRef("venue_id")))
    targets = list(
        TargetEstablishment.objects.order_by()
        .annotate(
            eff=Case(When(scanned, status=TargetStatus.REGISTERED, then=Value(TargetStatus.ACTIVE)), default="status")
        )
        .values_list("unit_id", "sector_id", "eff")
        .annotate(n=Count("id"))
    )
    # Same venues, targets and map as when the stock rows were written: nothing to do.
    digest = hashlib.sha1(repr([sorted(map(repr, x)) for x in (venues, targets, closure.items())]).encode()).hexdigest()
    state, _ = RollupState.objects.get_or_create(name=STOCK_STATE)
    if state.note == digest and UnitStock.objects.exists():
        return
    for unit_id, sector_id, type_code, status, verified, n in venues:
        for acc in fan(unit_id, sector_id):
            acc["registered"] += n
            acc["by_type"][type_code] += n
            if status == VenueStatus.SUSPENDED:
                acc["suspended"] += n
            if not verified:
                acc["unverified"] += n
    for unit_id, sector_id, status, n in targets:
        for acc in fan(unit_id, sector_id):
            acc["targets"] += n
            if status in (TargetStatus.REGISTERED, TargetStatus.ACTIVE):
                acc["targets_registered"] += n
            if status == TargetStatus.ACTIVE:
                acc["targets_active"] += n
    # Write only what changed (most rows stay the same from one minute to the next).
    fields = ["registered", "suspended", "unverified", "by_type", "targets", "targets_registered", "targets_active"]
    existing = {
        (r[0], r[1], r[2]): r[3:]
        for r in UnitStock.objects.values_list("generation", "unit_id", "sector_id", "id", *fields)
    }
    new, changed = [], []
    for key, acc in stock.items():
        if key[0] is None:
            continue
        values = [acc[f] if f != "by_type" else dict(acc[f]) for f in fields]
        old = existing.pop(key, None)
        if old is None:
            new.append(
                UnitStock(generation=key[0], unit_id=key[1], sector_id=key[2], **dict(zip(fields, values, strict=True)))
            )
        elif list(old[1:]) != values:
            changed.append(UnitStock(id=old[0], **dict(zip(fields, values, strict=True))))
    UnitStock.objects.filter(id__in=[old[0] for old in existing.values()]).delete()
    UnitStock.objects.bulk_update(changed, fields, batch_size=1000)
    UnitStock.objects.bulk_create(new, batch_size=5000)
    state.note = digest
    state.save(update_fields=["note"])


def activate_targets() -> int:
    """Move registered targets whose venue has scans to "active" (index probes: registered
    targets are those not active yet)."""
    qs = TargetEstablishment.objects.filter(status=TargetStatus.REGISTERED, venue__isnull=False).filter(
        Exists(VenueDay.objects.filter(venue_id=OuterRef("venue_id")))
    )
    total = 0
    for chunk in _chunks(list(qs.values_list("id", flat=True)), 5000):
        total += TargetEstablishment.objects.filter(id__in=chunk, status=TargetStatus.REGISTERED).update(
            status=TargetStatus.ACTIVE
        )
    return total


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i : i + n]
