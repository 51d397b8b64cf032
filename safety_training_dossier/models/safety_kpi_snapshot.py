import base64
import io
import logging

import xlsxwriter

from odoo import api, fields, models

from .safety_kpi import COMPLETE_DOSSIER_DEFINITION, COUNTERS, RATES

_logger = logging.getLogger(__name__)

REPORT_XMLID = "safety_training_dossier.safety_kpi_report_action"


class SafetyKpiSnapshot(models.Model):
    """The KPIs of one department at the end of one month, stored by the monthly job.

    A trend reads these rows, so it shows what a rate was then, not a recomputation with today's data.
    The help of each rate is its definition; the dashboard shows it.
    """

    _name = "safety.kpi.snapshot"
    _description = "Safety KPI Monthly Snapshot"
    _order = "month desc, company_id, department_id"

    month = fields.Date(required=True, readonly=True, index=True, help="First day of the month described.")
    taken_on = fields.Date(required=True, readonly=True, help="Local day the snapshot was taken.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True)

    people_count = fields.Integer(string="People on Site", readonly=True)
    complete_count = fields.Integer(string="Complete Dossiers", readonly=True)
    required_count = fields.Integer(string="Required Trainings", readonly=True)
    met_count = fields.Integer(string="Trainings Done", readonly=True)
    assessed_count = fields.Integer(string="Assessed First Attempts", readonly=True)
    first_passed_count = fields.Integer(string="Passed at First Attempt", readonly=True)
    final_passed_count = fields.Integer(string="Passed Finally", readonly=True)
    certificate_count = fields.Integer(string="Certificates", readonly=True)
    on_time_certificate_count = fields.Integer(string="Certificates Reviewed on Time", readonly=True)
    overdue_count = fields.Integer(
        string="Overdue Items", readonly=True,
        help="Overdue requirements plus certificates expired or overdue for review, of the people on site.")
    hours_done = fields.Float(string="Training Hours This Year", readonly=True, digits=(10, 1))
    hours_minimum = fields.Float(string="Minimum Hours This Year", readonly=True, digits=(10, 1))

    # Rates of one row. A pivot averages rows, so its totals over several departments are unweighted;
    # the dashboard and the monthly report add the counters up instead.
    completeness_rate = fields.Float(
        string="Dossier Completeness Rate (%)", compute="_compute_rates", store=True, aggregator="avg",
        digits=(5, 1), help=COMPLETE_DOSSIER_DEFINITION)
    coverage_rate = fields.Float(
        string="Training Coverage (%)", compute="_compute_rates", store=True, aggregator="avg", digits=(5, 1),
        help="Met requirements out of the requirements of the people on site, exempt ones left out. "
             "A requirement counts whatever its due date, so the rate grows during the year.")
    first_pass_rate = fields.Float(
        string="Pass Rate, First Attempt (%)", compute="_compute_rates", store=True, aggregator="avg",
        digits=(5, 1),
        help="Assessed first attempts that passed, out of the assessed first attempts of the last 12 months. "
             "An assessed first attempt is a confirmed record with a passed or failed result that is no "
             "re-examination.")
    final_pass_rate = fields.Float(
        string="Pass Rate, Final (%)", compute="_compute_rates", store=True, aggregator="avg", digits=(5, 1),
        help="Assessed first attempts of the last 12 months that passed at the first attempt or at a later "
             "re-examination.")
    on_time_review_rate = fields.Float(
        string="On-Time Review Rate (%)", compute="_compute_rates", store=True, aggregator="avg", digits=(5, 1),
        help="Special operation certificates that are neither expired nor overdue for review, out of the "
             "certificates of the people on site that are not revoked.")
    hours_per_person = fields.Float(
        string="Average Hours per Person", compute="_compute_rates", store=True, aggregator="avg", digits=(6, 1),
        help="Hours of confirmed, attended training from 1 January to the KPI date, per person on site.")
    minimum_hours_per_person = fields.Float(
        string="Legal Minimum Hours per Person", compute="_compute_rates", store=True, aggregator="avg",
        digits=(6, 1),
        help="Hours that this year's annual requirements ask of the people on site, per person.")

    # A NULL department is a value of its own here (people without a department), hence COALESCE.
    _month_uniq = models.UniqueIndex(
        "(company_id, COALESCE(department_id, 0), month)",
        "A department has one KPI snapshot per month.")

    @api.depends(*COUNTERS)
    def _compute_rates(self):
        Kpi = self.env["safety.kpi"]
        for snapshot in self:
            rates = Kpi._rates({name: snapshot[name] for name in COUNTERS})
            for name, value in rates.items():
                # NOTE: Float columns hold no NULL through the ORM, so a rate with nothing to count is stored
                # as 0 and lowers a pivot's average; the dashboard and the report read the counters instead.
                snapshot[name] = value or 0.0

    # Crons --------------------------------------------------------------------

    @api.model
    def _cron_take_monthly_snapshots(self):
        """Store last month's KPIs of every company and mail them to its safety administrators.

        Runs daily and acts once per company and month: a company that already has last month's
        snapshot is skipped, so a second run stores and mails nothing, and a day the server was
        down is caught up the next day.
        """
        # sudo: the snapshot covers every department, whoever runs the job.
        Snapshot = self.sudo()
        for company in self.env["res.company"].sudo().search([]):
            today = company._safety_local_today()
            month, as_of = self.env["safety.kpi"]._month_bounds(today)
            if Snapshot.search_count([("company_id", "=", company.id), ("month", "=", month)], limit=1):
                continue
            _logger.info("KPI snapshot of %s for %s: start", company.name, month)
            snapshots = Snapshot._take_snapshot(company, month, as_of, today)
            _logger.info("KPI snapshot of %s for %s: %s departments stored", company.name, month, len(snapshots))
            if snapshots:
                snapshots._mail_monthly_report()

    @api.model
    def _take_snapshot(self, company, month, as_of, today):
        """Store the KPIs of ``company`` on ``as_of`` as the snapshot of ``month``, one row per department."""
        counters = self.env["safety.kpi"].sudo()._compute_counters(company, as_of)
        return self.create([
            {"company_id": company.id, "department_id": department_id, "month": month, "taken_on": today,
             **values}
            for department_id, values in counters.items()
        ])

    # Monthly report ------------------------------------------------------------

    def _report_groups(self):
        """Return these snapshots as one table per company and month: department rows and a total row."""
        Kpi = self.env["safety.kpi"]
        groups = {}
        for snapshot in self.sorted(lambda row: (row.company_id.id, row.month, row.department_id.complete_name or "")):
            groups.setdefault((snapshot.company_id, snapshot.month), []).append(snapshot)
        tables = []
        for (company, month), snapshots in groups.items():
            rows = [{
                "label": snapshot.department_id.complete_name or self.env._("No Department"),
                **{name: snapshot[name] for name in COUNTERS},
                **Kpi._rates({name: snapshot[name] for name in COUNTERS}),
            } for snapshot in snapshots]
            total = Kpi._sum_counters(rows)
            total.update(Kpi._rates(total), label=self.env._("Total"))
            tables.append({"company": company, "month": month, "rows": rows, "total": total})
        return tables

    def _report_columns(self):
        """Return the (field name, label) pairs of the monthly report's columns."""
        names = ("people_count", *RATES, "overdue_count")
        labels = self.fields_get(names, ["string"])
        return [(name, labels[name]["string"]) for name in names]

    def _workbook(self):
        """Return these snapshots as an .xlsx workbook: one sheet per company and month."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        columns = self._report_columns()
        for table in self._report_groups():
            sheet = workbook.add_worksheet(f"{table['company'].id}-{table['month']:%Y-%m}")
            sheet.write_row(0, 0, [table["company"].name, table["month"].strftime("%Y-%m")], bold)
            sheet.write_row(1, 0, [self.env._("Department"), *(label for _name, label in columns)], bold)
            for index, row in enumerate([*table["rows"], table["total"]], start=2):
                values = ["" if row[name] is None else row[name] for name, _label in columns]
                sheet.write_row(index, 0, [row["label"], *values], bold if row is table["total"] else None)
            sheet.set_column(0, 0, 28)
            sheet.set_column(1, len(columns), 14)
        workbook.close()
        return output.getvalue()

    def _mail_monthly_report(self):
        """Mail these snapshots (one company, one month) as a PDF and a workbook to the company's
        safety administrators, in Simplified Chinese when it is installed."""
        company = self.company_id
        month = self[:1].month
        lang = "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else "en_US"
        snapshots = self.with_context(lang=lang)
        env = snapshots.env
        admins = env.ref("safety_training_dossier.group_safety_admin").sudo().all_user_ids.filtered(
            lambda user: company in user.company_ids and user.active and user.email and not user.share)
        if not admins:
            _logger.warning("KPI report of %s for %s: no safety administrator with an e-mail address",
                            company.name, month)
            return
        content, file_type = env["ir.actions.report"]._render_qweb_pdf(REPORT_XMLID, snapshots.ids)
        base_name = env._("Safety training KPIs %(month)s", month=month.strftime("%Y-%m"))
        attachments = env["ir.attachment"].sudo().create([
            {"name": f"{base_name}.{file_type}", "raw": content, "res_model": self._name, "res_id": self[:1].id},
            {"name": f"{base_name}.xlsx", "datas": base64.b64encode(snapshots._workbook()),
             "res_model": self._name, "res_id": self[:1].id,
             "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ])
        body = env["ir.qweb"]._render("safety_training_dossier.mail_kpi_monthly_report", {
            "tables": snapshots._report_groups(), "columns": snapshots._report_columns(), "company": company})
        env["mail.mail"].sudo().create({
            "subject": env._("%(company)s: safety training KPIs of %(month)s",
                             company=company.name, month=month.strftime("%Y-%m")),
            "body_html": body,
            "recipient_ids": [(4, partner.id) for partner in admins.partner_id],
            "email_from": company.email_formatted or env.user.email_formatted,
            "attachment_ids": [(4, attachment.id) for attachment in attachments],
            "auto_delete": False,
        })
        _logger.info("KPI report of %s for %s mailed to %s administrators", company.name, month, len(admins))
