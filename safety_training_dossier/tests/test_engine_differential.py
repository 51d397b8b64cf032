"""Differential tests of the compliance engine's fingerprint and record planning.

After each operation, four computations of every dossier are compared:

- the engine as it runs, honouring the fingerprints (compliance_digest);
- the engine with every fingerprint cleared first, so that it reads all stored statuses back,
  as the engine did before the fingerprints existed;
- a from-scratch run: every status unlinked through the ORM, then the engine;
- a reference written here from the ORM records, which reads every event and every record
  and applies safety.requirement._periods, without the engine's planning.

The first two must store the same statuses and dossier fields. The engine run must equal the
from-scratch run except for exempt statuses and for met or exempt history statuses, which
only the engine keeps. The from-scratch run must equal the reference.
"""

import logging
import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import float_round

from ..models.safety_dossier import CREDITED_ATTENDANCE, STATUS_SEVERITY, TrainingRow
from .common import SafetyCase

_logger = logging.getLogger(__name__)

OPEN_STATES = ("overdue", "due_soon", "missing")
# Start times of the random sequences, near month and year ends. 16:00 UTC is local midnight in
# Shanghai, so 23:30 UTC is already the next local day there.
SEQUENCE_STARTS = [
    datetime(2026, 6, 30, 23, 30),
    datetime(2026, 12, 30, 12, 0),
    datetime(2026, 12, 31, 15, 59),
    datetime(2027, 2, 27, 23, 30),
    datetime(2026, 3, 31, 16, 0),
    datetime(2028, 2, 28, 23, 30),
]
# 6 sequences of 30 steps take about 20 seconds on 2 cores. Raise them to explore more: 30
# sequences of 40 steps take about 2.5 minutes.
RANDOM_SEQUENCES = 6
STEPS_PER_SEQUENCE = 30
SEED = 20261205


@tagged("post_install", "-at_install")
class TestEngineDifferential(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.safety_cut_over_date = date(2020, 1, 1)
        cls.company.safety_high_risk_tier = False
        cls.company.safety_due_soon_days = 30
        Department = cls.env["hr.department"]
        cls.workshop_1 = Department.create({"name": "Diff Casting Workshop", "safety_level": "workshop"})
        cls.team_1a = Department.create(
            {"name": "Diff Team 1A", "safety_level": "team", "parent_id": cls.workshop_1.id})
        cls.team_1b = Department.create(
            {"name": "Diff Team 1B", "safety_level": "team", "parent_id": cls.workshop_1.id})
        cls.workshop_2 = Department.create({"name": "Diff Forging Workshop", "safety_level": "workshop"})
        cls.team_2a = Department.create(
            {"name": "Diff Team 2A", "safety_level": "team", "parent_id": cls.workshop_2.id})
        cls.office = Department.create({"name": "Diff Office", "safety_level": "office"})
        cls.departments = [cls.workshop_1, cls.team_1a, cls.team_1b, cls.workshop_2, cls.team_2a, cls.office]
        Job = cls.env["hr.job"]
        cls.welder = Job.create({"name": "Diff Welder", "safety_risk_class": "a"})
        cls.fitter = Job.create({"name": "Diff Fitter", "safety_risk_class": "b"})
        cls.clerk = Job.create({"name": "Diff Clerk", "safety_risk_class": "c"})
        cls.jobs = [cls.welder, cls.fitter, cls.clerk]

        ref = cls.env.ref
        cls.types = [ref(f"safety_training_dossier.training_type_{name}") for name in (
            "company_level", "workshop_level", "team_level", "annual_retraining", "four_new", "transfer",
            "safety_qualification")]
        cls.refresher_type = cls.env["safety.training.type"].create(
            {"name": "Diff Refresher", "code": "diff_refresher", "category": "other"})
        cls.types.append(cls.refresher_type)
        cls.diff_courses = [
            cls.env["safety.training.course"].create({
                "name": f"Diff {training_type.code}", "training_type_id": training_type.id, "hours": 4,
                "assessment_mode": "none"})
            for training_type in cls.types
        ]
        # Welders redo a refresher every 6 months after their last one: the only rule whose periods
        # depend on the records, so only welders make the engine read all their records.
        cls.months_rule = cls.env["safety.requirement"].create({
            "name": "Diff welder refresher", "code": "diff_months", "recurrence": "months", "interval_months": 6,
            "hours_required": 4, "job_ids": [Command.set(cls.welder.ids)],
            "training_type_ids": [Command.set(cls.refresher_type.ids)],
        })
        cls.cron = ref("safety_training_dossier.ir_cron_safety_compliance")

    # Snapshots -------------------------------------------------------------------

    def all_dossiers(self):
        return self.env["safety.dossier"].sudo().with_context(active_test=False).search([])

    def snapshot(self):
        """Return the stored statuses by (dossier, rule, period start) and the dossier fields by dossier id."""
        self.env.flush_all()
        self.env.invalidate_all()
        dossiers = self.all_dossiers()
        statuses = self.env["safety.requirement.status"].sudo().search([("dossier_id", "in", dossiers.ids)])
        return {
            "statuses": {
                (status.dossier_id.id, status.requirement_id.id, status.period_start): (
                    status.due_date, status.hours_done, status.hours_required, status.state,
                    status.window_start, status.window_end or False, status.department_id.id, status.job_id.id)
                for status in statuses
            },
            "dossiers": {
                dossier.id: (dossier.compliance_state, dossier.next_due_date or False) for dossier in dossiers},
        }

    def peek(self, action):
        """Run ``action`` in a savepoint, return the snapshot it leaves, and roll it back."""
        with self.env.cr.savepoint() as savepoint:
            action()
            result = self.snapshot()
            savepoint.rollback()
        self.env.invalidate_all()
        return result

    def engine_dossiers(self):
        """Return every dossier in the nightly pass's context, which leaves archived rules out."""
        return self.all_dossiers().with_context(active_test=True)

    def engine_run(self):
        self.engine_dossiers()._recompute_compliance()

    def engine_run_without_digests(self):
        dossiers = self.engine_dossiers()
        dossiers.write({"compliance_digest": False})
        dossiers._recompute_compliance()

    def scratch_run(self):
        dossiers = self.engine_dossiers()
        self.env["safety.requirement.status"].sudo().search([("dossier_id", "in", dossiers.ids)]).unlink()
        dossiers._recompute_compliance()

    def reference(self):
        """Compute every dossier's statuses from the ORM records: all events, all records, no planning."""
        Requirement = self.env["safety.requirement"].sudo()
        rules = Requirement.search([])
        statuses = {}
        fields_by_dossier = {}
        for dossier in self.all_dossiers():
            company = dossier.company_id
            today = company._safety_local_today()
            company_values = {
                "today": today, "cut_over": company.safety_cut_over_date,
                "due_soon_limit": today + timedelta(days=company.safety_due_soon_days)}
            open_dues = []
            open_states = set()
            if dossier.active:
                facts = dossier._person_facts()
                events = [
                    {"kind": event.kind, "date": event.date, "scope": event.scope, "safety_role": event.safety_role}
                    for event in dossier.event_ids.sorted(lambda event: (event.date, event.id))]
                records = dossier.training_record_ids.filtered(
                    lambda record: record.state == "confirmed" and record.attendance in CREDITED_ATTENDANCE
                    and record.result == "passed").sorted(lambda record: (record.date, record.id))
                for rule in rules:
                    values = rule._engine_values()
                    if not Requirement._criteria_match(values["criteria"], facts):
                        continue
                    rule_records = [
                        TrainingRow(record.date, record.training_type_id.id, record.course_id.id, record.hours)
                        for record in records if rule._is_satisfied_by(record)]
                    periods = Requirement._periods(
                        values, {"onboarding_date": dossier.onboarding_date}, events, rule_records, company_values)
                    for start, due, window_start, window_end in periods:
                        window = [row for row in rule_records
                                  if row.date >= window_start and (not window_end or row.date <= window_end)]
                        hours = sum(row.hours for row in window)
                        done = bool(window) and hours >= rule.hours_required
                        if rule.recurrence == "months" and today > due:
                            done = False
                        if done:
                            state = "met"
                        elif today > due:
                            state = "overdue"
                        elif due <= company_values["due_soon_limit"]:
                            state = "due_soon"
                        else:
                            state = "missing"
                        # Rounded half up to the stored digits, as the ORM rounds a Float field.
                        statuses[dossier.id, rule.id, start] = (
                            due, float_round(hours, 1), float_round(rule.hours_required, 1), state, window_start,
                            window_end or False, dossier.department_id.id, dossier.job_id.id)
                        if state != "met":
                            open_states.add(state)
                            open_dues.append(due)
            compliance = next((state for state in STATUS_SEVERITY if state in open_states), "compliant")
            fields_by_dossier[dossier.id] = (compliance, min(open_dues) if open_dues else False)
        return {"statuses": statuses, "dossiers": fields_by_dossier}

    # Comparisons -----------------------------------------------------------------

    @staticmethod
    def differences(left, right, left_name, right_name):
        """Return the keys on which two snapshots differ, with a line for each."""
        lines = {}
        for key in sorted(left["statuses"].keys() | right["statuses"].keys(), key=repr):
            if left["statuses"].get(key) != right["statuses"].get(key):
                lines[key] = (f"status {key}: {left_name}={left['statuses'].get(key)} "
                              f"{right_name}={right['statuses'].get(key)}")
        for key in sorted(left["dossiers"].keys() | right["dossiers"].keys()):
            if left["dossiers"].get(key) != right["dossiers"].get(key):
                lines[key] = (f"dossier {key}: {left_name}={left['dossiers'].get(key)} "
                              f"{right_name}={right['dossiers'].get(key)}")
        return lines

    @staticmethod
    def scratch_differences(engine, scratch):
        """Return how the engine's snapshot differs from a from-scratch one, beyond exemptions and history."""
        lines = []
        exempt_keys = {key for key, values in engine["statuses"].items() if values[3] == "exempt"}
        for key, values in scratch["statuses"].items():
            stored = engine["statuses"].get(key)
            if key in exempt_keys:
                if stored[:3] + stored[4:] != values[:3] + values[4:]:
                    lines.append(f"exempt status {key}: engine={stored} scratch={values}")
            elif stored != values:
                lines.append(f"status {key}: engine={stored} scratch={values}")
        for key, values in engine["statuses"].items():
            if key not in scratch["statuses"] and values[3] not in ("met", "exempt"):
                lines.append(f"open status {key} not in scratch: engine={values}")
        for dossier_id, stored in engine["dossiers"].items():
            open_states = set()
            dues = []
            for key, values in scratch["statuses"].items():
                if key[0] == dossier_id and key not in exempt_keys and values[3] in OPEN_STATES:
                    open_states.add(values[3])
                    dues.append(values[0])
            expected = (next((state for state in STATUS_SEVERITY if state in open_states), "compliant"),
                        min(dues) if dues else False)
            if stored != expected:
                lines.append(f"dossier {dossier_id}: engine={stored} expected from scratch with exemptions={expected}")
        return lines

    def check_step(self):
        """Return the stale rows ({key: line}) and the error lines of the current state.

        A stale row is stored as the last operation left it, and the engine would change it.
        """
        as_left = self.snapshot()
        with_digests = self.peek(self.engine_run)
        without_digests = self.peek(self.engine_run_without_digests)
        scratch = self.peek(self.scratch_run)
        reference = self.reference()
        errors = []
        errors += [f"[digest] {line}" for line in self.differences(
            with_digests, without_digests, "with_digests", "without_digests").values()]
        errors += [f"[scratch] {line}" for line in self.scratch_differences(with_digests, scratch)]
        errors += [f"[reference] {line}" for line in self.differences(
            scratch, reference, "scratch", "reference").values()]
        stale = self.differences(as_left, with_digests, "as_left", "after_engine")
        return stale, errors

    # Operations ------------------------------------------------------------------

    def local_today(self):
        return self.company._safety_local_today()

    def random_day(self, rng, low=-400, high=60):
        return self.local_today() + timedelta(days=rng.randint(low, high))

    def employees(self, active=None):
        domain = [("company_id", "=", self.company.id)]
        if active is not None:
            domain.append(("active", "=", active))
        return self.env["hr.employee"].with_context(active_test=False).search(domain, order="id")

    def op_hire(self, rng):
        values = {
            "name": f"Diff person {rng.randint(1, 10 ** 9)}", "department_id": rng.choice(self.departments).id,
            "job_id": rng.choice([*self.jobs, self.env["hr.job"]]).id,
            "contract_date_start": self.random_day(rng, -500, 40),
        }
        employee = self.env["hr.employee"].create(dict(values))
        return f"hire {employee.id}: {values}"

    def op_transfer_in_place(self, rng):
        employee = rng.choice(self.employees(active=True))
        if rng.random() < 0.5:
            values = {"department_id": rng.choice(self.departments).id}
        else:
            values = {"job_id": rng.choice(self.jobs).id}
        employee.write(values)
        return f"transfer in place {employee.id}: {values}"

    def op_transfer_version(self, rng):
        employee = rng.choice(self.employees(active=True))
        values = {"date_version": self.random_day(rng, -20, 20), "department_id": rng.choice(self.departments).id}
        if rng.random() < 0.3:
            values["job_id"] = rng.choice(self.jobs).id
        employee.create_version(values)
        return f"transfer by new version {employee.id}: {values}"

    def op_archive(self, rng):
        employee = rng.choice(self.employees(active=True))
        departure = self.random_day(rng, -500, 0) if rng.random() < 0.7 else None
        if departure:
            employee.write({"departure_date": departure})
        employee.action_archive()
        return f"archive {employee.id}, departure {departure}"

    def op_unarchive(self, rng):
        employees = self.employees(active=False)
        if not employees:
            return None
        employee = rng.choice(employees)
        employee.action_unarchive()
        return f"unarchive {employee.id}"

    def record_day(self, rng, dossier):
        """Return a day near the windows of the person's statuses, or a random one."""
        statuses = dossier.requirement_status_ids
        if statuses and rng.random() < 0.7:
            status = rng.choice(statuses)
            window_start = status.window_start
            candidates = [
                window_start, window_start - timedelta(days=1), window_start.replace(day=1),
                window_start.replace(day=1) - timedelta(days=1), status.due_date, status.due_date + timedelta(days=1),
            ]
            if status.window_end:
                candidates += [status.window_end, status.window_end + timedelta(days=1)]
            return rng.choice(candidates)
        return self.random_day(rng, -400, 10)

    def op_train(self, rng):
        dossiers = self.all_dossiers().filtered(lambda dossier: dossier.active and dossier.company_id == self.company)
        dossier = rng.choice(dossiers)
        course = rng.choice(self.diff_courses)
        attendance = rng.choices(["present", "late", "absent"], [8, 1, 1])[0]
        values = {
            "dossier_id": dossier.id, "course_id": course.id, "date": self.record_day(rng, dossier),
            "attendance": attendance,
            "hours": rng.choice([0.5, 1, 2, 4, 7.5, 8]) if attendance != "absent" else 0,
            "result": rng.choices(["passed", "failed"], [6, 1])[0] if attendance != "absent" else "not_assessed",
        }
        record = self.env["safety.training.record"].with_user(self.officer).create(dict(values))
        if rng.random() < 0.9:
            record.action_confirm()
        return f"record {record.id} ({record.state}): {values}"

    def op_reset_record(self, rng):
        records = self.env["safety.training.record"].search(
            [("state", "=", "confirmed"), ("company_id", "=", self.company.id)])
        if not records:
            return None
        record = rng.choice(records)
        record.with_user(self.admin)._reset_to_draft("日期录错")
        note = f"reset record {record.id}"
        if rng.random() < 0.6:
            new_day = self.record_day(rng, record.dossier_id)
            record.write({"date": new_day})
            record.action_confirm()
            note += f", moved to {new_day} and confirmed again"
        return note

    def op_exempt(self, rng):
        statuses = self.env["safety.requirement.status"].search([("state", "in", OPEN_STATES)])
        if not statuses:
            return None
        status = rng.choice(statuses)
        status.with_user(self.officer).action_exempt("持有效的外单位证明")
        return f"exempt status {status.id} {self.status_key(status)}"

    def op_unexempt(self, rng):
        statuses = self.env["safety.requirement.status"].search([("state", "=", "exempt")])
        if not statuses:
            return None
        status = rng.choice(statuses)
        status.with_user(self.officer).action_cancel_exemption()
        return f"un-exempt status {status.id} {self.status_key(status)}"

    @staticmethod
    def status_key(status):
        return (status.dossier_id.id, status.requirement_id.code, status.period_start)

    def op_edit_rule(self, rng):
        rules = self.env["safety.requirement"].with_context(active_test=False).search([])
        rule = rng.choice(rules)
        kind = rng.choice(["hours", "valid_from", "valid_to", "deadline", "lookback", "archive", "add_type",
                           "add_course"])
        today = self.local_today()
        if kind == "hours":
            values = {"hours_required": rng.choice([0, 0.5, 4, 8, 12, 8.25])}
        elif kind == "valid_from":
            values = {"valid_from": rng.choice([False, today, today - timedelta(days=45), today + timedelta(days=10)]),
                      "valid_to": False}
        elif kind == "valid_to":
            values = {"valid_to": rng.choice([False, today, today - timedelta(days=1), today.replace(month=12, day=31),
                                              today + timedelta(days=40)]), "valid_from": False}
        elif kind == "deadline":
            values = {"deadline_days": rng.choice([0, 1, 30, 180])}
        elif kind == "lookback":
            values = {"lookback_days": rng.choice([0, 1, 30, 45])}
        elif kind == "archive":
            values = {"active": not rule.active}
        elif kind == "add_type":
            values = {"training_type_ids": [Command.link(rng.choice(self.types).id)]}
        else:
            values = {"course_ids": [Command.link(rng.choice(self.diff_courses).id)]}
        rule.with_user(self.admin).write(values)
        return f"rule {rule.code}: {values}"

    def op_company(self, rng):
        today = self.local_today()
        kind = rng.choice(["cut_over", "tier", "due_soon"])
        if kind == "cut_over":
            values = {"safety_cut_over_date": rng.choice(
                [False, date(2020, 1, 1), today.replace(month=1, day=1), today - timedelta(days=15),
                 today + timedelta(days=5), today])}
        elif kind == "tier":
            values = {"safety_high_risk_tier": rng.choice([False, "hazardous_chemicals"])}
        else:
            values = {"safety_due_soon_days": rng.choice([0, 7, 30, 90])}
        self.company.write(values)
        return f"company: {values}"

    def op_four_new(self, rng):
        day = self.random_day(rng, -30, 30)
        change = self.env["safety.four.new.change"].with_user(self.officer).create({
            "name": f"Diff change {rng.randint(1, 10 ** 6)}", "date": day,
            "department_ids": [Command.set(rng.choice(self.departments).ids)]})
        try:
            with self.env.cr.savepoint():
                change.with_user(self.officer).action_open_training()
        except UserError:
            return f"four-new change on {day}: nobody affected"
        return f"four-new change on {day} for {change.department_ids.name}"

    def op_return(self, rng):
        dossier = rng.choice(self.all_dossiers().filtered(lambda dossier: dossier.company_id == self.company))
        day = self.random_day(rng, -60, 5)
        if rng.random() < 0.5:
            dossier.write({"last_departure_date": day - timedelta(days=rng.choice([300, 365, 366, 400]))})
        dossier.with_user(self.officer).write({"return_date": day})
        return f"return of dossier {dossier.id} on {day}, last departure {dossier.last_departure_date}"

    def op_appointment(self, rng):
        dossier = rng.choice(self.all_dossiers().filtered(lambda dossier: dossier.company_id == self.company))
        values = {"safety_role": rng.choice(["principal", "safety_manager", "special_operator", "staff"]),
                  "role_appointment_date": self.random_day(rng, -200, 20)}
        dossier.with_user(self.officer).write(values)
        return f"appointment of dossier {dossier.id}: {values}"

    def op_cron(self, rng):
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        return "nightly cron"

    # Operations that leave the dossiers as they are until the nightly pass, by design.
    DEFERRED = {"op_edit_rule", "op_company"}

    def run_sequence(self, rng, start, frozen, *, discrepancies, stale_counts, label):
        operations = [
            ("op_hire", 3), ("op_transfer_in_place", 2), ("op_transfer_version", 2), ("op_archive", 1),
            ("op_unarchive", 1), ("op_train", 6), ("op_reset_record", 1), ("op_exempt", 2), ("op_unexempt", 1),
            ("op_edit_rule", 2), ("op_company", 1), ("op_four_new", 1), ("op_return", 1), ("op_appointment", 1),
            ("op_cron", 2), ("move_time", 3),
        ]
        names = [name for name, _weight in operations]
        weights = [weight for _name, weight in operations]
        now = start
        history = [f"start at {start} UTC"]
        for _index in range(3):
            history.append(self.op_hire(rng))
        # The statuses of the class's people were computed at the real date, not the frozen one.
        stale_before, errors = self.check_step()
        if errors:
            discrepancies.append(f"{label}, after the first hires:\n  " + "\n  => ".join(errors[:12]))
            return
        for step in range(STEPS_PER_SEQUENCE):
            name = rng.choices(names, weights)[0]
            if name == "move_time":
                days = rng.choice([0, 1, 1, 2, 7, 31, 183])
                clock = rng.choice([time(12, 0), time(23, 30), time(15, 59), time(16, 0)])
                now = datetime.combine(now.date() + timedelta(days=days), clock)
                frozen.move_to(now)
                note = f"move time to {now} UTC (local {self.local_today()})"
            else:
                try:
                    with self.env.cr.savepoint():
                        note = getattr(self, name)(rng)
                except (UserError, ValidationError) as error:
                    note = f"{name} rejected: {error}".splitlines()[0]
            if note is None:
                continue
            history.append(note)
            stale, errors = self.check_step()
            # Rows already stale before the operation are not its doing.
            new_stale = [line for key, line in stale.items() if key not in stale_before]
            stale_before = stale
            if new_stale and name not in self.DEFERRED and name != "move_time":
                stale_counts[name] += 1
                _logger.info("%s step %s: %s left stale rows: %s", label, step, note, new_stale[:3])
            if errors:
                discrepancies.append(f"{label}, step {step}:\n  " + "\n  ".join(history) + "\n  => "
                                     + "\n  => ".join(errors[:12]))
                return

    # Tests -----------------------------------------------------------------------

    def test_random_sequences(self):
        rng = random.Random(SEED)
        discrepancies = []
        stale_counts = Counter()
        for number in range(RANDOM_SEQUENCES):
            start = SEQUENCE_STARTS[number % len(SEQUENCE_STARTS)]
            label = f"sequence {number} (seed {SEED})"
            with self.env.cr.savepoint() as savepoint, freeze_time(start) as frozen:
                self.run_sequence(rng, start, frozen, discrepancies=discrepancies, stale_counts=stale_counts,
                                  label=label)
                # Each sequence starts from the class's data again.
                savepoint.rollback()
            self.env.invalidate_all()
        self.assertFalse(discrepancies, "\n\n".join(discrepancies))
        # Only rule and company setting changes wait for the nightly pass: every other operation
        # leaves the statuses as the engine computes them.
        self.assertFalse(stale_counts, f"operations that left stale statuses: {dict(stale_counts)}")

    def hire(self, name, onboarding):
        employee = self.env["hr.employee"].create(
            {"name": name, "department_id": self.team_1a.id, "contract_date_start": onboarding})
        return employee, employee.safety_dossier_ids

    @freeze_time("2026-07-01 12:00:00")
    def test_engine_context_from_caller(self):
        """Exempt statuses through a call that sends the engine's context key, then recompute.

        Only the engine's own object keeps the fingerprint. A value an RPC client can send, such as
        True, must not: the engine would never write the dossier's state again.
        """
        _employee, dossier = self.hire("伪造", "2026-06-20")
        self.assertEqual(dossier.compliance_state, "overdue")
        open_statuses = dossier.requirement_status_ids.filtered(lambda status: status.state in OPEN_STATES)
        # Any RPC client can send this context with its call.
        open_statuses.with_user(self.officer).with_context(safety_compliance_engine=True).action_exempt("证明")
        dossier._recompute_compliance()
        self.assertEqual(set(open_statuses.mapped("state")), {"exempt"})
        self.assertEqual(dossier.compliance_state, "compliant")
        self.assertFalse(dossier.next_due_date)

    @freeze_time("2026-07-01 12:00:00")
    def test_archived_rule_after_hr_change(self):
        """Check that an HR change leaves an archived rule out, as the nightly pass does, even when
        it is made where archived records are shown (active_test=False), such as the list of
        archived employees."""
        employee, dossier = self.hire("归档规则", "2026-06-20")
        rule = self.env.ref("safety_training_dossier.requirement_staff_annual_general")
        rule.with_user(self.admin).active = False
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.assertFalse(dossier.requirement_status_ids.filtered(lambda status: status.requirement_id == rule))

        employee.write({"name": "归档规则改名"})
        self.assertFalse(dossier.requirement_status_ids.filtered(lambda status: status.requirement_id == rule))
        employee.with_context(active_test=False).write({"department_id": self.team_1b.id})
        self.assertFalse(dossier.requirement_status_ids.filtered(lambda status: status.requirement_id == rule))
