"""Synthetic people: residents of communes, with encrypted personal fields and unique keyed hashes.

Encrypting is the slow part (Fernet costs ~8 µs a value): names, streets and birth dates come
from small pools encrypted once and reused, while phones and ID numbers are encrypted one by one
(in worker processes when there are many) so that what a tracer reads matches the keyed hash
that finds the person. Phones and ID numbers are unique: index i maps to number (a·i + b) mod N
with a coprime to N, a permutation chosen by the seed.
"""

import math
import multiprocessing
import os
from datetime import date, datetime, timedelta

import numpy as np

from ravao.core.crypto import encrypt, lookup_hash
from ravao.people.models import Person
from ravao.simulate.profiles import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STATUS_SHARES, STREETS

# Vietnamese mobile prefixes (after +84) that phonenumbers accepts as mobile numbers.
MOBILE_PREFIXES = (
    32,
    33,
    34,
    35,
    36,
    37,
    38,
    39,
    70,
    76,
    77,
    78,
    79,
    81,
    82,
    83,
    84,
    85,
    86,
    87,
    88,
    90,
    91,
    92,
    93,
    94,
    95,
    96,
    97,
    98,
    99,
)
PHONE_SPACE = len(MOBILE_PREFIXES) * 10**7
ID_SPACE = 10**11
PARALLEL_FROM = 50_000  # encrypt in worker processes above this many people


def _coprime(rng, space: int) -> int:
    while True:
        a = int(rng.integers(space // 3, space - 1))
        if math.gcd(a, space) == 1:
            return a


def phone_of(i: int, a: int, b: int) -> str:
    n = (a * i + b) % PHONE_SPACE
    return f"+84{MOBILE_PREFIXES[n // 10**7]}{n % 10**7:07d}"


def id_of(i: int, a: int, b: int) -> str:
    return f"0{(a * i + b) % ID_SPACE:011d}"


def _encrypt_chunk(values: list[str]) -> list[str]:
    return [encrypt(v) for v in values]


def encrypt_many(values: list[str]) -> list[str]:
    if len(values) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return _encrypt_chunk(values)
    step = 20_000
    chunks = [values[i : i + step] for i in range(0, len(values), step)]
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        return [token for part in pool.map(_encrypt_chunk, chunks) for token in part]


class People:
    """People as arrays, sorted by commune so that "someone living in commune c" is a slice."""

    def __init__(self, sim, communes):
        o = sim.o
        self.sim = sim
        rng = np.random.default_rng([o.seed, 3])
        n = self.n = o.people
        self.commune = np.sort(rng.choice(len(communes), n, p=sim.commune_p))
        self.c_start = np.searchsorted(self.commune, np.arange(len(communes)))
        self.c_count = np.bincount(self.commune, minlength=len(communes))
        self.sex = rng.integers(0, 2, n)
        ages = np.clip(rng.triangular(0, 28, 90, n), 1, 95).astype(np.int64)
        self.birth_year = sim.start.year - ages
        self.birth_doy = rng.integers(0, 365, n)
        self.name_pick = rng.integers(0, 1 << 30, n)
        self.street_pick = rng.integers(0, 1 << 30, n)
        shares = np.array([s[1] for s in STATUS_SHARES])
        self.status = rng.choice(len(STATUS_SHARES), n, p=shares / shares.sum())
        self.phone_ab = (_coprime(rng, PHONE_SPACE), int(rng.integers(0, PHONE_SPACE)))
        self.id_ab = (_coprime(rng, ID_SPACE), int(rng.integers(0, ID_SPACE)))
        self.last_seen = np.full(n, -1, dtype=np.int64)
        self.ids = np.zeros(n, dtype=np.int64)

    # -- visits ----------------------------------------------------------------------------
    def pick(self, rng, venue, commune, vhash, pool) -> np.ndarray:
        """Who makes each visit: regulars of the venue (workers, pupils, residents of the
        building) for places that have them, else mostly people of the venue's commune."""
        k = len(venue)
        count = self.c_count[commune]
        start = self.c_start[commune]
        has_local = count > 0
        safe = np.maximum(count, 1)
        r = rng.random(k)
        anywhere = (rng.random(k) * self.n).astype(np.int64)
        local = start + (r * safe).astype(np.int64)
        pool = np.minimum(np.maximum(pool, 1), safe).astype(np.int64)
        regular = start + (vhash + (r * pool).astype(np.int64)) % safe
        walk_in_local = rng.random(k) < 0.75
        out = np.where(walk_in_local, local, anywhere)
        out = np.where(pool > 1, regular, out)
        return np.where(has_local, out, anywhere)

    def seen(self, person: np.ndarray, t_in: np.ndarray) -> None:
        np.maximum.at(self.last_seen, person, t_in)

    @staticmethod
    def status_text() -> list[str]:
        return [s[0] for s in STATUS_SHARES]

    # -- writing ---------------------------------------------------------------------------
    def _name_pool(self) -> tuple[list[str], list[str]]:
        rng = np.random.default_rng([self.sim.o.seed, 4])
        fam = [f for f, _ in FAMILY_NAMES]
        fam_p = np.array([w for _, w in FAMILY_NAMES], dtype=float)
        pools = []
        for sex in ("male", "female"):
            names = set()
            while len(names) < 400:
                names.add(
                    " ".join(
                        (
                            fam[rng.choice(len(fam), p=fam_p / fam_p.sum())],
                            MIDDLE_NAMES[sex][rng.integers(0, len(MIDDLE_NAMES[sex]))],
                            GIVEN_NAMES[sex][rng.integers(0, len(GIVEN_NAMES[sex]))],
                        )
                    )
                )
            pools.append(sorted(names))
        return pools[0], pools[1]

    def clear_values(self, i: int) -> dict[str, str]:
        """The clear-text personal fields of person ``i`` (tests compare against these)."""
        male, female = self._pools_clear()
        names = male if self.sex[i] == 0 else female
        return {
            "full_name": names[self.name_pick[i] % len(names)],
            "phone": phone_of(i, *self.phone_ab),
            "id_number": id_of(i, *self.id_ab),
        }

    def _pools_clear(self):
        if not hasattr(self, "_clear"):
            self._clear = self._name_pool()
        return self._clear

    def write(self, writer) -> None:
        n, sim = self.n, self.sim
        ids = np.array(writer.reserve_ids(Person, n), dtype=np.int64)
        self.ids = ids
        male, female = self._pools_clear()
        enc_male, enc_female = encrypt_many(male), encrypt_many(female)
        streets = [f"{k + 1} {s}" for s in STREETS for k in range(0, 200, 7)]
        enc_streets = encrypt_many(streets)
        phones = [phone_of(i, *self.phone_ab) for i in range(n)]
        id_numbers = [id_of(i, *self.id_ab) for i in range(n)]
        # Birth dates: few distinct values, encrypted once each.
        births = {}
        birth_text = []
        for y, doy in zip(self.birth_year.tolist(), self.birth_doy.tolist(), strict=True):
            key = (y, doy)
            if key not in births:
                births[key] = encrypt((date(y, 1, 1) + timedelta(days=min(doy, 364))).isoformat())
            birth_text.append(births[key])
        created = sim.fmt_dt(datetime.combine(sim.start, datetime.min.time(), sim.tz) - timedelta(days=1))
        sexes = ("male", "female")
        self.created_epoch = int(datetime.combine(sim.start, datetime.min.time(), sim.tz).timestamp()) - 86_400
        writer.write(
            Person,
            {
                "id": ids.tolist(),
                "full_name": [
                    (enc_male if s == 0 else enc_female)[p % 400]
                    for s, p in zip(self.sex.tolist(), self.name_pick.tolist(), strict=True)
                ],
                "phone": encrypt_many(phones),
                "id_number": encrypt_many(id_numbers),
                "birth_date": birth_text,
                "street": [enc_streets[p % len(enc_streets)] for p in self.street_pick.tolist()],
                "birth_year": self.birth_year.tolist(),
                "sex": [sexes[s] for s in self.sex.tolist()],
                "nationality": ["VN"] * n,
                "unit_id": sim.commune_ids[self.commune].tolist(),
                "phone_hash": [lookup_hash(p) for p in phones],
                "id_hash": [lookup_hash(x) for x in id_numbers],
                "created_at": [created] * n,
                "last_seen_at": self.last_seen_texts(created),
            },
        )

    def last_seen_texts(self, never: str) -> list[str]:
        """Each person's last check-in as text (people never seen: ``never``)."""
        seen = self.last_seen >= 0
        out = [never] * self.n
        idx = np.nonzero(seen)[0]
        for i, text in zip(idx.tolist(), self.sim.texts(self.last_seen[idx]), strict=True):
            out[i] = text
        return out


def build_people(sim, communes) -> People:
    return People(sim, communes)
