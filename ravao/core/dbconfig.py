"""Database entries built from the environment (imported by settings: no Django imports here).

``DATABASE_REPLICA_URL`` names one or several streaming replicas, comma-separated; each becomes
an alias ``replica``, ``replica2``, … that ``ravao.core.dbrouting`` may read from. In tests a
replica mirrors the test database (Django's ``TEST.MIRROR``): on a real cluster the test
database created on the primary reaches the replicas by streaming replication.
"""

import dj_database_url

REPLICA_PREFIX = "replica"


def replica_alias(index: int) -> str:
    return REPLICA_PREFIX if index == 0 else f"{REPLICA_PREFIX}{index + 1}"


def replica_databases(urls: list[str], *, conn_max_age: int, connect_timeout: int, options: dict) -> dict:
    """The ``DATABASES`` entries of the replicas at ``urls`` (none when the list is empty)."""
    out = {}
    for i, url in enumerate(urls):
        entry = dj_database_url.parse(url, conn_max_age=conn_max_age)
        # A replica that went away must not cost every request a long connect: fail fast, and
        # check a kept connection before reusing it (the router then reads from the primary).
        entry["OPTIONS"] = {**options, **entry.get("OPTIONS", {}), "connect_timeout": connect_timeout}
        entry["CONN_HEALTH_CHECKS"] = True
        entry["TEST"] = {"MIRROR": "default"}
        out[replica_alias(i)] = entry
    return out
