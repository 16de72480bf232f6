"""Core tables: the database's rate counts (ravao/core/ratelimit.py, ``hit_shared``)."""

from django.db import models


class RateCount(models.Model):
    """One identity's count in one window, for limits that must be shared by every worker and
    server even without Redis (the log-in lockout): ``key`` is the scope, a keyed hash of the
    identity and the window's bucket; rows are deleted once ``expires_at`` has passed."""

    key = models.CharField(max_length=96, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
