"""`ravao trace CASE_ID --as USER [--degree 2] [--buffer 60] [--json]`: a case's contacts (audited)."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import User
from ravao.core.errors import ServiceError
from ravao.tracing import selectors
from ravao.tracing.contacts import case_visits as case_visits_of


class Command(BaseCommand):
    help = "Print the ranked contacts of a case (as a tracer; the read is audited)."

    def add_arguments(self, parser):
        parser.add_argument("case_id", type=int)
        parser.add_argument("--as", dest="username", required=True, help="the tracer reading the list")
        parser.add_argument("--degree", type=int, choices=[1, 2], default=1)
        parser.add_argument("--buffer", type=int, default=60, help="buffer in minutes (default 60)")
        parser.add_argument("--min-overlap", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print the API's JSON")

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"No user {o['username']!r}.")
        started = time.perf_counter()
        try:
            case = selectors.case_get(user=user, case_id=o["case_id"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        # In batches: an F2 list of any length is printed with bounded memory.
        views = selectors.contact_batches(
            case=case, degree=o["degree"], buffer_minutes=o["buffer"], min_overlap_minutes=o["min_overlap"]
        )
        count, foreign, case_visits = 0, {}, None
        if o["json"]:
            self.stdout.write("[")
        for view in views:
            case_visits = view.case_visits
            selectors.foreign_contacts(user=user, view=view, into=foreign)
            for c in view.contacts:
                count += 1
                if o["json"]:
                    text = json.dumps(selectors.contact_dict(view, c), ensure_ascii=False, indent=1)
                    self.stdout.write(("" if count == 1 else ",") + text)
                    continue
                p = view.people.get(c.person_id)
                venues = ", ".join(sorted({view.venues[e.visit.venue_id]["code"] for e in c.exposures}))
                self.stdout.write(
                    f"{count:>4} F{c.degree} {c.total_overlap_minutes:>5} min  "
                    f"{p.full_name if p else '?'}  {p.phone if p else ''}  {venues}"
                )
        selectors.audit_contacts(user=user, case=case, count=count, foreign=foreign, purpose="contact list (CLI)")
        if o["json"]:
            self.stdout.write("]")
            return
        ms = (time.perf_counter() - started) * 1000
        if case_visits is None:  # no contact: no batch
            case_visits = case_visits_of(
                person_id=case.person_id, window_from=case.infectious_from, window_to=case.infectious_to
            )
        visits = len(case_visits)
        self.stdout.write(f"case F0 #{case.pk}: {visits} visits, {count} contacts in {ms:.0f} ms")
