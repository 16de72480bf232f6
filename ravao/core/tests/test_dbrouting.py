"""The replica router's decisions, without a replica (the real cluster: tests/test_cluster.py).

Which alias a block picks, that writes never leave the primary, that a block that wrote reads
from the primary, that a browser which just changed something is pinned to the primary, and
that nothing changes when no replica is configured."""

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from ravao.core import dbrouting
from ravao.core.dbconfig import replica_databases
from ravao.core.templatetags.dbfreshness import freshness_text


@pytest.fixture
def fake_replicas(monkeypatch):
    """Two replicas whose lag the test sets (None: unreachable)."""
    lags = {"replica": 0.0, "replica2": 0.0}
    monkeypatch.setattr(dbrouting, "replica_aliases", lambda: list(lags))
    monkeypatch.setattr(dbrouting, "replica_lag", lambda alias, fresh=False: lags[alias])
    return lags


def test_it_changes_nothing_without_a_replica():
    assert dbrouting.replica_aliases() == []
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    with dbrouting.reading_from_replica() as block:
        assert block.alias == DEFAULT_DB_ALIAS and block.reason == "no replica"
        assert dbrouting.read_alias() == DEFAULT_DB_ALIAS
    assert freshness_text(block) == ""


def test_it_builds_one_alias_per_replica_url():
    dbs = replica_databases(
        ["postgres://u@r1:5433/ravao", "postgres://u@r2:5433/ravao"], conn_max_age=60, connect_timeout=2, options={}
    )
    assert list(dbs) == ["replica", "replica2"]
    assert dbs["replica2"]["HOST"] == "r2" and dbs["replica2"]["OPTIONS"]["connect_timeout"] == 2
    assert dbs["replica"]["TEST"] == {"MIRROR": "default"} and dbs["replica"]["CONN_HEALTH_CHECKS"]


def test_it_reads_from_a_replica_inside_a_block_only(fake_replicas):
    assert dbrouting.read_alias() == DEFAULT_DB_ALIAS
    with dbrouting.reading_from_replica() as block:
        assert block.reason == "replica" and block.alias in fake_replicas
        assert dbrouting.read_alias() == block.alias
        with dbrouting.reading_from_replica() as inner:  # nested: the same choice
            assert inner is block
    assert dbrouting.read_alias() == DEFAULT_DB_ALIAS
    assert dbrouting.last_read() is block


def test_it_skips_a_lagging_or_lost_replica(fake_replicas, settings):
    settings.RAVAO_REPLICA_MAX_LAG_SECONDS = 10
    fake_replicas.update(replica=None, replica2=3.0)
    with dbrouting.reading_from_replica() as block:
        assert block.alias == "replica2" and block.lag == 3.0
    fake_replicas.update(replica2=45.0)
    with dbrouting.reading_from_replica() as block:
        assert block.alias == DEFAULT_DB_ALIAS and block.reason == "lagging" and block.lag == 45.0
    with translation.override("en"):
        assert "45 s behind" in freshness_text(block)
    fake_replicas.update(replica2=None)
    with dbrouting.reading_from_replica() as block:
        assert block.alias == DEFAULT_DB_ALIAS and block.reason == "down"
    with translation.override("vi"):
        assert "Không kết nối được bản sao" in freshness_text(block)


def test_it_writes_to_the_primary_and_then_reads_from_it(fake_replicas):
    router = dbrouting.ReplicaRouter()
    with dbrouting.reading_from_replica() as block:
        assert router.db_for_read(None) == block.alias
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
        assert router.db_for_read(None) == DEFAULT_DB_ALIAS  # it may have to see that write
    assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica", "checkins") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "checkins") is True


def test_it_holds_a_generators_block_only_while_the_generator_runs(fake_replicas):
    seen = []

    @dbrouting.reading_from_replica()
    def rows():
        for i in range(2):
            seen.append(dbrouting.read_alias())
            yield i

    for _ in rows():
        seen.append(dbrouting.read_alias())
    assert seen[0] in fake_replicas and seen[2] == seen[0]
    assert seen[1] == seen[3] == DEFAULT_DB_ALIAS


def test_it_reads_again_from_the_primary_when_the_replica_fails(fake_replicas, monkeypatch):
    monkeypatch.setattr(dbrouting, "_failed_on_replica", lambda block, exc: block.on_replica)
    calls = []

    @dbrouting.reading_from_replica()
    def figures():
        calls.append(dbrouting.read_alias())
        if len(calls) == 1:
            raise OperationalError("terminating connection due to conflict with recovery")
        return "ok"

    assert figures() == "ok"
    assert calls[0] in fake_replicas and calls[1] == DEFAULT_DB_ALIAS
    assert dbrouting.last_read().reason == "retry"


def test_it_pins_a_browser_that_changed_something_to_the_primary(fake_replicas, settings):
    settings.RAVAO_REPLICA_MAX_LAG_SECONDS = 12
    seen = []

    def view(request):
        with dbrouting.reading_from_replica() as block:
            seen.append(block.alias)
        return HttpResponse("ok")

    middleware = dbrouting.ReplicaMiddleware(view)
    assert dbrouting.PIN_COOKIE not in middleware(RequestFactory().post("/api/v1/checkins")).cookies  # anonymous
    signed_in = RequestFactory().post("/tracing/cases/1/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    response = middleware(signed_in)
    assert response.cookies[dbrouting.PIN_COOKIE]["max-age"] == 12
    request = RequestFactory().get("/tracing/cases/1/contacts/")
    request.COOKIES[dbrouting.PIN_COOKIE] = "1"
    assert dbrouting.PIN_COOKIE not in middleware(request).cookies
    assert middleware(RequestFactory().get("/oversight/")).status_code == 200
    assert seen[2] == DEFAULT_DB_ALIAS and seen[3] in fake_replicas
