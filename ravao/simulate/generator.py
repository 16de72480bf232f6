"""`ravao simulate`: a reproducible synthetic province or country, written through bulk paths.

Everything random comes from numpy generators seeded by (seed, stream): the same seed over the
same map gives the same venues, people and visits, and each day's visits depend only on the
seed and the day, so days can be generated (and checked) independently. Visits are drawn in
numpy, sorted by time (the order real check-ins arrive in, which the indexes and the
partitions expect), turned into text with lookup tables and streamed with COPY.
"""

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connections, transaction

from ravao.catalog.models import VenueType
from ravao.checkins import partitions
from ravao.checkins.models import Visit
from ravao.core.venuecodes import CODE_ALPHABET, CODE_LENGTH
from ravao.simulate import extras
from ravao.simulate.bulk import BulkWriter, int_column
from ravao.simulate.people import build_people
from ravao.simulate.profiles import (
    CHANNELS,
    EVENT_WINDOWS,
    MISSING_CHECKOUT,
    PROFILES,
    SCAN_CHECKOUT,
    STATUS_SHARES,
    STREETS,
    TRIP_PLANS,
    Profile,
)
from ravao.units.models import Level, Unit
from ravao.venues.models import Entrance, Trip, Venue

DAY = 86_400
FALLBACK = Profile(5, 1.0, (), ((1.0, 7.0, 21.0),))


@dataclass
class Options:
    seed: int = 1
    unit: Unit | None = None  # None: the whole country
    venues: int = 1_000
    people: int = 10_000
    days: int = 7
    checkins_per_day: int = 10_000
    start: date | None = None  # first simulated local day; default: the last `days` days to today
    using: str = "default"


@dataclass
class Summary:
    venues: int = 0
    entrances: int = 0
    trips: int = 0
    people: int = 0
    visits: int = 0
    extras: dict = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.visits / self.seconds if self.seconds else 0
        extra = "".join(f", {n:,} {k}" for k, n in self.extras.items())
        return (
            f"Simulated {self.venues:,} venues ({self.entrances:,} entrances, {self.trips:,} trips), "
            f"{self.people:,} people, {self.visits:,} check-ins{extra} in {self.seconds:.1f} s "
            f"({rate:,.0f} check-ins/s)"
        )


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


class Simulation:
    """Plans the synthetic world in numpy arrays, then writes it table by table."""

    def __init__(self, options: Options, *, progress=None):
        self.o = options
        self.progress = progress or (lambda line: None)
        self.writer = BulkWriter(options.using)
        self.vendor = connections[options.using].vendor
        self.tz = ZoneInfo(settings.TIME_ZONE)
        today = datetime.now(self.tz).date()
        self.start = options.start or today - timedelta(days=options.days - 1)
        # Without a start date the period ends now: no check-in lies in the future.
        self.until = None if options.start else int(time.time())
        self.summary = Summary()

    # -- the map ---------------------------------------------------------------------------
    def communes(self) -> list[Unit]:
        qs = Unit.objects.using(self.o.using).current().filter(level=Level.COMMUNE)
        if self.o.unit is not None:
            qs = qs.filter(path__startswith=self.o.unit.path)
        units = list(qs.order_by("path").only("id", "kind", "path", "population"))
        if not units and self.o.unit is not None:
            units = [self.o.unit]
        if not units:
            raise ValueError("no administrative units to simulate: run `ravao loadunits` first")
        return units

    def run(self) -> Summary:
        t0 = time.monotonic()
        o = self.o
        communes = self.communes()
        rng = rng_for(o.seed, 0)
        # Wards (phường) are denser than rural communes; sizes vary a lot within each kind.
        weight = np.array(
            [(3.0 if (u.kind or "").startswith("Phường") else 1.0) * (u.population or 1) for u in communes]
        )
        weight *= rng.lognormal(0.0, 0.7, len(communes))
        self.commune_ids = np.array([u.id for u in communes], dtype=np.int64)
        self.commune_p = weight / weight.sum()

        self.types = list(VenueType.objects.using(o.using).order_by("code"))
        self.type_profiles = [PROFILES.get(t.code, FALLBACK) for t in self.types]
        self.plan_venues()
        self.people = build_people(self, communes)
        # A first pass over the days (cheap: numpy only) finds everyone's last check-in, so that
        # people are written once with the right last_seen_at instead of updated afterwards.
        for d in range(o.days):
            p = self.plan_day(d)
            self.people.seen(p["person"], p["t_in"])
        self.progress(f"planned {o.venues:,} venues and {o.people:,} people over {len(communes):,} communes")
        with transaction.atomic(using=o.using):
            self.bulk_mode()
            self.write_venues()
            self.people.write(self.writer)
        self.summary.people = o.people
        self.progress(f"wrote venues and people ({time.monotonic() - t0:.1f} s)")

        first = datetime(self.start.year, self.start.month, self.start.day, tzinfo=self.tz)
        last = first + timedelta(days=o.days + 1)
        partitions.ensure_partitions(
            first.astimezone(UTC).date(), last.astimezone(UTC).date(), conn=connections[o.using]
        )
        self.declarations = extras.Declarations(self)
        for d in range(o.days):
            t_day = time.monotonic()
            with transaction.atomic(using=o.using):
                self.bulk_mode()
                n = self.write_day(d)
            self.summary.visits += n
            rate = n / max(time.monotonic() - t_day, 1e-9)
            self.progress(
                f"day {d + 1}/{o.days} ({self.start + timedelta(days=d)}): {n:,} check-ins, "
                f"{rate:,.0f}/s, total {self.summary.visits:,}"
            )
        with transaction.atomic(using=o.using):
            self.summary.extras.update(extras.write_extras(self))
        self.analyze()
        self.summary.seconds = time.monotonic() - t0
        return self.summary

    def analyze(self) -> None:
        """Fresh planner statistics for the tables just loaded: without them PostgreSQL guesses
        0.5% of rows per value and picks wrong plans (e.g. walks the last_seen_at index to find
        one person by keyed hash) until autovacuum gets round to it."""
        if self.vendor != "postgresql":
            return
        from django.apps import apps

        tables = ["people_person", "venues_venue", "venues_entrance", "venues_trip", partitions.TABLE]
        for label in ("people.Declaration", "oversight.TargetEstablishment"):
            try:
                tables.append(apps.get_model(label)._meta.db_table)
            except LookupError:
                pass
        with connections[self.o.using].cursor() as cur:
            for table in tables:
                cur.execute(f"ANALYZE {table}")
        self.progress("analyzed " + ", ".join(tables))

    def bulk_mode(self) -> None:
        """Inside a transaction: on PostgreSQL, when the role may, skip the foreign-key triggers
        for this transaction (``session_replication_role = replica``, what restores of dumps
        do). Every id written was reserved or read by the simulator itself, so the checks can
        only pass; they cost four lookups per visit, about 80% of the load time otherwise. The
        tests check integrity with anti-joins instead."""
        if self.vendor != "postgresql" or not self.trusted:
            return
        with connections[self.o.using].cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")

    @property
    def trusted(self) -> bool:
        if not hasattr(self, "_trusted"):
            with connections[self.o.using].cursor() as cur:
                cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cur.fetchone()
            self._trusted = bool(row and row[0])
        return self._trusted

    # -- venues ----------------------------------------------------------------------------
    def plan_venues(self) -> None:
        o = self.o
        rng = rng_for(o.seed, 1)
        n = o.venues
        shares = np.array([p.share for p in self.type_profiles], dtype=float)
        self.v_type = rng.choice(len(self.types), n, p=shares / shares.sum())
        if n >= 4 * len(self.types):  # every type at least once (rare ones: airports, ports)
            self.v_type[rng.permutation(n)[: len(self.types)]] = np.arange(len(self.types))
        self.v_commune = rng.choice(len(self.commune_ids), n, p=self.commune_p)
        self.v_size = rng.lognormal(0.0, 0.6, n)
        self.v_hash = rng.integers(0, 2**31, n)
        self.v_codes = self._codes(rng, n)
        # Events: one day of the simulated period and a window in it (local hours).
        self.v_event_day = np.full(n, -1)
        self.v_event_start = np.zeros(n)
        self.v_event_len = np.zeros(n)
        for t, vt in enumerate(self.types):
            mask = self.v_type == t
            if vt.code in EVENT_WINDOWS or vt.kind == "event":
                windows = EVENT_WINDOWS.get(vt.code, ((9.0, 4.0),))
                k = int(mask.sum())
                pick = rng.integers(0, len(windows), k)
                self.v_event_day[mask] = rng.integers(0, o.days, k)
                self.v_event_start[mask] = [windows[i][0] for i in pick]
                self.v_event_len[mask] = [windows[i][1] for i in pick]
        self.v_entrances = np.array([p.entrances for p in self.type_profiles])[self.v_type]
        self.v_entrance0 = np.concatenate([[0], np.cumsum(self.v_entrances)[:-1]])
        busy = np.array([p.busy for p in self.type_profiles])[self.v_type]
        self.v_weight = busy * self.v_size
        stays = np.array([t.default_stay_minutes for t in self.types])
        self.v_stay = stays[self.v_type]
        self.v_kind = np.array([t.kind for t in self.types])[self.v_type]
        # Vehicles: trips per day from the plan of their type.
        self.v_trips = np.zeros(n, dtype=np.int64)
        self.trip_plan = {}
        for t, vt in enumerate(self.types):
            if vt.kind == "vehicle":
                first, last_dep, every, lasts = TRIP_PLANS.get(vt.code, (6.0, 18.0, 120, vt.default_stay_minutes))
                count = int((last_dep - first) * 60 // every) + 1
                self.trip_plan[t] = (first, every, lasts, count)
                self.v_trips[self.v_type == t] = count
        # Each day's trips are written as one block, vehicle after vehicle in venue order.
        self._trip_first = np.full(n, -1, dtype=np.int64)
        vehicles = np.nonzero(self.v_trips > 0)[0]
        if len(vehicles):
            self._trip_first[vehicles] = np.concatenate([[0], np.cumsum(self.v_trips[vehicles])[:-1]])

    def _codes(self, rng, n: int) -> list[str]:
        space = len(CODE_ALPHABET) ** CODE_LENGTH
        taken = set()
        if n and Venue.objects.using(self.o.using).exists():
            taken = set(Venue.objects.using(self.o.using).values_list("code", flat=True))
        codes, seen = [], set()
        while len(codes) < n:
            for number in rng.integers(0, space, n - len(codes) + 16).tolist():
                chars = []
                for _ in range(CODE_LENGTH):
                    number, r = divmod(number, len(CODE_ALPHABET))
                    chars.append(CODE_ALPHABET[r])
                code = "".join(chars)
                if code not in seen and code not in taken:
                    seen.add(code)
                    codes.append(code)
                    if len(codes) == n:
                        break
        return codes

    def write_venues(self) -> None:
        o, n = self.o, self.o.venues
        ids = np.array(self.writer.reserve_ids(Venue, n), dtype=np.int64)
        self.v_id = ids
        rng = rng_for(o.seed, 2)
        created = self.fmt_dt(datetime.combine(self.start, datetime.min.time(), self.tz) - timedelta(days=30))
        numbers = rng.integers(1, 300, n).tolist()
        streets = rng.integers(0, len(STREETS), n).tolist()
        type_names = [t.name_vi for t in self.types]
        kinds = self.v_kind.tolist()
        names, plates, starts, ends = [], [], [], []
        day0 = datetime.combine(self.start, datetime.min.time(), self.tz)
        for i, t in enumerate(self.v_type.tolist()):
            names.append(f"{type_names[t].split(',')[0]} {STREETS[streets[i]]} {numbers[i]}")
            plates.append(f"{75 + i % 20}B-{(self.v_hash[i] % 100000):05d}" if kinds[i] == "vehicle" else "")
            if self.v_event_day[i] >= 0:
                begin = day0 + timedelta(days=int(self.v_event_day[i]), hours=float(self.v_event_start[i]))
                starts.append(self.fmt_dt(begin))
                ends.append(self.fmt_dt(begin + timedelta(hours=float(self.v_event_len[i]))))
            else:
                starts.append(None)
                ends.append(None)
        sector_of = [t.sector_id for t in self.types]
        keys = {}
        if any(f.name == "natural_key" for f in Venue._meta.concrete_fields):
            # The registry's derived columns (duplicate detector, folded search text).
            probe = Venue()
            natural, search = [], []
            units = self.commune_ids[self.v_commune].tolist()
            for i in range(n):
                probe.unit_id, probe.name, probe.code = units[i], names[i], self.v_codes[i]
                probe.street = f"{numbers[i]} {STREETS[streets[i]]}"
                probe.refresh_keys()
                natural.append(probe.natural_key)
                search.append(probe.search_key)
            keys = {"natural_key": natural, "search_key": search}
        self.writer.write(
            Venue,
            {
                **keys,
                "id": ids.tolist(),
                "code": self.v_codes,
                "name": names,
                "venue_type_id": [self.types[t].id for t in self.v_type.tolist()],
                "sector_id": [sector_of[t] for t in self.v_type.tolist()],
                "unit_id": self.commune_ids[self.v_commune].tolist(),
                "street": [f"{numbers[i]} {STREETS[streets[i]]}" for i in range(n)],
                "default_stay_minutes": self.v_stay.tolist(),
                "capacity": np.maximum(10, (self.v_weight * 20).astype(np.int64)).tolist(),
                "verified": (rng.random(n) < 0.8).tolist(),
                "starts_at": starts,
                "ends_at": ends,
                "plate": plates,
                "created_at": [created] * n,
            },
        )
        self.summary.venues = n
        # Entrances: every venue has one, big places two or three.
        total = int(self.v_entrances.sum())
        e_ids = np.array(self.writer.reserve_ids(Entrance, total), dtype=np.int64)
        self.e_id = e_ids
        owner = np.repeat(ids, self.v_entrances)
        rank = np.arange(total) - np.repeat(self.v_entrance0, self.v_entrances)
        labels = ["Cổng chính", "Cổng phụ", "Cổng sau"]
        self.writer.write(
            Entrance,
            {
                "id": e_ids.tolist(),
                "venue_id": owner.tolist(),
                "name": [labels[min(r, 2)] for r in rank.tolist()],
            },
        )
        self.summary.entrances = total

    # -- visits ----------------------------------------------------------------------------
    @property
    def epoch0(self) -> int:
        """Unix time of local midnight starting the first simulated day."""
        return int(datetime.combine(self.start, datetime.min.time(), self.tz).timestamp())

    def fmt_dt(self, value: datetime) -> str:
        value = value.astimezone(UTC)
        if self.vendor == "postgresql":
            return value.strftime("%Y-%m-%d %H:%M:%S+00")
        return value.strftime("%Y-%m-%d %H:%M:%S")

    def time_text(self):
        """Lookup tables turning unix seconds into the database's timestamp text quickly."""
        if not hasattr(self, "_day_text"):
            base = self.epoch0 - self.epoch0 % DAY - 2 * DAY
            self._text_base = base
            days = self.o.days + 6
            self._day_text = [datetime.fromtimestamp(base + k * DAY, UTC).strftime("%Y-%m-%d ") for k in range(days)]
            suffix = "+00" if self.vendor == "postgresql" else ""
            self._hms_text = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(DAY)]
        return self._text_base, self._day_text, self._hms_text

    def texts(self, seconds: np.ndarray) -> list[str]:
        base, day_text, hms = self.time_text()
        rel = seconds - base
        days = (rel // DAY).tolist()
        secs = (rel % DAY).tolist()
        return [day_text[d] + hms[s] for d, s in zip(days, secs, strict=True)]

    def day_weights(self, d: int) -> np.ndarray:
        w = self.v_weight.copy()
        is_event = self.v_event_day >= 0
        w[is_event & (self.v_event_day != d)] = 0.0
        return w

    def plan_day(self, d: int) -> dict[str, np.ndarray]:
        """The visits of simulated day ``d`` as arrays (venue index, person index, times...)."""
        o = self.o
        rng = rng_for(o.seed, 100, d)
        k = o.checkins_per_day
        w = self.day_weights(d)
        cum = np.cumsum(w)
        venue = np.searchsorted(cum, rng.random(k) * cum[-1], side="right")
        venue = np.minimum(venue, len(w) - 1)
        vtype = self.v_type[venue]
        hour = np.zeros(k)
        trip = np.full(k, -1, dtype=np.int64)
        stay = np.zeros(k)  # minutes, real stay
        day_start = self.epoch0 + d * DAY
        for t, prof in enumerate(self.type_profiles):
            sel = np.nonzero(vtype == t)[0]
            if not len(sel):
                continue
            if t in self.trip_plan:
                first, every, lasts, count = self.trip_plan[t]
                j = rng.integers(0, count, len(sel))
                depart = first * 60 + j * every  # minutes after midnight
                hour[sel] = (depart - rng.random(len(sel)) * min(10, lasts / 2)) / 60
                stay[sel] = (depart + lasts) - hour[sel] * 60
                trip[sel] = self.trip_index(d, venue[sel], j)
                continue
            if self.v_event_day[venue[sel]].max(initial=-1) >= 0 and self.types[t].kind == "event":
                begin = self.v_event_start[venue[sel]]
                length = self.v_event_len[venue[sel]]
                hour[sel] = begin + rng.random(len(sel)) * np.maximum(0.25, length * 0.6)
                stay[sel] = np.maximum(10, (begin + length - hour[sel]) * 60 * rng.uniform(0.5, 1.0, len(sel)))
                continue
            hour[sel] = self._hours(rng, prof, len(sel))
            base = self.v_stay[venue[sel]]
            stay[sel] = np.clip(base * rng.lognormal(-0.15, 0.45, len(sel)), 2, base * 2.5)
        hour = np.clip(hour, 0, 24 - 1 / 3600)
        t_in = day_start + (hour * 3600).astype(np.int64)
        missing = rng.random(k) < MISSING_CHECKOUT
        default = self.v_stay[venue] * 60
        is_trip = trip >= 0
        t_out = np.where(missing & ~is_trip, t_in + default, t_in + (stay * 60).astype(np.int64))
        t_out = np.maximum(t_out, t_in + 60)
        method = np.where(missing, 0, np.where(rng.random(k) < SCAN_CHECKOUT, 2, 1))
        person = self.people.pick(
            rng,
            venue,
            self.v_commune[venue],
            self.v_hash[venue],
            np.array([p.regulars for p in self.type_profiles])[vtype] * self.v_size[venue],
        )
        entrance = self.v_entrance0[venue] + (rng.random(k) * self.v_entrances[venue]).astype(np.int64)
        channel = rng.choice(len(CHANNELS), k, p=[c[1] for c in CHANNELS])
        order = np.argsort(t_in, kind="stable")
        if self.until is not None:  # nothing after "now": the last day stops at the present
            order = order[t_in[order] <= self.until]
        return {
            "venue": venue[order],
            "person": person[order],
            "entrance": entrance[order],
            "trip": trip[order],
            "t_in": t_in[order],
            "t_out": t_out[order],
            "method": method[order],
            "channel": channel[order],
        }

    @staticmethod
    def _hours(rng, prof: Profile, k: int) -> np.ndarray:
        comps = list(prof.rhythm) + list(prof.flat)
        if not comps:
            return rng.uniform(7, 21, k)
        weights = np.array([c[0] for c in comps], dtype=float)
        which = rng.choice(len(comps), k, p=weights / weights.sum())
        out = np.empty(k)
        for c, comp in enumerate(comps):
            sel = which == c
            m = int(sel.sum())
            if c < len(prof.rhythm):
                out[sel] = rng.normal(comp[1], comp[2], m)
            else:
                out[sel] = rng.uniform(comp[1], comp[2], m)
        return np.mod(out, 24)

    # Trips: ids reserved per day, laid out vehicle after vehicle in venue order.
    def trip_index(self, d: int, venues: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self._trip_first[venues] + j

    def write_trips(self, d: int) -> None:
        vehicles = np.nonzero(self.v_trips > 0)[0]
        counts = self.v_trips[vehicles]
        total = int(counts.sum())
        if not total:
            self._trip_ids = np.zeros(0, dtype=np.int64)
            return
        ids = np.array(self.writer.reserve_ids(Trip, total), dtype=np.int64)
        self._trip_ids = ids
        owner = np.repeat(vehicles, counts)
        j = np.arange(total) - np.repeat(self._trip_first[vehicles], counts)
        first = np.array([self.trip_plan[t][0] for t in self.v_type[owner].tolist()])
        every = np.array([self.trip_plan[t][1] for t in self.v_type[owner].tolist()])
        lasts = np.array([self.trip_plan[t][2] for t in self.v_type[owner].tolist()])
        depart = self.epoch0 + d * DAY + ((first * 60 + j * every) * 60).astype(np.int64)
        self.writer.write(
            Trip,
            {
                "id": ids.tolist(),
                "venue_id": self.v_id[owner].tolist(),
                "departs_at": self.texts(depart),
                "arrives_at": self.texts(depart + (lasts * 60).astype(np.int64)),
                "label": [f"{int(x) // 60 % 24:02d}:{int(x) % 60:02d}" for x in (first * 60 + j * every).tolist()],
            },
        )
        self.summary.trips += total

    def write_day(self, d: int) -> int:
        self.write_trips(d)
        p = self.plan_day(d)
        k = len(p["venue"])
        methods = ("auto", "button", "scan")
        channels = [c[0] for c in CHANNELS]
        statuses = self.people.status_text()
        trip = p["trip"]
        trip_ids = np.where(trip >= 0, self._trip_ids[np.maximum(trip, 0)] if len(self._trip_ids) else -1, -1)
        cols = {
            "venue_id": _ints(self.v_id[p["venue"]]),
            "person_id": _ints(self.people.ids[p["person"]]),
            "entrance_id": _ints(self.e_id[p["entrance"]]),
            "trip_id": [r"\N" if x < 0 else str(x) for x in trip_ids.tolist()],
            "checked_in_at": self.texts(p["t_in"]),
            "checked_out_at": self.texts(p["t_out"]),
            "checkout_method": [methods[m] for m in p["method"].tolist()],
            "channel": [channels[c] for c in p["channel"].tolist()],
            "status": [statuses[s] for s in self.people.status[p["person"]].tolist()],
        }
        if self.vendor != "postgresql":
            for name in ("venue_id", "person_id", "entrance_id"):
                cols[name] = [int(x) for x in cols[name]]
            cols["trip_id"] = int_column(trip_ids)
        self.writer.write(Visit, cols)
        self.summary.extras["declarations"] = self.summary.extras.get("declarations", 0) + self.declarations.write_day(
            d, p["person"], p["t_in"]
        )
        return k


def _ints(values: np.ndarray) -> list[str]:
    return list(map(str, values.tolist()))


def status_shares() -> tuple[list[str], list[float]]:
    return [s[0] for s in STATUS_SHARES], [s[1] for s in STATUS_SHARES]
