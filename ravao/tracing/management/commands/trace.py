"""`ravao trace CASE_ID --as USER [--degree 2] [--buffer 60] [--json]`: a case's contacts (audited)."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from ravao.accounts.models import User
from ravao.api.errors import ServiceError
from ravao.tracing import selectors


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
            view = selectors.case_contacts(case=case, degree=o["degree"], buffer_minutes=o["buffer"],
                                           min_overlap_minutes=o["min_overlap"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        selectors.audit_contacts_read(user=user, case=case, view=view, purpose="contact list (CLI)")
        ms = (time.perf_counter() - started) * 1000
        if o["json"]:
            self.stdout.write(json.dumps([selectors.contact_dict(view, c) for c in view.contacts], ensure_ascii=False, indent=1))
            return
        for rank, c in enumerate(view.contacts, 1):
            p = view.people.get(c.person_id)
            venues = ", ".join(sorted({view.venues[e.visit.venue_id]["code"] for e in c.exposures}))
            self.stdout.write(f"{rank:>4} F{c.degree} {c.total_overlap_minutes:>5} min  {p.full_name if p else '?'}  "
                              f"{p.phone if p else ''}  {venues}")
        self.stdout.write(f"case F0 #{case.pk}: {len(view.case_visits)} visits, {len(view.contacts)} contacts in {ms:.0f} ms")
