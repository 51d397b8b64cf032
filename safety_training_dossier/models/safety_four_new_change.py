from odoo import api, fields, models
from odoo.exceptions import UserError

CHANGE_KINDS = [
    ("process", "New Process"),
    ("technology", "New Technology"),
    ("material", "New Material"),
    ("equipment", "New Equipment"),
]


class SafetyFourNewChange(models.Model):
    """A new process, technology, material or equipment (四新) brought into use.

    《生产经营单位安全培训规定》 Art. 19: the people it affects receive specialised safety
    training before it is used.
    """

    _name = "safety.four.new.change"
    _description = "New Process, Technology, Material or Equipment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(CHANGE_KINDS, required=True, default="equipment", tracking=True)
    date = fields.Date(
        string="First Use", required=True, tracking=True,
        help="Day the change is first used; the specialised training is due before it.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    department_ids = fields.Many2many(
        "hr.department", string="Departments", help="People in these departments and their sub-departments.")
    job_ids = fields.Many2many("hr.job", string="Jobs", help="People holding these jobs, in any department.")
    description = fields.Html()
    state = fields.Selection(
        [("draft", "Draft"), ("announced", "Training Opened")], default="draft", required=True, readonly=True,
        tracking=True, copy=False)
    dossier_count = fields.Integer(string="People Affected", compute="_compute_dossier_count")

    @api.depends("department_ids", "job_ids", "company_id")
    def _compute_dossier_count(self):
        for change in self:
            change.dossier_count = len(change._affected_dossiers())

    def _affected_dossiers(self):
        self.ensure_one()
        if not self.department_ids and not self.job_ids:
            return self.env["safety.dossier"]
        domain = [("company_id", "=", self.company_id.id)]
        if self.department_ids and self.job_ids:
            domain += ["|", ("department_id", "child_of", self.department_ids.ids), ("job_id", "in", self.job_ids.ids)]
        elif self.department_ids:
            domain.append(("department_id", "child_of", self.department_ids.ids))
        else:
            domain.append(("job_id", "in", self.job_ids.ids))
        return self.env["safety.dossier"].search(domain)

    def action_open_training(self):
        """Record a 四新 event for everyone affected, which opens their specialised training."""
        for change in self:
            if change.state != "draft":
                raise UserError(self.env._("The training for %(change)s is already open.", change=change.name))
            dossiers = change._affected_dossiers()
            if not dossiers:
                raise UserError(self.env._(
                    "No person is in the departments or jobs of %(change)s. "
                    "Choose the departments or jobs whose people use it.",
                    change=change.name))
            self.env["safety.dossier.event"]._record([
                {"dossier_id": dossier.id, "kind": "four_new", "date": change.date, "description": change.name}
                for dossier in dossiers
            ])
            change.state = "announced"
            change.message_post(body=self.env._(
                "Specialised training opened for %(count)s people.", count=len(dossiers)))
