from odoo import Command
from odoo.tests import tagged

from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestSessionGrid(SafetyCase):
    """The attendee grid saves and loads any number of attendees in the same queries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        employees = cls.env["hr.employee"].create(
            [{"name": f"学员{index:02d}", "employee_number": f"G{index:03d}"} for index in range(30)])
        cls.attendees = employees.safety_dossier_ids

    def count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def grid_commands(self, session):
        return [
            Command.update(record.id, {
                "attendance": "late" if index % 3 == 0 else "present",
                "theory_score": 50 + index,
                "result": "passed" if 50 + index >= 60 else "failed",
            })
            for index, record in enumerate(session.record_ids)
        ]

    def web_read_grid(self, session):
        spec = {
            "name": {}, "state": {},
            "record_ids": {"fields": {
                "dossier_id": {"fields": {"display_name": {}}}, "employee_number": {}, "attendance": {},
                "hours": {}, "theory_score": {}, "practical_rating": {}, "result": {}, "state": {},
            }},
        }
        return session.with_user(self.officer).web_read(spec)

    def test_grid_save_queries_do_not_grow(self):
        small = self.create_session(self.attendees[:3])
        large = self.create_session(self.attendees, start="2026-03-03 01:00:00", end="2026-03-03 09:00:00")
        counts = [
            self.count_queries(lambda session=session: session.with_user(self.officer).write(
                {"record_ids": self.grid_commands(session)}))
            # The first round fills the per-user caches (access rules, groups); the second is compared.
            for session in (small, large, small, large)
        ]
        self.assertEqual(counts[2], counts[3])
        self.assertEqual(large.record_ids.mapped("theory_score"), [50.0 + index for index in range(30)])

    def test_grid_save_query_count(self):
        session = self.create_session(self.attendees)
        commands = self.grid_commands(session)
        # Fill the per-user caches (access rules, groups) with two first saves.
        for _warm_up in range(2):
            self.count_queries(lambda: session.with_user(self.officer).write({"record_ids": commands}))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            session.with_user(self.officer).write({"record_ids": commands})

    def test_grid_load_queries_do_not_grow(self):
        small = self.create_session(self.attendees[:3])
        large = self.create_session(self.attendees, start="2026-03-03 01:00:00", end="2026-03-03 09:00:00")
        counts = [self.count_queries(lambda session=session: self.web_read_grid(session))
                  for session in (small, large, small, large)]
        # The first round fills the per-user caches (access rules, groups); the second is compared.
        self.assertEqual(counts[2], counts[3])
        rows = self.web_read_grid(large)[0]["record_ids"]
        self.assertEqual(len(rows), 30)

    def test_grid_adds_attendees_without_chatter_entries(self):
        session = self.create_session(self.attendees[:1])
        session.with_user(self.officer).write(
            {"record_ids": [Command.create({"dossier_id": dossier.id}) for dossier in self.attendees[1:]]})
        self.assertEqual(len(session.record_ids), 30)
        self.assertFalse(session.record_ids.message_ids)
