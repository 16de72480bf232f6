"""What a check-in did: the domain results of ``checkin_self``, ``checkin_scan`` and the staff
declaration (ravao/checkins/services.py). No HTTP and no JSON here: the API makes its answers
from these in ravao/checkins/answers.py, the visitor pages and ``ravao scan`` read them directly.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from ravao.checkins.models import Visit
from ravao.checkins.recording import person_json

if TYPE_CHECKING:
    from ravao.venues.models import Venue


class Shown(NamedTuple):
    """What an answer may say about who checked in: the masked name and the birth year. For a
    submitter not known to be the person, what they typed (nothing stored about the person).
    (A named tuple: immutable like the results, and cheap to make on the hot path.)"""

    masked_name: str
    birth_year: int | None

    @classmethod
    def of(cls, person) -> "Shown":
        # person_json holds the one masking call of the check-in path.
        seen = person_json(person)
        return cls(seen["masked_name"], seen["birth_year"])


@dataclass(frozen=True)
class CheckinResult:
    """One self check-in, gate scan or exit scan, or a companion's visit.

    ``visit``: the visit recorded, or the open one again (``repeat``: the same person within
    RAVAO_REPEAT_SCAN_MINUTES), or the one an exit scan closed (``direction == "out"``;
    ``repeat``: it was closed already). ``status`` is its colour.

    ``own``: the submitter is known to be the person (a new person, or a device that sent the
    person's holder link); only then ``holder`` (the person's own QR page, a bearer secret) is
    given. ``receipt``: the visitor's proof of the visit (self check-ins and companions).

    ``replayed``: this ``client_id`` was answered before and nothing was written; the fields are
    those of the first answer (``visit`` an unsaved copy of the visit as answered then, ``venue``
    only its code and name). ``answer``: the JSON kept for the client_id (answers.py), made once.
    """

    visit: Visit
    venue: "Venue"
    person: Shown
    direction: str = "in"
    repeat: bool = False
    receipt: str = ""
    holder: str = ""
    own: bool = False
    # The personal QR version the holder link was made for: a replay gives the link again only
    # while it is still current (a replaced QR also revokes old answers' links).
    holder_version: int = 0
    companions: tuple["CheckinResult", ...] = ()
    # A red or yellow colour's meaning here (ravao/health/rules.py ``Advice``), else None; and what
    # the gate did: "entered", or "refused" / "referred" (no visit: ``visit`` is an unsaved
    # stand-in without an id, ravao/checkins/outcomes.py).
    advice: object = None
    outcome: str = "entered"
    replayed: bool = False
    answer: dict | None = field(default=None, repr=False, compare=False)

    @property
    def status(self) -> str:
        return self.visit.status

    @property
    def is_new(self) -> bool:
        """A visit recorded by this request (not a repeat, an exit or a replay)."""
        return not self.replayed and self.direction == "in" and not self.repeat

    @property
    def already_inside(self) -> bool:
        return self.repeat and self.direction == "in"


@dataclass(frozen=True)
class DeclarationResult:
    """A declaration recorded by gate staff on a person's behalf, and the visit in its colour."""

    visit: Visit
    venue: "Venue"
    person: Shown
    valid_until: datetime
