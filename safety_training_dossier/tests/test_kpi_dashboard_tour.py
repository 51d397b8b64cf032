from datetime import date

from odoo.tests import HttpCase, tagged

from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestKpiDashboardTour(SafetyCase, HttpCase):
    """The dashboard in Chromium: the client action loads, shows its cards, and opens an overdue item."""

    def test_dashboard_in_the_browser(self):
        requirement = self.env.ref("safety_training_dossier.requirement_staff_annual_general")
        self.env["safety.requirement.status"].search([]).unlink()
        self.env["safety.requirement.status"].create({
            "dossier_id": self.dossier.id, "requirement_id": requirement.id, "company_id": self.company.id,
            "department_id": self.department.id, "period_start": date(2020, 1, 1), "due_date": date(2020, 12, 31),
            "hours_required": 20, "state": "overdue"})
        self.start_tour("/odoo/action-safety_training_dossier.safety_kpi_dashboard_action",
                        "safety_kpi_dashboard", login="safety_officer")
