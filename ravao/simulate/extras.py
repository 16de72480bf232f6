"""What the simulator adds around visits when the models exist: target establishments for
oversight (some registered as venues, some not yet). Each writer is skipped when its app has
not defined the model, so the simulator runs whatever stage the other apps are at.
"""

import numpy as np
from django.apps import apps

from ravao.simulate.profiles import STREETS, TARGET_REGISTERED_SHARE


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def write_extras(sim) -> dict[str, int]:
    out = {}
    for name, writer in (("target establishments", write_targets),):
        n = writer(sim)
        if n:
            out[name] = n
    return out


class Declarations:
    """Health declarations: every person who declares does so on their first visit of the
    period and again on about one visiting day in five; the answers match their colour."""

    REDECLARE = 0.2

    def __init__(self, sim):
        self.sim = sim
        self.model = _model("people.Declaration")
        if self.model is None:
            return
        from ravao.core.crypto import encrypt
        from ravao.people.models import Person
        from ravao.people.services import declaration_build

        templates = {
            "green": {"commitment": True},
            "yellow": {"commitment": True, "symptoms": ["cough"]},
            "red": {"commitment": True, "contact_case": True},
        }
        self.rows = {}
        for status, answers in templates.items():
            built = declaration_build(person=Person(), answers=answers)
            # One ciphertext per colour, reused: the answers are identical anyway. The status
            # stored is the questionnaire's verdict (it may score a later version differently).
            self.rows[status] = (
                encrypt(built.answers),
                built.questionnaire_id,
                int((built.valid_until - built.created_at).total_seconds()),
                built.status,
                built.reasons,
            )
        self.done = np.zeros(sim.o.people, dtype=bool)

    def write_day(self, d: int, person: np.ndarray, t_in: np.ndarray) -> int:
        if self.model is None or not len(person):
            return 0
        sim = self.sim
        people = sim.people
        rng = np.random.default_rng([sim.o.seed, 6, d])
        uniq, first = np.unique(person, return_index=True)  # visits are sorted by time
        statuses = people.status_text()
        colour = people.status[uniq]
        declares = np.array([statuses[c] != "undeclared" for c in range(len(statuses))])[colour]
        pick = declares & (~self.done[uniq] | (rng.random(len(uniq)) < self.REDECLARE))
        self.done[uniq[pick]] = True
        who, when, colour = uniq[pick], t_in[first[pick]], colour[pick]
        names = [statuses[c] for c in colour.tolist()]
        valid = np.array([self.rows[n][2] for n in names], dtype=np.int64)
        return sim.writer.write(
            self.model,
            {
                "person_id": people.ids[who].tolist(),
                "questionnaire_id": [self.rows[n][1] for n in names],
                "answers": [self.rows[n][0] for n in names],
                "status": [self.rows[n][3] for n in names],
                "reasons": [self.rows[n][4] for n in names],
                "created_at": sim.texts(when),
                "valid_until": sim.texts(when + valid),
            },
        )


def write_targets(sim) -> int:
    """Fixed places are on the commune's list; a share registered (linked to their venue), the
    rest found door to door but not registered yet."""
    Target = _model("oversight.TargetEstablishment")
    if Target is None:
        return 0
    rng = np.random.default_rng([sim.o.seed, 5])
    places = np.nonzero(sim.v_kind == "place")[0]
    registered = places[rng.random(len(places)) < 0.9]
    missing = int(len(registered) * (1 - TARGET_REGISTERED_SHARE) / TARGET_REGISTERED_SHARE)
    m_type = rng.choice(len(sim.types), missing, p=_place_shares(sim))
    m_commune = rng.choice(len(sim.commune_ids), missing, p=sim.commune_p)
    m_status = rng.choice(["not_visited", "guided"], missing, p=[0.6, 0.4]).tolist()
    m_street = rng.integers(0, len(STREETS), missing).tolist()
    types = sim.types
    reg_types = sim.v_type[registered].tolist()
    cols = {
        "unit_id": sim.commune_ids[sim.v_commune[registered]].tolist() + sim.commune_ids[m_commune].tolist(),
        "name": [
            f"{types[t].name_vi.split(',')[0]} {sim.v_codes[v]}"
            for t, v in zip(reg_types, registered.tolist(), strict=True)
        ]
        + [
            f"{types[t].name_vi.split(',')[0]} {STREETS[s]} ({i + 1})"
            for i, (t, s) in enumerate(zip(m_type.tolist(), m_street, strict=True))
        ],
        "venue_type_id": [types[t].id for t in reg_types] + [types[t].id for t in m_type.tolist()],
        "sector_id": [types[t].sector_id for t in reg_types] + [types[t].sector_id for t in m_type.tolist()],
        "address": [""] * len(registered) + [f"{s + 1} {STREETS[s]}" for s in m_street],
        "status": ["registered"] * len(registered) + m_status,
        "venue_id": sim.v_id[registered].tolist() + [None] * missing,
        "source": ["simulate"] * (len(registered) + missing),
    }
    return sim.writer.write(Target, cols)


def _place_shares(sim) -> np.ndarray:
    shares = np.array(
        [p.share if t.kind == "place" else 0.0 for t, p in zip(sim.types, sim.type_profiles, strict=True)]
    )
    return shares / shares.sum()
