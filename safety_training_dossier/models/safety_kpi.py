from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .safety_training_record import CREDITED_ATTENDANCE

# The definition of a complete dossier, shown as help on the KPI and on the dossier's filter.
# _complete_dossier_domain applies it; keep both in step.
COMPLETE_DOSSIER_DEFINITION = (
    "Complete dossiers out of the people on site (active people whose onboarding date is not in the future). "
    "A complete dossier has an employee number and an onboarding date. "
    "People onboarded on or after the company's cut-over date also have a passed, confirmed record of each "
    "induction level: company, workshop and team. "
    "Special operators hold a certificate that is not revoked, expired or overdue for review. "
    "No requirement of the person is overdue."
)
INDUCTION_LEVELS = ("company_level", "workshop_level", "team_level")
# Counters of one company and department; the rates are ratios of them, so they add up across groups.
COUNTERS = (
    "people_count", "complete_count", "required_count", "met_count", "assessed_count", "first_passed_count",
    "final_passed_count", "certificate_count", "on_time_certificate_count", "overdue_count", "hours_done",
    "hours_minimum",
)
# Rate field: (numerator counter, denominator counter, factor). Percentages use 100.
RATES = {
    "completeness_rate": ("complete_count", "people_count", 100),
    "coverage_rate": ("met_count", "required_count", 100),
    "first_pass_rate": ("first_passed_count", "assessed_count", 100),
    "final_pass_rate": ("final_passed_count", "assessed_count", 100),
    "on_time_review_rate": ("on_time_certificate_count", "certificate_count", 100),
    "hours_per_person": ("hours_done", "people_count", 1),
    "minimum_hours_per_person": ("hours_minimum", "people_count", 1),
}
# Pass rates count the first attempts of this many months up to the KPI date.
PASS_RATE_MONTHS = 12
# A KPI below its target but within this margin shows as a warning (orange) rather than red.
WARNING_MARGIN_POINTS = 5.0
WARNING_MARGIN_HOURS = 2.0


class SafetyKpi(models.AbstractModel):
    """Compliance KPIs of a company, per department, read with the current user's access rights.

    Every figure comes from a few grouped queries per company, never from a loop over people.
    """

    _name = "safety.kpi"
    _description = "Safety Training KPIs"

    @api.model
    def _on_site_domain(self, as_of):
        """Return the domain of the dossiers of people on site on ``as_of``."""
        return Domain("active", "=", True) & (
            Domain("onboarding_date", "=", False) | Domain("onboarding_date", "<=", as_of))

    @api.model
    def _complete_dossier_domain(self, company, as_of):
        """Return the domain of the complete dossiers of ``company`` on ``as_of`` (COMPLETE_DOSSIER_DEFINITION)."""
        induction = Domain.AND(
            Domain("training_record_ids", "any", [
                ("state", "=", "confirmed"), ("result", "=", "passed"), ("attendance", "in", CREDITED_ATTENDANCE),
                ("training_type_id.induction_level", "=", level)])
            for level in INDUCTION_LEVELS
        )
        if company.safety_cut_over_date:
            induction = Domain("onboarding_date", "<", company.safety_cut_over_date) | induction
        valid_certificate = Domain("certificate_ids", "any", self._on_time_certificate_domain(as_of))
        return (
            Domain("company_id", "=", company.id)
            & Domain("employee_number", "!=", False)
            & Domain("onboarding_date", "!=", False)
            & induction
            & (Domain("safety_role", "!=", "special_operator") | valid_certificate)
            & Domain("requirement_status_ids", "not any", [("state", "=", "overdue")])
        )

    @api.model
    def _on_time_certificate_domain(self, as_of):
        """Return the domain of the certificates neither revoked, expired nor overdue for review on ``as_of``."""
        return (
            Domain("active", "=", True) & Domain("revoked", "=", False) & Domain("valid_until", ">=", as_of)
            & (Domain("next_review_date", "=", False) | Domain("next_review_date", ">=", as_of))
        )

    @api.model
    def _compute_counters(self, company, as_of):
        """Return the KPI counters of ``company`` on ``as_of`` as {department id or False: {counter: value}}."""
        counters = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        company_domain = Domain("company_id", "=", company.id)
        on_site = company_domain & self._on_site_domain(as_of)
        people_on_site = Domain("dossier_id", "any", on_site)
        year_start = as_of.replace(month=1, day=1)

        Dossier = self.env["safety.dossier"]
        for department, count in Dossier._read_group(on_site, ["department_id"], ["__count"]):
            counters[department.id]["people_count"] = count
        complete = on_site & self._complete_dossier_domain(company, as_of)
        for department, count in Dossier._read_group(complete, ["department_id"], ["__count"]):
            counters[department.id]["complete_count"] = count

        Requirement = self.env["safety.report.requirement"]
        for department, state, count in Requirement._read_group(
                company_domain & people_on_site, ["department_id", "state"], ["__count"]):
            counters[department.id]["required_count"] += count
            if state == "met":
                counters[department.id]["met_count"] += count
            elif state == "overdue":
                counters[department.id]["overdue_count"] += count
        annual = company_domain & people_on_site & Domain("recurrence", "=", "calendar_year") \
            & Domain("period_start", ">=", year_start) & Domain("period_start", "<=", as_of)
        for department, hours in Requirement._read_group(annual, ["department_id"], ["hours_required:sum"]):
            counters[department.id]["hours_minimum"] = hours

        pass_window = company_domain & Domain("date", ">", as_of - relativedelta(months=PASS_RATE_MONTHS)) \
            & Domain("date", "<=", as_of)
        for department, count, first, final in self.env["safety.report.assessment"]._read_group(
                pass_window, ["department_id"], ["__count", "first_passed:sum", "final_passed:sum"]):
            counters[department.id].update(assessed_count=count, first_passed_count=first, final_passed_count=final)

        Certificate = self.env["safety.certificate"]
        certificates_held = company_domain & people_on_site & Domain("active", "=", True) \
            & Domain("revoked", "=", False)
        for department, count in Certificate._read_group(certificates_held, ["department_id"], ["__count"]):
            counters[department.id]["certificate_count"] = count
        on_time = certificates_held & self._on_time_certificate_domain(as_of)
        for department, count in Certificate._read_group(on_time, ["department_id"], ["__count"]):
            counters[department.id]["on_time_certificate_count"] = count

        trained = company_domain & people_on_site & Domain("state", "=", "confirmed") \
            & Domain("attendance", "in", CREDITED_ATTENDANCE) & Domain("date", ">=", year_start) \
            & Domain("date", "<=", as_of)
        for department, hours in self.env["safety.training.record"]._read_group(
                trained, ["department_id"], ["hours:sum"]):
            counters[department.id]["hours_done"] = hours

        for values in counters.values():
            values["overdue_count"] += values["certificate_count"] - values["on_time_certificate_count"]
        return dict(counters)

    @api.model
    def _sum_counters(self, counter_dicts):
        """Return the sum of several counter dicts."""
        total = dict.fromkeys(COUNTERS, 0)
        for values in counter_dicts:
            for name in COUNTERS:
                total[name] += values.get(name) or 0
        return total

    @api.model
    def _rates(self, counters):
        """Return the rates of ``counters``; a rate with nothing to count (no people, no assessment) is None."""
        rates = {}
        for name, (numerator, denominator, factor) in RATES.items():
            rates[name] = round(factor * counters[numerator] / counters[denominator], 1) \
                if counters[denominator] else None
        return rates

    @api.model
    def _month_bounds(self, today):
        """Return the first and the last day of the month before ``today``'s."""
        first_of_this_month = today.replace(day=1)
        return first_of_this_month - relativedelta(months=1), first_of_this_month - timedelta(days=1)

    # Dashboard -----------------------------------------------------------------

    @api.model
    def get_dashboard_data(self):
        """Return what the KPI dashboard shows for the user's selected companies, read with the user's rights.

        A department manager's record rules limit every figure to the departments they manage.
        """
        companies = self.env.companies
        today = self.env.company._safety_local_today()
        counters_by_company = {company: self._compute_counters(company, company._safety_local_today())
                               for company in companies}
        total = self._sum_counters(
            values for counters in counters_by_company.values() for values in counters.values())
        return {
            "today": fields.Date.to_string(today),
            "kpis": self._dashboard_kpis(total),
            "overdue_items": self._top_overdue_items(companies, today),
            "weakest_courses": self._weakest_pass_rates(companies, today, "course_id"),
            "weakest_departments": self._weakest_pass_rates(companies, today, "department_id"),
            "trend": self._trend(companies, today),
        }

    @api.model
    def _dashboard_kpis(self, total):
        """Return the KPI cards: label, definition, value, target and colour state of each KPI."""
        company = self.env.company
        rates = self._rates(total)
        descriptions = self.env["safety.kpi.snapshot"].fields_get(
            [*RATES, "overdue_count"], ["string", "help"])
        targets = {
            "completeness_rate": company.safety_target_completeness,
            "coverage_rate": company.safety_target_coverage,
            "first_pass_rate": company.safety_target_pass_rate,
            "final_pass_rate": company.safety_target_pass_rate,
            "on_time_review_rate": company.safety_target_on_time_review,
            "hours_per_person": rates["minimum_hours_per_person"],
        }
        cards = []
        for name in (*RATES, "overdue_count"):
            if name == "minimum_hours_per_person":
                continue
            value = total[name] if name == "overdue_count" else rates[name]
            target = 0 if name == "overdue_count" else targets[name]
            cards.append({
                "name": name,
                "label": descriptions[name]["string"],
                "definition": descriptions[name].get("help", ""),
                "value": value,
                "target": target,
                "state": self._kpi_state(name, value, target),
            })
        return cards

    @api.model
    def _kpi_state(self, name, value, target):
        """Return the colour state of a KPI: "good" at or past its target, "warning" within
        WARNING_MARGIN of it, "bad" beyond, "none" when there is nothing to measure."""
        if value is None:
            return "none"
        if name == "overdue_count":
            return "good" if value == 0 else "bad"
        if target is None or value >= target:
            return "good"
        margin = WARNING_MARGIN_HOURS if name == "hours_per_person" else WARNING_MARGIN_POINTS
        return "warning" if value >= target - margin else "bad"

    @api.model
    def _top_overdue_items(self, companies, today, limit=10):
        """Return the ``limit`` oldest overdue items: requirements and certificate reviews of active people."""
        active_people = Domain("dossier_id.active", "=", True) & Domain("company_id", "in", companies.ids)
        statuses = self.env["safety.requirement.status"].search(
            active_people & Domain("state", "=", "overdue"), order="due_date, id", limit=limit)
        certificates = self.env["safety.certificate"].search(
            active_people & Domain("active", "=", True) & Domain("revoked", "=", False)
            & ~self._on_time_certificate_domain(today), order="next_review_date, id", limit=limit)
        items = [{
            "model": status._name, "id": status.id, "person": status.dossier_id.name,
            "employee_number": status.employee_number or "", "department": status.department_id.name or "",
            "item": status.requirement_id.name, "due_date": status.due_date,
        } for status in statuses]
        items += [{
            "model": certificate._name, "id": certificate.id, "person": certificate.dossier_id.name,
            "employee_number": certificate.employee_number or "", "department": certificate.department_id.name or "",
            "item": self.env._("Review of certificate %(number)s (%(operation)s)",
                               number=certificate.number, operation=certificate.operation_id.name),
            "due_date": min(date for date in (certificate.next_review_date, certificate.valid_until) if date),
        } for certificate in certificates]
        items.sort(key=lambda item: (item["due_date"], item["model"], item["id"]))
        for item in items:
            item["days_overdue"] = (today - item["due_date"]).days
            item["due_date"] = fields.Date.to_string(item["due_date"])
        return items[:limit]

    @api.model
    def _weakest_pass_rates(self, companies, today, groupby, limit=5):
        """Return the ``limit`` groups (courses or departments) with the lowest first-attempt pass rate
        over the last 12 months."""
        domain = Domain("company_id", "in", companies.ids) \
            & Domain("date", ">", today - relativedelta(months=PASS_RATE_MONTHS)) & Domain("date", "<=", today)
        groups = self.env["safety.report.assessment"]._read_group(
            domain, [groupby], ["__count", "first_passed:sum", "final_passed:sum"])
        # sudo: only the name is read. A course of another company, shared by a trainer, would raise otherwise.
        rows = [{
            "name": group.sudo().display_name if group else self.env._("No Department"),
            "assessed": count,
            "first_pass_rate": round(100 * first / count, 1),
            "final_pass_rate": round(100 * final / count, 1),
        } for group, count, first, final in groups]
        rows.sort(key=lambda row: (row["first_pass_rate"], -row["assessed"], row["name"]))
        return rows[:limit]

    @api.model
    def _trend(self, companies, today, months=12):
        """Return the stored monthly KPIs of the last ``months`` months, oldest first, summed over the
        departments the user may read."""
        first_month = today.replace(day=1) - relativedelta(months=months)
        groups = self.env["safety.kpi.snapshot"]._read_group(
            [("company_id", "in", companies.ids), ("month", ">=", first_month)],
            ["month:month"], [f"{name}:sum" for name in COUNTERS], order="month:month")
        trend = []
        for month, *values in groups:
            rates = self._rates(dict(zip(COUNTERS, values, strict=True)))
            trend.append({"month": month.strftime("%Y-%m"), **rates,
                          "overdue_count": values[COUNTERS.index("overdue_count")]})
        return trend
