"""`ravao purge`: personal data older than the retention period goes; recent data stays."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ravao.checkins import partitions
from ravao.checkins.models import Visit
from ravao.checkins.tests.retention_helpers import make_person, make_venue, make_visit
from ravao.core.retention import purge, retention_cutoff
from ravao.people.models import Person


@pytest.fixture
def world(small_map, settings):
    settings.RAVAO_RETENTION_DAYS = 30
    now = timezone.now()
    venue = make_venue(small_map.commune_a)
    old = now - timedelta(days=40)
    recent = now - timedelta(days=3)
    gone = make_person(last_seen_at=old)  # seen only 40 days ago
    stays = make_person(last_seen_at=recent)
    # last_seen_at is stale (an import), but a visit inside the period keeps the person.
    kept_by_visit = make_person(last_seen_at=old)
    for p in (gone, stays, kept_by_visit):
        make_visit(venue, p, old)
    make_visit(venue, stays, recent)
    make_visit(venue, kept_by_visit, recent)
    return {
        "now": now,
        "venue": venue,
        "gone": gone,
        "stays": stays,
        "kept_by_visit": kept_by_visit,
        "old": old,
        "recent": recent,
    }


def test_it_deletes_old_visits_and_people_no_longer_seen(world):
    report = purge()
    cutoff = retention_cutoff()
    assert not Visit.objects.filter(checked_in_at__lt=cutoff).exists()
    assert Visit.objects.filter(checked_in_at__gte=cutoff).count() == 2
    assert not Person.objects.filter(pk=world["gone"].pk).exists()
    assert Person.objects.filter(pk__in=[world["stays"].pk, world["kept_by_visit"].pk]).count() == 2
    assert report.counts["people"] == 1
    assert (report.counts["visits"] + report.counts.get("visits_in_dropped_partitions", 0)) >= 0


def test_it_keeps_a_day_until_all_of_it_is_older_than_the_period(world, settings):
    cutoff = retention_cutoff()
    assert cutoff <= world["now"] - timedelta(days=30) < cutoff + timedelta(days=1)
    inside = make_visit(world["venue"], world["stays"], cutoff + timedelta(minutes=5))
    purge()
    assert Visit.objects.filter(pk=inside.pk).exists()


def test_it_deletes_old_declarations_and_those_of_deleted_people(world):
    from django.apps import apps

    Declaration = apps.get_model("people", "Declaration")
    from ravao.people.services import declaration_build

    old = declaration_build(person=world["stays"], answers={}, at=world["old"])
    old.save()
    new = declaration_build(person=world["stays"], answers={}, at=world["recent"])
    new.save()
    of_gone = declaration_build(person=world["gone"], answers={}, at=world["old"] + timedelta(days=5))
    of_gone.save()
    report = purge()
    assert list(Declaration.objects.values_list("pk", flat=True)) == [new.pk]
    assert report.counts["declarations"] >= 1


def test_a_companion_still_seen_outlives_the_guardian(world):
    child = make_person(last_seen_at=world["recent"])
    Person.objects.filter(pk=child.pk).update(guardian=world["gone"])
    make_visit(world["venue"], child, world["recent"])
    purge()
    child.refresh_from_db()
    assert child.guardian_id is None
    assert not Person.objects.filter(pk=world["gone"].pk).exists()


def test_it_deletes_closed_cases_of_people_no_longer_seen(world):
    from ravao.tracing.models import Case

    Case.objects.create(
        person=world["gone"],
        infectious_from=world["old"],
        infectious_to=world["old"] + timedelta(days=2),
        created_at=world["old"],
        status="closed",
    )
    purge()
    assert not Person.objects.filter(pk=world["gone"].pk).exists()
    assert not Case.objects.exists()


def test_it_keeps_people_of_a_case_opened_within_the_period(world):
    from ravao.tracing.models import Case

    Case.objects.create(
        person=world["gone"],
        infectious_from=world["recent"],
        infectious_to=world["recent"] + timedelta(days=2),
        created_at=world["recent"],
    )
    purge()
    assert Person.objects.filter(pk=world["gone"].pk).exists()


def test_a_case_older_than_the_period_goes_even_if_left_open(world):
    from ravao.tracing.models import Case

    Case.objects.create(
        person=world["gone"],
        infectious_from=world["old"],
        infectious_to=world["old"] + timedelta(days=2),
        created_at=world["old"],
    )
    report = purge()
    assert report.counts["tracing_cases"] == 1
    assert not Case.objects.exists()
    assert not Person.objects.filter(pk=world["gone"].pk).exists()


def test_it_deletes_old_sms_codes_that_proved_nothing(world):
    from ravao.venues.models import PhoneOTP

    PhoneOTP.objects.create(phone="+84905123456", code_hash="x", created_at=world["old"], expires_at=world["old"])
    PhoneOTP.objects.create(phone="+84905123457", code_hash="y", created_at=world["recent"], expires_at=world["recent"])
    assert purge().counts["SMS_codes"] == 1
    assert [otp.phone for otp in PhoneOTP.objects.all()] == ["+84905123457"]


def test_the_command_prints_a_summary(world):
    out = StringIO()
    call_command("purge", stdout=out)
    assert "1 people" in out.getvalue()
    assert not Visit.objects.filter(checked_in_at__lt=retention_cutoff()).exists()


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="SQLite only: batched DELETEs (PostgreSQL drops partitions)"
)
def test_it_deletes_in_batches_on_sqlite(world):
    for i in range(7):
        make_visit(world["venue"], world["stays"], world["old"] + timedelta(minutes=i))
    report = purge(batch=2)
    assert report.counts["visits"] == 10
    assert report.partitions_dropped == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: retention by partition drop")
def test_it_drops_partitions_and_cleans_the_default_partition(world):
    old_day = world["old"].date()
    created = partitions.ensure_partitions(old_day - timedelta(days=1), old_day)
    assert partitions.partition_name(old_day) in created  # the 3 old visits moved in from DEFAULT
    straggler = make_visit(world["venue"], world["stays"], world["now"] - timedelta(days=400))  # in DEFAULT
    report = purge()
    assert partitions.partition_name(old_day) in report.partitions_dropped
    assert old_day not in partitions.existing_partitions()
    assert report.counts["visits"] == 1  # the straggler, from DEFAULT
    assert not Visit.objects.filter(pk=straggler.pk).exists()
    today = timezone.now().date()
    assert today in partitions.existing_partitions()


def test_purge_deletes_audit_entries_past_their_own_period_only(world, settings, users):
    from ravao.audit.models import Action, AuditEntry
    from ravao.audit.services import audit_record

    settings.RAVAO_AUDIT_RETENTION_DAYS = 365
    old = audit_record(user=users["tracer"], action=Action.READ, object_type="case", object_id="1")
    recent = audit_record(user=users["tracer"], action=Action.READ, object_type="case", object_id="2")
    with connection.cursor() as cur:  # back-date one entry (the ORM refuses to change entries)
        cur.execute("UPDATE audit_auditentry SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=366), old.pk])
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=recent.pk).delete()
    out = StringIO()
    call_command("purge", stdout=out)
    assert "1 audit entries" in out.getvalue()
    assert list(AuditEntry.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]
