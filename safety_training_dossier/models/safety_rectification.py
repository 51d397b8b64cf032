from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

RECTIFICATION_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("in_retraining", "In Retraining"),
    ("escalated", "Escalated"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# States in which a passing retake still closes the notice.
OPEN_STATES = ("draft", "submitted", "approved", "rejected", "in_retraining", "escalated")
# Written only by the workflow methods, which pass this object in the context; RPC cannot send it.
WORKFLOW = object()
WORKFLOW_FIELDS = {"state", "approved_by_id", "approved_date", "reject_reason", "escalation_reason",
                   "closing_record_id", "closed_date"}


class SafetyRectification(models.Model):
    """整改通知书: after a failed assessment or an absence, retraining by a deadline, closed by a pass."""

    _name = "safety.rectification"
    _description = "Rectification Notice"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline, id"

    name = fields.Char(string="Notice Number", required=True, readonly=True, copy=False, default="/")
    dossier_id = fields.Many2one(
        "safety.dossier", string="Person", required=True, readonly=True, index=True, ondelete="restrict")
    employee_number = fields.Char(related="dossier_id.employee_number")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    department_id = fields.Many2one(related="dossier_id.department_id", store=True, index=True)
    record_id = fields.Many2one(
        "safety.training.record", string="Failed or Missed Record", required=True, readonly=True,
        ondelete="restrict")
    cause = fields.Selection(
        [("failed", "Failed Assessment"), ("absent", "Absent from Mandatory Training")], required=True,
        readonly=True)
    course_id = fields.Many2one(
        "safety.training.course", string="Retraining Course", required=True, tracking=True,
        help="The course the person must take again and pass.")
    deadline = fields.Date(required=True, tracking=True, index=True)
    responsible_user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True,
        help="The safety officer who follows the retraining.")
    measures = fields.Text(string="Rectification Measures", help="What the person does before the re-examination.")
    state = fields.Selection(
        RECTIFICATION_STATES, default="draft", required=True, readonly=True, tracking=True, index=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False)
    escalation_reason = fields.Selection(
        [("deadline", "Deadline Passed"), ("attempts", "Too Many Failed Attempts")], readonly=True, copy=False)
    retake_ids = fields.One2many("safety.training.record", "rectification_id", string="Re-examinations")
    failed_attempts = fields.Integer(
        compute="_compute_attempts", help="Confirmed re-examinations of this notice that failed.")
    closing_record_id = fields.Many2one(
        "safety.training.record", string="Passing Record", readonly=True, copy=False)
    closed_date = fields.Date(readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_can_approve")

    _record_uniq = models.Constraint(
        "unique (record_id)", "A failed or missed record has one rectification notice.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("safety.rectification") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if WORKFLOW_FIELDS & vals.keys() and self.env.context.get("safety_rectification_workflow") is not WORKFLOW:
            raise UserError(self.env._(
                "The status of a rectification notice changes only through its buttons "
                "(submit, approve, reject, schedule re-examination) and the training records that follow it."))
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write workflow fields; the caller has checked that the user may take this step."""
        # sudo: a department manager approves without write access to the notice's other fields.
        return self.sudo().with_context(safety_rectification_workflow=WORKFLOW).write(vals)

    @api.depends("retake_ids.state", "retake_ids.result")
    def _compute_attempts(self):
        for notice in self:
            notice.failed_attempts = len(notice.retake_ids.filtered(
                lambda record: record.state == "confirmed" and record.result != "passed"))

    @api.depends_context("uid")
    @api.depends("department_id")
    def _compute_can_approve(self):
        for notice in self:
            notice.can_approve = notice._is_approver(self.env.user)

    def _approvers(self):
        """Return the users who approve this notice: the managers of the person's department and its
        parents, or the safety administrators of the company when the department has no manager."""
        self.ensure_one()
        managers = self.department_id.safety_manager_user_ids
        return managers or self._safety_admins()

    def _safety_admins(self):
        group = self.env.ref("safety_training_dossier.group_safety_admin")
        # sudo: the approver list reads users the current user may not see (another department's manager).
        return group.sudo().all_user_ids.filtered(
            lambda user: not user.share and self.company_id in user.company_ids and user.id != 1)

    def _is_approver(self, user):
        self.ensure_one()
        return user in self.sudo()._approvers() or user.has_group("safety_training_dossier.group_safety_admin")

    # Creation ---------------------------------------------------------------

    @api.model
    def _open_for_records(self, records):
        """Create the notices of failed or missed records that have none; return them.

        A failed retake counts as an attempt of its notice instead of opening a new one.
        """
        existing = self.sudo().search([("record_id", "in", records.ids)]).record_id
        vals_list = []
        for record in records - existing:
            if record.rectification_id or not record._needs_rectification():
                continue
            company = record.company_id
            today = company._safety_local_today()
            vals_list.append({
                "dossier_id": record.dossier_id.id,
                "record_id": record.id,
                "cause": "failed" if record.result == "failed" else "absent",
                "course_id": record.course_id.id,
                "deadline": max(record.date, today) + relativedelta(days=company.safety_rectification_days),
                "responsible_user_id": (record.dossier_id.department_id._safety_officer() or self.env.user).id,
            })
        # sudo: the officer confirming the record may not read every field of the notice's approvers.
        notices = self.sudo().with_context(mail_create_nosubscribe=True).create(vals_list)
        for notice in notices:
            notice.message_post(body=self.env._(
                "Opened after %(record)s (%(cause)s). Retraining in %(course)s is due by %(deadline)s.",
                record=notice.record_id.display_name, cause=notice._cause_label(), course=notice.course_id.name,
                deadline=notice.deadline))
        return notices

    def _cause_label(self):
        return dict(self._fields["cause"]._description_selection(self.env))[self.cause]

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # Workflow ---------------------------------------------------------------

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda notice: notice.state not in allowed)
        if wrong:
            raise UserError(self.env._(
                "%(action)s is not possible for %(notices)s in its current state (%(state)s).",
                action=action, notices=", ".join(wrong.mapped("name")), state=wrong[0]._state_label()))

    def action_submit(self):
        """Send the notice to the department manager for approval."""
        self._check_state(("draft", "rejected"), self.env._("Submitting"))
        self._write_workflow({"state": "submitted", "reject_reason": False})
        activity_type = self.env.ref("safety_training_dossier.mail_activity_type_rectification_approval")
        for notice in self:
            for approver in notice.sudo()._approvers():
                notice.activity_schedule(
                    activity_type_id=activity_type.id, user_id=approver.id, date_deadline=notice.deadline,
                    summary=self.env._("Approve rectification notice %(notice)s", notice=notice.name))
        return True

    def action_approve(self):
        self._check_state(("submitted",), self.env._("Approving"))
        self._check_approver()
        self._write_workflow({"state": "approved", "approved_by_id": self.env.user.id,
                              "approved_date": fields.Datetime.now()})
        self._close_approval_activities(self.env._("Approved"))
        self.filtered("retake_ids")._write_workflow({"state": "in_retraining"})
        return True

    def action_reject(self, reason):
        """Send the notice back to the safety officer with ``reason``."""
        self._check_state(("submitted",), self.env._("Rejecting"))
        self._check_approver()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for rejecting the rectification notice."))
        self._write_workflow({"state": "rejected", "reject_reason": reason})
        self._close_approval_activities(self.env._("Rejected: %(reason)s", reason=reason))
        for notice in self.sudo():
            notice.message_post(body=self.env._("Rejected by %(user)s. Reason: %(reason)s",
                                                user=self.env.user.name, reason=reason))
            if notice.responsible_user_id:
                notice.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=notice.responsible_user_id.id,
                    summary=self.env._("Revise rectification notice %(notice)s", notice=notice.name),
                    note=reason)
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "safety.rectification.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rectification_id": self.id},
            "name": self.env._("Reject Rectification Notice"),
        }

    def action_cancel(self):
        if not self.env.user.has_group("safety_training_dossier.group_safety_officer"):
            raise AccessError(self.env._("Only a safety officer can cancel a rectification notice."))
        self._check_state(("draft", "submitted", "rejected"), self.env._("Cancelling"))
        self._write_workflow({"state": "cancelled"})
        self.activity_unlink(["safety_training_dossier.mail_activity_type_rectification_approval"])
        return True

    def action_schedule_retake(self):
        """Create the draft re-examination record of this notice and open it."""
        self.ensure_one()
        self._check_state(("approved", "in_retraining", "escalated"), self.env._("Scheduling a re-examination"))
        last_attempt = self.retake_ids.sorted(lambda record: (record.date, record.id))[-1:] or self.record_id
        retake = self.env["safety.training.record"].create({
            "dossier_id": self.dossier_id.id,
            "course_id": self.course_id.id,
            "retake_of_id": last_attempt.id,
            "rectification_id": self.id,
            "date": self.company_id._safety_local_today(),
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "safety.training.record",
            "res_id": retake.id,
            "view_mode": "form",
        }

    def action_open_retakes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("safety_training_dossier.safety_training_record_action")
        action.update({"domain": [("rectification_id", "=", self.id)], "context": {"create": False}})
        return action

    def _check_approver(self):
        for notice in self:
            if not notice._is_approver(self.env.user):
                raise AccessError(self.env._(
                    "Only a manager of %(department)s or a Safety administrator can approve or reject "
                    "rectification notice %(notice)s.",
                    department=notice.department_id.name or "-", notice=notice.name))

    def _close_approval_activities(self, feedback):
        activities = self.activity_ids.filtered(
            lambda activity: activity.activity_type_id
            == self.env.ref("safety_training_dossier.mail_activity_type_rectification_approval"))
        # sudo: the approver closes the activities of the other approvers of the same notice too.
        activities.sudo().with_context(safety_closing_approval=True).action_feedback(feedback=feedback)

    # Progress from training records -------------------------------------------

    def _on_retake_confirmed(self, record):
        """Close the notice when ``record`` passed; count a failure and escalate after too many."""
        self.ensure_one()
        if record.result == "passed" and record.attendance in ("present", "late"):
            self._write_workflow({"state": "closed", "closing_record_id": record.id,
                                  "closed_date": self.company_id._safety_local_today()})
            self.activity_unlink(["safety_training_dossier.mail_activity_type_rectification_approval"])
            self.message_post(body=self.env._("Closed: %(record)s passed.", record=record.display_name))
            return
        if self.failed_attempts >= self.company_id.safety_max_failed_attempts and self.state != "escalated":
            self._escalate("attempts")
        elif self.state == "approved":
            self._write_workflow({"state": "in_retraining"})

    def _escalate(self, reason):
        """Hand the notice to the safety administrators, with an activity for each."""
        self._write_workflow({"state": "escalated", "escalation_reason": reason})
        activity_type = self.env.ref("safety_training_dossier.mail_activity_type_rectification_approval")
        for notice in self:
            reason_label = dict(self._fields["escalation_reason"]._description_selection(self.env))[reason]
            notice.message_post(body=self.env._("Escalated to the safety administrators: %(reason)s.",
                                                reason=reason_label))
            for admin in notice._safety_admins():
                notice.activity_schedule(
                    activity_type_id=activity_type.id, user_id=admin.id,
                    summary=self.env._("Escalated rectification notice %(notice)s: %(reason)s",
                                       notice=notice.name, reason=reason_label))

    @api.model
    def _cron_escalate_late(self):
        """Escalate the notices whose deadline passed in their company's local calendar."""
        notices = self.sudo().search([("state", "in", ("draft", "submitted", "approved", "rejected",
                                                        "in_retraining"))])
        late = notices.filtered(lambda notice: notice.deadline < notice.company_id._safety_local_today())
        late._escalate("deadline")
        return late
