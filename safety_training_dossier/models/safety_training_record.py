from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.local_dates import local_date_of
from .safety_rectification import OPEN_STATES

# The session grid passes this object in the context so that the hours-per-day check
# runs once for all its lines instead of once per line. No RPC client can send it.
DEFER_DAY_CHECK = object()
# Only the reset wizard passes this object in the context. RPC can only send JSON,
# so no client can forge it to write a confirmed record.
RESET_TO_DRAFT = object()
# Passed only when a pass closes a notice: it may link a confirmed record to that notice, nothing more.
LINK_RECTIFICATION = object()
# Passed only by the retention purge, after it checked that the dossier's retention period has ended.
PURGE = object()
# Fields mail.thread writes by itself when files are posted in the chatter.
CHATTER_FIELDS = {"message_main_attachment_id"}
MAX_HOURS_PER_DAY = 24.0

ATTENDANCE = [("present", "Present"), ("late", "Late"), ("absent", "Absent"), ("excused", "Excused")]
CREDITED_ATTENDANCE = ("present", "late")
RESULTS = [("pending", "Pending"), ("passed", "Passed"), ("failed", "Failed"), ("not_assessed", "Not Assessed")]


class SafetyTrainingRecord(models.Model):
    _name = "safety.training.record"
    _description = "Safety Training Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "safety.chain.mixin", "safety.retention.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["dossier_id", "course_id"]
    # The training and assessment facts sealed in the chain when the record is confirmed.
    _chain_fields = (
        "dossier_id", "course_id", "session_id", "date", "attendance", "hours", "theory_score", "practical_rating",
        "practical_score", "result", "retake_of_id", "is_makeup", "trainer_name", "assessor_name", "state",
        "confirmed_by_id",
    )

    dossier_id = fields.Many2one(
        "safety.dossier", string="Person", required=True, index=True, ondelete="restrict", tracking=True)
    employee_number = fields.Char(related="dossier_id.employee_number")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    department_id = fields.Many2one(related="dossier_id.department_id", store=True)
    session_id = fields.Many2one("safety.training.session", index=True, ondelete="cascade")
    course_id = fields.Many2one(
        "safety.training.course", required=True, tracking=True,
        compute="_compute_course_id", store=True, readonly=False, precompute=True)
    training_type_id = fields.Many2one(related="course_id.training_type_id", store=True)
    date = fields.Date(
        required=True, tracking=True, compute="_compute_date", store=True, readonly=False, precompute=True,
        help="Local (company time zone) day of the training.")
    attendance = fields.Selection(ATTENDANCE, required=True, default="present", tracking=True)
    hours = fields.Float(
        string="Credited Hours", compute="_compute_hours", store=True, readonly=False, precompute=True,
        tracking=True, digits=(6, 1))
    theory_score = fields.Float(tracking=True, digits=(5, 1))
    practical_rating = fields.Selection([("passed", "Passed"), ("failed", "Failed")], tracking=True)
    practical_score = fields.Float(tracking=True, digits=(5, 1))
    result = fields.Selection(RESULTS, required=True, default="pending", tracking=True)
    attempt = fields.Integer(
        compute="_compute_attempt", store=True, recursive=True,
        help="1 for the first attempt, 2 for the first re-examination.")
    retake_of_id = fields.Many2one(
        "safety.training.record", string="Re-examination Of", index=True, tracking=True,
        help="The failed or missed record this one takes again.")
    rectification_id = fields.Many2one(
        "safety.rectification", string="Rectification Notice", index=True, tracking=True, ondelete="set null",
        help="The rectification notice this re-examination belongs to.")
    is_makeup = fields.Boolean(string="Make-up Training", tracking=True)
    signed_in_at = fields.Datetime(
        tracking=True, help="When the person signed the roster, or signed in by QR code or at the kiosk.")
    source = fields.Selection(
        [("manual", "Manual"), ("import", "Import"), ("qr", "QR Sign-in"), ("kiosk", "Kiosk Sign-in"),
         ("external", "External")],
        default="manual", required=True)
    provider = fields.Selection(
        [("host", "Host Unit"), ("dispatch_agency", "Dispatch Agency"), ("school", "School"),
         ("external", "External Body")],
        default="host", required=True)
    mentor_id = fields.Many2one("hr.employee")
    trainer_name = fields.Char(
        string="Trainer", compute="_compute_trainer_name", store=True, readonly=False, precompute=True)
    assessor_name = fields.Char(string="Assessor")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    note = fields.Text()
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")], default="draft", required=True, readonly=True,
        tracking=True, copy=False)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_date = fields.Datetime(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # A retake of a record that has a notice belongs to that notice.
        for record in records.filtered(lambda record: record.retake_of_id and not record.rectification_id):
            notice = record.retake_of_id.rectification_id or self.env["safety.rectification"].sudo().search(
                [("record_id", "=", record.retake_of_id.id)], limit=1)
            if notice:
                record.rectification_id = notice
        return records

    @api.depends("session_id")
    def _compute_course_id(self):
        for record in self:
            if record.session_id:
                record.course_id = record.session_id.course_id

    @api.depends("session_id.date_start")
    def _compute_date(self):
        for record in self:
            if record.session_id.date_start:
                record.date = local_date_of(record.session_id.date_start, record.session_id.company_id.partner_id.tz)
            elif not record.date:
                record.date = self.env.company._safety_local_today()

    @api.depends("attendance", "session_id.hours", "course_id")
    def _compute_hours(self):
        for record in self:
            if record.attendance not in CREDITED_ATTENDANCE:
                record.hours = 0.0
            else:
                record.hours = record.session_id.hours or record.course_id.hours

    @api.depends("session_id.trainer_name")
    def _compute_trainer_name(self):
        for record in self:
            if record.session_id:
                record.trainer_name = record.session_id.trainer_name

    @api.depends("retake_of_id.attempt")
    def _compute_attempt(self):
        for record in self:
            record.attempt = record.retake_of_id.attempt + 1 if record.retake_of_id else 1

    @api.depends("dossier_id.name", "course_id.name", "date")
    def _compute_display_name(self):
        for record in self:
            record.display_name = " / ".join(
                part for part in (record.dossier_id.name, record.course_id.name, str(record.date or "")) if part)

    @api.constrains("attendance", "hours")
    def _check_hours_match_attendance(self):
        for record in self:
            if record.attendance in CREDITED_ATTENDANCE and record.hours <= 0:
                raise ValidationError(self.env._(
                    "%(person)s is %(attendance)s but is credited %(hours)s hours. "
                    "Credit more than 0 hours, or mark the person absent.",
                    person=record.dossier_id.name, attendance=record._attendance_label(), hours=record.hours))
            if record.attendance not in CREDITED_ATTENDANCE and record.hours != 0:
                raise ValidationError(self.env._(
                    "%(person)s is %(attendance)s but is credited %(hours)s hours. "
                    "An absent person is credited 0 hours.",
                    person=record.dossier_id.name, attendance=record._attendance_label(), hours=record.hours))

    @api.constrains("theory_score", "practical_score")
    def _check_scores(self):
        for record in self:
            if not 0 <= record.theory_score <= 100:
                raise ValidationError(self.env._(
                    "%(person)s: the theory score must be between 0 and 100, not %(score)s.",
                    person=record.dossier_id.name, score=record.theory_score))
            if not 0 <= record.practical_score <= 100:
                raise ValidationError(self.env._(
                    "%(person)s: the practical score must be between 0 and 100, not %(score)s.",
                    person=record.dossier_id.name, score=record.practical_score))

    @api.constrains("dossier_id", "date", "hours")
    def _check_hours_per_day(self):
        if self.env.context.get("safety_defer_day_check") is DEFER_DAY_CHECK:
            return
        dossier_days = {(record.dossier_id.id, record.date) for record in self}
        totals = self.env["safety.training.record"].sudo()._read_group(
            [("dossier_id", "in", list({dossier for dossier, _day in dossier_days})),
             ("date", "in", list({day for _dossier, day in dossier_days}))],
            ["dossier_id", "date:day"], ["hours:sum"])
        for dossier, day, hours in totals:
            if (dossier.id, day) in dossier_days and hours > MAX_HOURS_PER_DAY:
                raise ValidationError(self.env._(
                    "%(person)s would be credited %(hours)s hours on %(day)s, but the maximum per day is 24. "
                    "Correct the hours or the date of that day's records.",
                    person=dossier.name, hours=hours, day=day))

    @api.onchange("attendance", "theory_score", "practical_rating", "practical_score")
    def _onchange_suggest_result(self):
        for record in self:
            record.result = record._suggested_result()

    def write(self, vals):
        linking = self.env.context.get("safety_link_rectification") is LINK_RECTIFICATION \
            and vals.keys() == {"rectification_id"}
        if self.env.context.get("safety_reset_to_draft") is not RESET_TO_DRAFT and vals.keys() - CHATTER_FIELDS \
                and not linking:
            locked = self.filtered(lambda record: record.state == "confirmed")
            if locked:
                raise UserError(self.env._(
                    "Confirmed training records are locked: %(records)s. "
                    "A Safety administrator can reset a record to draft, giving a reason.",
                    records=", ".join(locked.mapped("display_name"))))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.env.context.get("safety_purge") is PURGE:
            return
        locked = self.filtered(lambda record: record.state == "confirmed")
        if locked:
            raise UserError(self.env._(
                "Confirmed training records cannot be deleted: %(records)s. "
                "A Safety administrator can reset a wrong record to draft, giving a reason, and correct it.",
                records=", ".join(locked.mapped("display_name"))))

    def _retention_protected(self):
        # A draft is not part of the dossier yet; a record once confirmed stays, even reset to draft.
        sealed = set(self._chain_last_entries())
        return self.filtered(lambda record: record.state == "confirmed" or record.id in sealed)

    def action_confirm(self):
        """Check each record is complete and consistent, lock it and seal it in the chain.

        A record withdrawn for correction is sealed again as a correction of its original entry.
        """
        for record in self:
            record._check_ready_to_confirm()
        self.write({
            "state": "confirmed",
            "confirmed_by_id": self.env.user.id,
            "confirmed_date": fields.Datetime.now(),
        })
        last_entries = self._chain_last_entries()
        corrected = self.filtered(lambda record: record.id in last_entries)
        (self - corrected)._chain_append("original")
        corrected._chain_append("correction")
        self._follow_rectifications()
        self.dossier_id._recompute_compliance()
        return True

    def _needs_rectification(self):
        """Return True when this confirmed record failed, or missed mandatory training without excuse."""
        self.ensure_one()
        return self.result == "failed" or (self.attendance == "absent" and self.course_id.is_mandatory)

    def _follow_rectifications(self):
        """Move the rectification notices these newly confirmed records concern.

        A retake moves its notice; a pass of the same course after a failure closes that
        person's open notice even when the retake was not linked to it; a failure or an
        unexcused absence opens a notice.
        """
        Rectification = self.env["safety.rectification"].sudo()
        for record in self.sorted(lambda record: (record.date, record.id)):
            notice = record.rectification_id.sudo()
            if not notice and record.result == "passed":
                notice = Rectification.search([
                    ("dossier_id", "=", record.dossier_id.id), ("course_id", "=", record.course_id.id),
                    ("state", "in", OPEN_STATES), ("record_id.date", "<=", record.date)], limit=1)
                if notice:
                    record.with_context(safety_link_rectification=LINK_RECTIFICATION).rectification_id = notice
            if notice and notice.state in OPEN_STATES:
                notice._on_retake_confirmed(record)
        Rectification._open_for_records(self.filtered(lambda record: record._needs_rectification()))

    def action_open_reset_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "safety.training.record.reset",
            "view_mode": "form",
            "target": "new",
            "context": {"default_record_id": self.id},
            "name": self.env._("Reset to Draft"),
        }

    def _reset_to_draft(self, reason):
        """Withdraw confirmed records for correction; only Safety administrators, with a reason.

        The chain gets a withdrawal entry with the reason, referencing the original entry, and
        the corrected record is sealed as a correction when it is confirmed again: the
        original values stay in the chain.
        """
        if not self.env.user.has_group("safety_training_dossier.group_safety_admin"):
            raise AccessError(self.env._("Only a Safety administrator can reset a confirmed training record to draft."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for resetting the record to draft."))
        not_confirmed = self.filtered(lambda record: record.state != "confirmed")
        if not_confirmed:
            raise UserError(self.env._("Only confirmed training records can be reset to draft: %(records)s.",
                                       records=", ".join(not_confirmed.mapped("display_name"))))
        self._chain_append("reset", reason=reason)
        self.with_context(safety_reset_to_draft=RESET_TO_DRAFT).write(
            {"state": "draft", "confirmed_by_id": False, "confirmed_date": False})
        for record in self:
            record.message_post(body=self.env._("Reset to draft by %(user)s. Reason: %(reason)s",
                                                user=self.env.user.name, reason=reason))
        self.dossier_id._recompute_compliance()

    def _attendance_label(self):
        return dict(self._fields["attendance"]._description_selection(self.env))[self.attendance]

    def _suggested_result(self):
        """Return the result the scores give, against the course's pass marks."""
        course = self.course_id
        if self.attendance not in CREDITED_ATTENDANCE:
            return "not_assessed"
        if course.assessment_mode == "none":
            return "passed"
        # Each part is True (passed), False (failed) or None (not entered yet). A score
        # of 0 reads as not entered, so the officer sets "failed" for a real 0 by hand.
        parts = []
        if course._needs_theory():
            parts.append(self.theory_score >= course.theory_pass_mark if self.theory_score else None)
        if course._needs_practical():
            if course.practical_scored:
                parts.append(self.practical_score >= course.practical_pass_mark if self.practical_score else None)
            else:
                parts.append({"passed": True, "failed": False}.get(self.practical_rating))
        if False in parts:
            return "failed"
        if None in parts:
            return "pending"
        return "passed"

    def _check_ready_to_confirm(self):
        course = self.course_id
        if self.attendance not in CREDITED_ATTENDANCE:
            return
        if course.assessment_mode != "none" and self.result not in ("passed", "failed"):
            raise UserError(self.env._(
                "%(person)s: enter the assessment result of %(course)s before confirming.",
                person=self.dossier_id.name, course=course.name))
        if self.result == "passed":
            too_low = (
                (course._needs_theory() and self.theory_score < course.theory_pass_mark)
                or (course._needs_practical() and course.practical_scored
                and self.practical_score < course.practical_pass_mark)
                or (course._needs_practical() and not course.practical_scored and self.practical_rating != "passed")
            )
            if too_low:
                raise UserError(self.env._(
                    "%(person)s is marked passed, but the scores are below the pass marks of %(course)s "
                    "(theory %(theory_mark)s, practical %(practical_mark)s). Correct the scores or the result.",
                    person=self.dossier_id.name, course=course.name,
                    theory_mark=course.theory_pass_mark, practical_mark=course.practical_pass_mark))
