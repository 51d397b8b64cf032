import io
from collections import Counter

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Month 0 is for what is due at any time of the year (annual retraining).
MONTHS = [
    ("0", "Any Month"), ("1", "January"), ("2", "February"), ("3", "March"), ("4", "April"), ("5", "May"),
    ("6", "June"), ("7", "July"), ("8", "August"), ("9", "September"), ("10", "October"), ("11", "November"),
    ("12", "December"),
]


class SafetyTrainingPlan(models.TransientModel):
    """Annual training plan: who needs which training next year, per department and month."""

    _name = "safety.training.plan"
    _description = "Annual Safety Training Plan"

    year = fields.Integer(required=True, default=lambda self: self.env.company._safety_local_today().year + 1)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    line_ids = fields.One2many("safety.training.plan.line", "plan_id", string="Lines", readonly=True)

    @api.constrains("year")
    def _check_year(self):
        for plan in self:
            if not 2000 <= plan.year <= 2100:
                raise ValidationError(self.env._("The plan year must be between 2000 and 2100, not %(year)s.",
                                           year=plan.year))

    def action_compute(self):
        """Fill the lines from the requirement statuses and the certificate reviews, and show them."""
        self.ensure_one()
        counts = self._planned_counts()
        self.line_ids.unlink()
        self.env["safety.training.plan.line"].create([
            {"plan_id": self.id, "department_id": department.id, "label": label, "month": str(month),
             "headcount": headcount}
            for (department, label, month), headcount in sorted(
                counts.items(), key=lambda item: (item[0][0].complete_name or "", item[0][1], item[0][2]))
        ])
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Annual Training Plan %(year)s", year=self.year),
        }

    def _planned_counts(self):
        """Return {(department, training label, month): people}; month 0 means any time in the year."""
        first_day = fields.Date.to_date(f"{self.year}-01-01")
        last_day = first_day + relativedelta(years=1, days=-1)
        counts = Counter()
        Status = self.env["safety.requirement.status"]
        company = [("company_id", "=", self.company_id.id), ("dossier_id.active", "=", True)]
        # Open statuses falling due in the plan year, in their month.
        for status in Status.search([*company, ("state", "not in", ("met", "exempt")),
                                     ("due_date", ">=", first_day), ("due_date", "<=", last_day)]):
            counts[status.department_id, status.requirement_id.name, status.due_date.month] += 1
        # Yearly requirements recur: a person who owes one this year owes it again in the plan year.
        this_year = first_day - relativedelta(years=1)
        yearly = Status.search([
            *company, ("requirement_id.recurrence", "=", "calendar_year"), ("state", "!=", "exempt"),
            ("period_start", ">=", this_year), ("period_start", "<", first_day)])
        for status in yearly:
            rule = status.requirement_id
            if not rule.valid_to or rule.valid_to >= first_day:
                counts[status.department_id, rule.name, 0] += 1
        for certificate in self.env["safety.certificate"].search([
                ("company_id", "=", self.company_id.id), ("revoked", "=", False), ("dossier_id.active", "=", True),
                ("next_review_date", ">=", first_day), ("next_review_date", "<=", last_day)]):
            label = self.env._("Certificate review: %(operation)s", operation=certificate.operation_id.name)
            counts[certificate.department_id, label, certificate.next_review_date.month] += 1
        return counts

    def action_export(self):
        """Download the plan as a workbook: one row per department and training, one column per month."""
        self.ensure_one()
        if not self.line_ids:
            self.action_compute()
        if not self.line_ids:
            raise UserError(self.env._(
                "Nothing is due in %(year)s for %(company)s: there is no plan to export.",
                year=self.year, company=self.company_id.name))
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("Safety training plan %(year)s.xlsx", year=self.year),
            "raw": self._workbook(),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _workbook(self):
        rows = {}
        for line in self.line_ids:
            key = (line.department_id.complete_name or self.env._("No Department"), line.label)
            rows.setdefault(key, [0] * 13)[int(line.month)] += line.headcount
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Plan %(year)s", year=self.year))
        bold = workbook.add_format({"bold": True})
        month_labels = dict(self.env["safety.training.plan.line"]._fields["month"]._description_selection(self.env))
        header = [self.env._("Department"), self.env._("Training")] + [
            month_labels[str(month)] for month in range(13)] + [self.env._("Total")]
        sheet.write_row(0, 0, header, bold)
        for index, ((department, label), months) in enumerate(sorted(rows.items()), start=1):
            sheet.write_row(index, 0, [department, label, *months, sum(months)])
        sheet.set_column(0, 1, 28)
        sheet.freeze_panes(1, 2)
        workbook.close()
        return output.getvalue()


class SafetyTrainingPlanLine(models.TransientModel):
    _name = "safety.training.plan.line"
    _description = "Annual Safety Training Plan Line"
    _order = "id"

    plan_id = fields.Many2one("safety.training.plan", required=True, ondelete="cascade")
    department_id = fields.Many2one("hr.department")
    label = fields.Char(string="Training")
    month = fields.Selection(MONTHS, help="0: any time in the year.")
    headcount = fields.Integer(string="People")
