"""Bounded types for the API's schemas and parameters: what every endpoint accepts as an id,
a page, a moment or a PATCH. The middleware in ravao/core/inputs.py refuses what no field can
hold (control characters, numbers beyond 64 bits); these say what a field of a kind can.
"""

import types
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, model_validator

MAX_ID = 2**63 - 1
MAX_OFFSET = 10_000_000
FIRST_YEAR, LAST_YEAR = 1900, 2200

# A primary key (path or body): positive, within a 64-bit integer.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# How many rows to skip: never negative, bounded so that no database is asked for absurd pages.
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
# A count of something small (capacity, minutes, a birth year): what a 32-bit column holds.
SmallInt = Annotated[int, Field(ge=0, le=2**31 - 1)]


def _moment_in_range(value: datetime) -> datetime:
    """Refuse moments whose year or time-zone offset lies outside anything Ravao records:
    ``9999-12-31T23:59-23:59`` is a valid ISO string but no valid instant in UTC."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            _("The date must lie between the years %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    offset = value.utcoffset()
    if offset is not None and abs(offset.total_seconds()) > 14 * 3600:
        raise ValueError(_("The time-zone offset must lie between -14:00 and +14:00."))
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            _("The date must lie between the years %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ) from None
    return value


def _day_in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            _("The date must lie between the years %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


Moment = Annotated[datetime, AfterValidator(_moment_in_range)]
Day = Annotated[date, AfterValidator(_day_in_range)]


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_text(a) for a in get_args(annotation))
    return get_origin(annotation) is Annotated and _is_text(get_args(annotation)[0])


class PatchSchema(Schema):
    """A PATCH body: an absent field is left alone; ``null`` clears only the fields named in
    ``nullable`` (optional columns) and is refused for every other one — a text is emptied with
    "", and a required value (a case's window, a length of stay) cannot be removed."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_null_where_required(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja wraps the input in a DjangoGetter first
        if isinstance(raw, dict):
            for name, info in cls.model_fields.items():
                key = info.alias or name
                if key in raw and raw[key] is None and name not in cls.nullable:
                    if _is_text(info.annotation):
                        raise ValueError(
                            _('“%(field)s” cannot be null: send a text ("" to empty it).') % {"field": key}
                        )
                    raise ValueError(_("“%(field)s” cannot be null.") % {"field": key})
        return data
