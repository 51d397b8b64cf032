from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from .safety_training_record import DEFER_DAY_CHECK

# Context used when the attendee grid writes its lines: one chatter entry per
# attendee would make saving 30 lines cost 30 times the queries of saving one.
GRID_CONTEXT = {"mail_notrack": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                "safety_defer_day_check": DEFER_DAY_CHECK}


class SafetyTrainingSession(models.Model):
    _name = "safety.training.session"
    _description = "Safety Training Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    course_id = fields.Many2one("safety.training.course", required=True, tracking=True)
    training_type_id = fields.Many2one(related="course_id.training_type_id", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_start = fields.Datetime(string="Start", required=True, tracking=True)
    date_end = fields.Datetime(string="End", required=True, tracking=True)
    hours = fields.Float(
        string="Training Hours", compute="_compute_hours", store=True, readonly=False, tracking=True,
        help="Hours credited to each attendee who is present or late.")
    location = fields.Char(tracking=True)
    trainer_name = fields.Char(string="Trainer", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, tracking=True, copy=False)
    record_ids = fields.One2many("safety.training.record", "session_id", string="Attendees", copy=False)
    attendee_count = fields.Integer(compute="_compute_attendee_count")
    note = fields.Html()
    photo_ids = fields.Many2many(
        "ir.attachment", "safety_training_session_photo_rel", "session_id", "attachment_id",
        string="Photos and Sign-in Sheet", help="Photos of the session and scans of the signed sheet; images are "
                                                "printed in the session archive.")

    @api.depends("course_id")
    def _compute_hours(self):
        for session in self:
            session.hours = session.course_id.hours

    def action_print_archive(self):
        self.ensure_one()
        return self.env.ref("safety_training_dossier.safety_training_session_report_action").report_action(self)

    def _archive_photos(self):
        """Return the image attachments printed in the session archive."""
        return self.photo_ids.filtered(lambda attachment: (attachment.mimetype or "").startswith("image/"))

    def _compute_attendee_count(self):
        counts = dict(self.env["safety.training.record"]._read_group(
            [("session_id", "in", self.ids)], ["session_id"], ["__count"]))
        for session in self:
            session.attendee_count = counts.get(session, 0)

    @api.constrains("date_start", "date_end", "hours")
    def _check_dates_and_hours(self):
        for session in self:
            if session.date_end < session.date_start:
                raise ValidationError(self.env._(
                    "Session %(session)s ends (%(end)s) before it starts (%(start)s). "
                    "Set an end at or after the start.",
                    session=session.name, end=format_datetime(self.env, session.date_end),
                    start=format_datetime(self.env, session.date_start)))
            if session.hours <= 0:
                raise ValidationError(self.env._(
                    "Session %(session)s: training hours must be greater than 0, not %(hours)s.",
                    session=session.name, hours=session.hours))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("safety.training.session") or "/"
        grid_vals = [vals.pop("record_ids", None) for vals in vals_list]
        sessions = super().create(vals_list)
        for session, record_commands in zip(sessions, grid_vals, strict=True):
            if record_commands:
                session.with_context(**GRID_CONTEXT).write({"record_ids": record_commands})
        return sessions

    def write(self, vals):
        record_commands = vals.pop("record_ids", None)
        result = super().write(vals) if vals else True
        if record_commands is not None:
            if any(session.state != "draft" for session in self):
                raise UserError(self.env._("Attendees can only be changed while the session is a draft."))
            super(SafetyTrainingSession, self.with_context(**GRID_CONTEXT)).write({"record_ids": record_commands})
            # The grid defers this check line by line; run it once for every line now.
            self.record_ids._check_hours_per_day()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        for session in self:
            if session.record_ids.filtered(lambda record: record.state == "confirmed"):
                raise UserError(self.env._(
                    "Session %(session)s contains confirmed training records, which belong to the attendees' "
                    "dossiers, so it cannot be deleted.", session=session.name))

    def action_confirm(self):
        """Confirm every attendee's record, which locks it, and close the session."""
        for session in self:
            if session.state != "draft":
                raise UserError(self.env._("Session %(session)s is not a draft.", session=session.name))
            if not session.record_ids:
                raise UserError(self.env._(
                    "Session %(session)s has no attendees. Add attendees before confirming it.",
                    session=session.name))
        self.record_ids.filtered(lambda record: record.state == "draft").action_confirm()
        self.state = "done"

    def action_cancel(self):
        for session in self:
            if session.state != "draft":
                raise UserError(self.env._("Only a draft session can be cancelled; %(session)s is not.",
                                           session=session.name))
        self.state = "cancelled"

    def action_reset_to_draft(self):
        for session in self:
            if session.state != "cancelled":
                raise UserError(self.env._("Only a cancelled session can return to draft; %(session)s is not.",
                                           session=session.name))
        self.state = "draft"
