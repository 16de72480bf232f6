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
        "name": [f"{types[t].name_vi.split(',')[0]} {sim.v_codes[v]}" for t, v in zip(reg_types, registered.tolist(), strict=True)]
        + [f"{types[t].name_vi.split(',')[0]} {STREETS[s]} ({i + 1})" for i, (t, s) in enumerate(zip(m_type.tolist(), m_street, strict=True))],
        "venue_type_id": [types[t].id for t in reg_types] + [types[t].id for t in m_type.tolist()],
        "sector_id": [types[t].sector_id for t in reg_types] + [types[t].sector_id for t in m_type.tolist()],
        "address": [""] * len(registered) + [f"{s + 1} {STREETS[s]}" for s in m_street],
        "status": ["registered"] * len(registered) + m_status,
        "venue_id": sim.v_id[registered].tolist() + [None] * missing,
        "source": ["simulate"] * (len(registered) + missing),
    }
    return sim.writer.write(Target, cols)


def _place_shares(sim) -> np.ndarray:
    shares = np.array([p.share if t.kind == "place" else 0.0 for t, p in zip(sim.types, sim.type_profiles, strict=True)])
    return shares / shares.sum()
