import base64
import datetime
import io
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import xlsxwriter

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..models.safety_training_record import CREDITED_ATTENDANCE, DEFER_DAY_CHECK, MAX_HOURS_PER_DAY
from ..tools import ledger
from ..tools.id_crypto import mask

_logger = logging.getLogger(__name__)

LEDGER_KINDS = [
    ("training", "Training Ledger"),
    ("certificate", "Special Operation Certificate Ledger"),
    ("roster", "Roster Additions"),
]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Imported rows are created this many at a time, each batch with one create and one day check.
CREATE_BATCH_SIZE = 2000
# Context of the batch creates: no chatter message or follower per imported record.
IMPORT_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                  "mail_notrack": True}


@dataclass
class LedgerRow:
    """One data row of the file, its parsed values and the reasons it cannot be imported."""

    sheet: object
    number: int
    cells: tuple
    values: dict
    errors: list = field(default_factory=list)  # (column label, value as shown, reason)
    dossier: object = None
    duplicate: bool = False
    course_key: str = ""
    vals: dict = None


class SafetyLedgerImport(models.TransientModel):
    """Import a training, certificate or roster ledger: preview, map courses, then commit all rows or none."""

    _name = "safety.ledger.import"
    _description = "Ledger Import"

    kind = fields.Selection(LEDGER_KINDS, required=True, default="training")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    # Stored in the wizard's own table, not as an attachment, and cleared when the wizard finishes.
    file = fields.Binary(string="Workbook", attachment=False)
    file_name = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload", required=True)
    row_count = fields.Integer(string="Rows Read", readonly=True)
    new_count = fields.Integer(string="New Rows", readonly=True)
    duplicate_count = fields.Integer(string="Duplicates Skipped", readonly=True)
    error_count = fields.Integer(string="Rows with Errors", readonly=True)
    unmapped_count = fields.Integer(string="Rows Waiting for a Course", readonly=True)
    skipped_sheets = fields.Char(readonly=True, help="Sheets without a header row, which were not read.")
    issue_ids = fields.One2many("safety.ledger.import.issue", "wizard_id", string="Errors", readonly=True)
    course_line_ids = fields.One2many("safety.ledger.import.course", "wizard_id", string="Unknown Training Content")
    error_file = fields.Binary(string="Error Workbook", attachment=False, readonly=True)
    # Its own field, so that downloading the template never replaces the error workbook.
    template_file = fields.Binary(string="Template Workbook", attachment=False, readonly=True)
    error_file_name = fields.Char()

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "upload"

    # Actions ----------------------------------------------------------------

    def action_preview(self):
        """Read the file and show what an import would do, without writing anything."""
        self.ensure_one()
        rows, skipped = self._analyse()
        self._write_preview(rows, skipped)
        return self._reopen()

    def action_import(self):
        """Import every new row, or nothing when any row has an error or an unmapped course."""
        self.ensure_one()
        rows, skipped = self._analyse()
        self._write_preview(rows, skipped)
        if self.error_count or self.unmapped_count:
            raise UserError(self.env._(
                "Nothing was imported: %(errors)s rows have errors and %(unmapped)s rows wait for a course. "
                "Preview the file, download the error workbook, correct the rows and import again.",
                errors=self.error_count, unmapped=self.unmapped_count))
        new_rows = [row for row in rows if not row.duplicate]
        getattr(self, f"_commit_{self.kind}")(new_rows)
        _logger.info("Ledger import of %s (%s) by user %s: %s rows, %s created, %s duplicates skipped",
                     self.file_name, self.kind, self.env.uid, len(rows), len(new_rows), self.duplicate_count)
        self.write({"state": "done", "file": False, "error_file": False, "template_file": False})
        return self._reopen()

    def action_close(self):
        """Clear the uploaded file and close the wizard."""
        self.write({"file": False, "error_file": False, "template_file": False})
        return {"type": "ir.actions.act_window_close"}

    def action_download_errors(self):
        self.ensure_one()
        if not self.error_file:
            raise UserError(self.env._("There is no error workbook: preview a file with errors first."))
        return self._download("error_file", self.error_file_name)

    def action_download_template(self):
        """Download an empty workbook with the headers of this kind of ledger."""
        self.ensure_one()
        self.template_file = base64.b64encode(self._template_workbook())
        return self._download("template_file", self.env._("Ledger template.xlsx"))

    def _download(self, field_name, file_name):
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{self._name}/{self.id}/{field_name}/{file_name}?download=true"}

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self.env._("Import Ledger")}

    # Reading and checking ---------------------------------------------------------

    def _analyse(self):
        """Return (rows, names of skipped sheets): every row parsed, matched and checked, nothing written."""
        if not self.file:
            raise UserError(self.env._("Choose the ledger workbook (.xlsx or .xlsm) to import."))
        if self.kind == "roster" and not self.env.user.has_group("hr.group_hr_user"):
            raise AccessError(self.env._("Only HR officers can import a roster, because it creates employees."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You cannot import into %(company)s.", company=self.company_id.name))
        try:
            overrides = self.env["safety.ledger.column.mapping"]._overrides(self.company_id, self.kind)
            sheets, skipped = ledger.read_ledger(base64.b64decode(self.file), self.file_name, self.kind, overrides)
        except ledger.LedgerFileError as error:
            raise UserError(self._file_error_message(error)) from error
        rows = []
        for sheet in sheets:
            for number, cells in sheet.rows:
                values, issues = ledger.parse_row(sheet, cells, self.kind)
                row = LedgerRow(sheet, number, cells, values)
                for issue in issues:
                    row.errors.append(self._cell_error(sheet, issue.field, issue.value,
                                                       self._value_error_message(issue)))
                rows.append(row)
        getattr(self, f"_check_{self.kind}")(rows)
        return rows, skipped

    def _cell_error(self, sheet, field_name, value, reason):
        """Return (column label, value as shown, reason); identity numbers are shown masked."""
        if field_name in sheet.columns:
            letter, header = sheet.column_label(field_name)
            column = f"{letter} ({header})" if header else letter
        else:
            column = ""
        if field_name == "id_number" and value not in (None, ""):
            shown = mask(ledger.normalize_text(value).replace(" ", ""))
        elif isinstance(value, datetime.datetime):
            shown = value.date().isoformat()
        else:
            shown = ledger.normalize_text(value)
        return column, shown, reason

    def _company_domain(self):
        return [("company_id", "in", (self.company_id.id, False))]

    def _match_people(self, rows):
        """Set the dossier of each row, by employee number, then identity number, then name and department."""
        Dossier = self.env["safety.dossier"].with_context(active_test=False)
        numbers = {row.values.get("employee_number") for row in rows} - {None}
        names = {row.values.get("name") for row in rows} - {None}
        dossiers = Dossier.search_fetch(
            [("company_id", "=", self.company_id.id), "|", ("employee_number", "in", list(numbers)),
             ("name", "in", list(names))],
            ["employee_number", "name", "department_id", "employee_id"])
        by_number = {dossier.employee_number: dossier for dossier in dossiers if dossier.employee_number}
        by_name = defaultdict(list)
        for dossier in dossiers:
            by_name[dossier.name].append(dossier)
        by_id_number = self._dossiers_by_id_number(rows, Dossier)
        for row in rows:
            row.dossier = self._match_person(row, by_number, by_id_number, by_name)

    def _dossiers_by_id_number(self, rows, Dossier):
        """Return {identity number: dossier} for the numbers in ``rows``, found through the keyed hash."""
        id_numbers = {row.values.get("id_number") for row in rows} - {None}
        if not id_numbers:
            return {}
        cipher = self.env["hr.version"]._safety_id_cipher()
        hashes = {cipher.search_hash(number): number for number in id_numbers}
        # sudo: the search hash is readable by no user; only the matching employees come back.
        versions = self.env["hr.version"].sudo().with_context(active_test=False).search_fetch(
            [("safety_id_hash", "in", list(hashes)), ("employee_id.company_id", "=", self.company_id.id)],
            ["safety_id_hash", "employee_id"])
        dossiers = {dossier.employee_id.id: dossier for dossier in Dossier.search_fetch(
            [("employee_id", "in", versions.employee_id.ids)], ["employee_id"])}
        result = {}
        for version in versions:
            dossier = dossiers.get(version.employee_id.id)
            if dossier:
                result[hashes[version.safety_id_hash]] = dossier
        return result

    def _match_person(self, row, by_number, by_id_number, by_name):
        """Return the dossier of ``row``'s person, or None after adding the reason to the row's errors."""
        values, sheet = row.values, row.sheet
        number, id_number = values.get("employee_number"), values.get("id_number")
        if number:
            dossier = by_number.get(number)
            if not dossier:
                reason = self.env._("No person of %(company)s has this employee number.",
                                    company=self.company_id.name)
                row.errors.append(self._cell_error(sheet, "employee_number", number, reason))
            elif id_number and by_id_number.get(id_number) not in (None, dossier):
                reason = self.env._("This identity number belongs to another person than employee number "
                                    "%(number)s.", number=number)
                row.errors.append(self._cell_error(sheet, "id_number", id_number, reason))
                dossier = None
            return dossier
        if id_number:
            dossier = by_id_number.get(id_number)
            if not dossier:
                reason = self.env._("No person of %(company)s has this identity number.",
                                    company=self.company_id.name)
                row.errors.append(self._cell_error(sheet, "id_number", id_number, reason))
            return dossier
        return self._match_person_by_name(row, by_name)

    def _match_person_by_name(self, row, by_name):
        """Return the one dossier with the row's name in the row's department, or None with the reason."""
        name, department = row.values.get("name"), row.values.get("department")
        candidates = []
        if not name:
            reason = self.env._("The person is missing: fill in the employee number, the identity number or the name.")
        elif not department:
            reason = self.env._("A name alone does not identify a person: add the employee number, the identity "
                                "number or the department.")
        else:
            candidates = [dossier for dossier in by_name.get(name, [])
                          if ledger.normalize_key(department) in self._department_keys(dossier.department_id)]
            if len(candidates) > 1:
                reason = self.env._("%(count)s people of %(department)s have this name: add the employee number.",
                                    count=len(candidates), department=department)
            else:
                reason = self.env._("No person of this name works in department %(department)s.",
                                    department=department)
        if len(candidates) == 1:
            return candidates[0]
        row.errors.append(self._cell_error(row.sheet, "name", name, reason))
        return None

    @api.model
    def _department_keys(self, department):
        return {ledger.normalize_key(department.name), ledger.normalize_key(department.complete_name)}

    def _name_index(self, records, *fnames):
        """Return {normalised text: record ids} of ``records`` by the given fields, in every active language."""
        index = defaultdict(set)
        for lang in self.env["res.lang"].get_installed():
            for record in records.with_context(lang=lang[0]):
                for fname in fnames:
                    if record[fname]:
                        index[ledger.normalize_key(record[fname])].add(record.id)
        return index

    # Training ledger ---------------------------------------------------------

    def _check_training(self, rows):
        self._match_people(rows)
        courses = self._match_courses(rows)
        self._mark_training_duplicates(rows, courses)
        for row in rows:
            course = courses.get(row.course_key)
            if row.dossier and course is not None and not row.errors and not row.duplicate:
                row.vals = self._training_vals(row, course)
        self._check_day_hours(rows)

    def _match_courses(self, rows):
        """Return {course key: course} for the rows' training contents, and list the unknown ones for mapping.

        A content is known through a remembered mapping, a course name or code in any installed
        language, or the officer's choice on its mapping line. A content the officer chose to
        create a course for maps to an unsaved course built from that line.
        """
        Course = self.env["safety.training.course"]
        by_name = self._name_index(Course.search(self._company_domain()), "name", "code")
        aliases = {alias.label: alias.course_id for alias in self.env["safety.ledger.course.alias"].search(
            [("company_id", "=", self.company_id.id)])}
        lines = {line.label_key: line for line in self.course_line_ids}
        courses, unknown = {}, Counter()
        for row in rows:
            label = row.values.get("course")
            if not label:
                continue
            row.course_key = key = ledger.normalize_key(label)
            ids = by_name.get(key, set())
            if key in aliases:
                courses[key] = aliases[key]
            elif len(ids) == 1:
                courses[key] = Course.browse(ids)
            else:
                unknown[key, label] += 1
                line = lines.get(key)
                if line and line.course_id:
                    courses[key] = line.course_id
                elif line and line.create_course:
                    courses[key] = Course.new({
                        "name": label, "training_type_id": line.training_type_id.id, "hours": line.hours,
                        "assessment_mode": line.assessment_mode, "company_id": self.company_id.id})
        self._update_course_lines(unknown, rows)
        return courses

    def _update_course_lines(self, unknown, rows):
        """Keep one mapping line per unknown training content, with the officer's choices so far."""
        lines = {line.label_key: line for line in self.course_line_ids}
        hours = {}
        for row in rows:
            if row.course_key and row.values.get("hours"):
                hours.setdefault(row.course_key, row.values["hours"])
        keys = {key for key, _label in unknown}
        self.course_line_ids.filtered(lambda line: line.label_key not in keys).unlink()
        new_lines = []
        for (key, label), count in unknown.items():
            if key in lines:
                lines[key].row_count = count
            else:
                new_lines.append({"wizard_id": self.id, "label": label, "label_key": key, "row_count": count,
                                  "hours": hours.get(key, 1.0)})
        self.env["safety.ledger.import.course"].create(new_lines)

    def _mark_training_duplicates(self, rows, courses):
        """Mark rows whose person, course and date are already recorded, or repeat an earlier row of the file."""
        candidates = [row for row in rows if row.dossier and row.values.get("date") and row.course_key]
        if not candidates:
            return
        dates = [row.values["date"] for row in candidates]
        groups = self.env["safety.training.record"].sudo()._read_group(
            [("dossier_id", "in", list({row.dossier.id for row in candidates})),
             ("date", ">=", min(dates)), ("date", "<=", max(dates))],
            ["dossier_id", "course_id", "date:day"], ["__count"])
        existing = {(dossier.id, course.id, day) for dossier, course, day, _count in groups}
        seen = set()
        for row in candidates:
            course = courses.get(row.course_key)
            course_id = course._origin.id if course is not None and course._origin else row.course_key
            key = (row.dossier.id, course_id, row.values["date"])
            if key in existing or key in seen:
                row.duplicate = True
            seen.add(key)

    def _training_vals(self, row, course):
        """Return the values of the record ``row`` creates, or None after adding the row's errors."""
        values, sheet = row.values, row.sheet
        today = self.company_id._safety_local_today()
        if values["date"] > today:
            row.errors.append(self._cell_error(sheet, "date", values["date"], self.env._(
                "The training date is in the future.")))
            return None
        attendance = values.get("attendance") or "present"
        credited = attendance in CREDITED_ATTENDANCE
        hours = (values.get("hours") or course.hours) if credited else 0.0
        practical = values.get("practical_rating")
        vals = {
            "dossier_id": row.dossier.id, "course_id": course._origin.id or False, "date": values["date"],
            "attendance": attendance, "hours": hours, "theory_score": values.get("theory_score") or 0.0,
            "trainer_name": values.get("trainer") or False, "source": "import",
            "note": self.env._("Imported from %(file)s, sheet %(sheet)s, row %(row)s.",
                               file=self.file_name, sheet=sheet.name, row=row.number),
        }
        if practical and practical[0] == "rating":
            vals["practical_rating"] = practical[1]
        elif practical:
            vals["practical_score"] = practical[1]
        result = self._training_result(row, course, vals, credited)
        if result is None:
            return None
        vals["result"] = result
        return vals

    def _training_result(self, row, course, vals, credited):
        """Return the row's result, from its result column or else from its scores against the course."""
        if not credited:
            return "not_assessed"
        stated = row.values.get("result")
        parts = []
        if course._needs_theory() and vals["theory_score"]:
            parts.append(vals["theory_score"] >= course.theory_pass_mark)
        if course._needs_practical():
            if "practical_rating" in vals:
                parts.append(vals["practical_rating"] == "passed")
            elif vals.get("practical_score"):
                parts.append(vals["practical_score"] >= course.practical_pass_mark)
        from_scores = None if not parts else ("failed" if False in parts else "passed")
        if stated == "passed" and from_scores == "failed":
            row.errors.append(self._cell_error(row.sheet, "result", row.values.get("result"), self.env._(
                "The result is passed, but a score is below the pass mark of %(course)s (theory %(theory)s, "
                "practical %(practical)s).", course=course.name, theory=course.theory_pass_mark,
                practical=course.practical_pass_mark)))
            return None
        result = stated or from_scores
        if result:
            return result
        if course.assessment_mode == "none":
            return "passed"
        row.errors.append(self._cell_error(row.sheet, "result", None, self.env._(
            "%(course)s is assessed, but the row has no result and no score. Add the assessment result.",
            course=course.name)))
        return None

    def _check_day_hours(self, rows):
        """Add an error to rows that bring a person above 24 hours on one day, with what is already recorded."""
        new_rows = [row for row in rows if row.vals and not row.duplicate]
        if not new_rows:
            return
        dates = [row.vals["date"] for row in new_rows]
        recorded = defaultdict(float)
        for dossier, day, hours in self.env["safety.training.record"].sudo()._read_group(
                [("dossier_id", "in", list({row.dossier.id for row in new_rows})),
                 ("date", ">=", min(dates)), ("date", "<=", max(dates))],
                ["dossier_id", "date:day"], ["hours:sum"]):
            recorded[dossier.id, day] = hours
        for row in new_rows:
            key = (row.dossier.id, row.vals["date"])
            recorded[key] += row.vals["hours"]
            if recorded[key] > MAX_HOURS_PER_DAY:
                row.errors.append(self._cell_error(row.sheet, "hours", row.vals["hours"], self.env._(
                    "%(person)s would be credited %(hours)s hours on %(day)s, but the maximum per day is 24.",
                    person=row.dossier.name, hours=recorded[key], day=row.vals["date"])))
                row.vals = None

    def _commit_training(self, rows):
        courses = self._create_mapped_courses()
        Record = self.env["safety.training.record"].with_context(**IMPORT_CONTEXT)
        now = fields.Datetime.now()
        vals_list = []
        for row in rows:
            vals = dict(row.vals)
            vals["course_id"] = vals["course_id"] or courses[row.course_key].id
            vals.update({"state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": now})
            vals_list.append(vals)
        records = Record.browse()
        for start in range(0, len(vals_list), CREATE_BATCH_SIZE):
            batch = Record.with_context(safety_defer_day_check=DEFER_DAY_CHECK).create(
                vals_list[start:start + CREATE_BATCH_SIZE])
            # The batch was created without the per-record day check: run it once for the whole batch.
            batch._check_hours_per_day()
            records |= batch
        records.dossier_id._recompute_compliance()
        return records

    def _create_mapped_courses(self):
        """Create the courses the officer asked for, remember every mapping, and return {course key: course}."""
        Alias = self.env["safety.ledger.course.alias"]
        result = {}
        for line in self.course_line_ids:
            if line.create_course and not line.course_id:
                if not line.training_type_id:
                    raise UserError(self.env._(
                        "Choose the training type of the new course %(course)s.", course=line.label))
                line.course_id = self.env["safety.training.course"].create({
                    "name": line.label, "training_type_id": line.training_type_id.id, "hours": line.hours,
                    "assessment_mode": line.assessment_mode, "company_id": self.company_id.id})
            if line.course_id:
                result[line.label_key] = line.course_id
                Alias.search([("label", "=", line.label_key), ("company_id", "=", self.company_id.id)]).unlink()
                Alias.create({"label": line.label_key, "course_id": line.course_id.id,
                              "company_id": self.company_id.id})
        return result

    # Certificate ledger --------------------------------------------------------

    def _check_certificate(self, rows):
        self._match_people(rows)
        operations = self.env["safety.special.operation"].with_context(active_test=False).search([])
        by_name = self._name_index(operations, "name", "code")
        Certificate = self.env["safety.certificate"].with_context(active_test=False)
        numbers = {row.values.get("certificate_number") for row in rows} - {None}
        existing = {(certificate.number, certificate.operation_id.id) for certificate in Certificate.search_fetch(
            [("company_id", "=", self.company_id.id), ("number", "in", list(numbers))], ["number", "operation_id"])}
        seen = set()
        for row in rows:
            values = row.values
            operation_ids = by_name.get(ledger.normalize_key(values.get("operation") or ""), set())
            if values.get("operation") and len(operation_ids) != 1:
                row.errors.append(self._cell_error(row.sheet, "operation", values["operation"], self.env._(
                    "No special operation item has this name. Write the operation item as the national "
                    "catalogue names it, for example 高压电工作业.")))
                continue
            if row.errors or not row.dossier:
                continue
            key = (values["certificate_number"], next(iter(operation_ids)))
            if key in existing or key in seen:
                row.duplicate = True
                continue
            seen.add(key)
            row.vals = self._certificate_vals(row, key[1])

    def _certificate_vals(self, row, operation_id):
        values, sheet = row.values, row.sheet
        if values.get("valid_until") and values["valid_until"] <= values["issue_date"]:
            row.errors.append(self._cell_error(sheet, "valid_until", values["valid_until"], self.env._(
                "The certificate is valid until a day before its first issue date %(issue_date)s.",
                issue_date=values["issue_date"])))
            return None
        if values.get("review_date") and values["review_date"] < values["issue_date"]:
            row.errors.append(self._cell_error(sheet, "review_date", values["review_date"], self.env._(
                "The review date is before the first issue date %(issue_date)s.", issue_date=values["issue_date"])))
            return None
        vals = {"dossier_id": row.dossier.id, "operation_id": operation_id, "number": values["certificate_number"],
                "issue_date": values["issue_date"], "issuing_authority": values.get("issuing_authority") or False}
        if values.get("valid_until"):
            vals["valid_until"] = values["valid_until"]
        if values.get("review_date"):
            vals["review_ids"] = [Command.create({"review_date": values["review_date"], "outcome": "passed",
                                                  "note": self.env._("Imported from %(file)s.", file=self.file_name)})]
        return vals

    def _commit_certificate(self, rows):
        certificates = self.env["safety.certificate"].with_context(**IMPORT_CONTEXT).create(
            [row.vals for row in rows])
        certificates.dossier_id._recompute_compliance()
        return certificates

    # Roster ------------------------------------------------------------------

    def _check_roster(self, rows):
        Employee = self.env["hr.employee"].with_context(active_test=False)
        numbers = {row.values.get("employee_number") for row in rows} - {None}
        existing = {employee.employee_number: employee for employee in Employee.search_fetch(
            [("company_id", "=", self.company_id.id), ("employee_number", "in", list(numbers))],
            ["employee_number", "name"])}
        departments = self._name_index(
            self.env["hr.department"].search([("company_id", "in", (self.company_id.id, False))]),
            "name", "complete_name")
        jobs = self._name_index(self.env["hr.job"].search([("company_id", "in", (self.company_id.id, False))]),
                                "name")
        Version = self.env["hr.version"]
        taken = self._dossiers_by_id_number(rows, self.env["safety.dossier"].with_context(active_test=False))
        seen_numbers, seen_ids = set(), set()
        for row in rows:
            values, sheet = row.values, row.sheet
            number, id_number = values.get("employee_number"), values.get("id_number")
            if number in existing or number in seen_numbers:
                row.duplicate = not row.errors
                continue
            vals = {"name": values.get("name"), "employee_number": number, "company_id": self.company_id.id}
            if id_number:
                try:
                    id_number, document_type = Version._safety_check_id_number(id_number)
                except ValidationError as error:
                    row.errors.append(self._cell_error(sheet, "id_number", id_number, error.args[0]))
                else:
                    if id_number in taken or id_number in seen_ids:
                        row.errors.append(self._cell_error(sheet, "id_number", id_number, self.env._(
                            "Another employee already has this identity number.")))
                    vals.update({"identification_id": id_number, "safety_id_document_type": document_type})
                    seen_ids.add(id_number)
            for fname, index, model_field in (("department", departments, "department_id"),
                                              ("job", jobs, "job_id")):
                if not values.get(fname):
                    continue
                ids = index.get(ledger.normalize_key(values[fname]), set())
                if len(ids) != 1:
                    row.errors.append(self._cell_error(sheet, fname, values[fname], self.env._(
                        "No single department or job of this name exists: create it in Employees first, "
                        "or correct the name.")))
                    continue
                vals[model_field] = next(iter(ids))
            if values.get("employee_type"):
                vals["employee_type"] = values["employee_type"]
            if values.get("onboarding_date"):
                vals["contract_date_start"] = values["onboarding_date"]
            seen_numbers.add(number)
            row.vals = vals

    def _commit_roster(self, rows):
        # sudo: the caller is an HR officer (checked in _analyse); the contract start date is an HR manager field.
        employees = self.env["hr.employee"].sudo().with_context(**IMPORT_CONTEXT).create(
            [row.vals for row in rows])
        return employees

    # Preview and error workbook ------------------------------------------------

    def _write_preview(self, rows, skipped):
        error_rows = [row for row in rows if row.errors]
        unmapped = [row for row in rows if not row.errors and not row.duplicate and row.vals is None]
        self.issue_ids.unlink()
        self.env["safety.ledger.import.issue"].create([
            {"wizard_id": self.id, "sheet": row.sheet.name, "row_number": row.number, "column": column,
             "value": value, "reason": reason}
            for row in error_rows for column, value, reason in row.errors])
        self.write({
            "state": "preview",
            "row_count": len(rows),
            "new_count": sum(1 for row in rows if row.vals and not row.duplicate and not row.errors),
            "duplicate_count": sum(1 for row in rows if row.duplicate and not row.errors),
            "error_count": len(error_rows),
            "unmapped_count": len(unmapped),
            "skipped_sheets": ", ".join(skipped) or False,
            "error_file": base64.b64encode(self._error_workbook(error_rows)) if error_rows else False,
            "error_file_name": self.env._("Errors - %(file)s", file=self.file_name.rsplit(".", 1)[0] + ".xlsx")
            if error_rows else False,
        })

    def _error_workbook(self, error_rows):
        """Return the rows with errors as a workbook: each sheet's header and rows, plus a reason column.

        Identity numbers are masked, so the workbook can be passed around; the officer types
        them again where the reason asks for it.
        """
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        reason_format = workbook.add_format({"font_color": "#C00000", "text_wrap": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        by_sheet = defaultdict(list)
        for row in error_rows:
            by_sheet[row.sheet.name].append(row)
        for rows in by_sheet.values():
            sheet = rows[0].sheet
            worksheet = workbook.add_worksheet(sheet.name[:31])
            id_column = sheet.columns.get("id_number")
            reason_column = len(sheet.headers)
            worksheet.write_row(0, 0, sheet.headers, bold)
            worksheet.write(0, reason_column, self.env._("Error"), bold)
            for index, row in enumerate(rows, start=1):
                for column, value in enumerate(row.cells[:reason_column]):
                    if column == id_column and value not in (None, ""):
                        worksheet.write_string(index, column, mask(ledger.normalize_text(value).replace(" ", "")))
                    elif isinstance(value, (datetime.date, datetime.datetime)):
                        worksheet.write_datetime(index, column, value, date_format)
                    elif value is not None:
                        worksheet.write(index, column, value)
                reasons = [self.env._("Row %(row)s, column %(column)s, value \"%(value)s\": %(reason)s",
                                      row=row.number, column=column_label or "-", value=value, reason=reason)
                           for column_label, value, reason in row.errors]
                worksheet.write_string(index, reason_column, "\n".join(reasons), reason_format)
            worksheet.set_column(reason_column, reason_column, 60)
            worksheet.freeze_panes(1, 0)
        workbook.close()
        return output.getvalue()

    def _template_workbook(self):
        """Return an empty ledger of this kind: a header row in Chinese that the import recognises."""
        headers = {
            "training": ["姓名", "工号", "身份证号", "部门", "岗位", "培训日期", "培训内容", "学时", "授课人",
                         "理论成绩", "实操评定", "考核结果"],
            "certificate": ["姓名", "工号", "身份证号", "部门", "准操项目", "证书编号", "发证机关", "初领日期",
                            "有效期至", "复审日期"],
            "roster": ["工号", "姓名", "身份证号", "部门", "岗位", "用工类型", "入职日期"],
        }[self.kind]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        worksheet = workbook.add_worksheet(dict(LEDGER_KINDS)[self.kind][:31])
        worksheet.write_row(0, 0, headers, workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"}))
        text = workbook.add_format({"num_format": "@"})
        worksheet.set_column(0, len(headers) - 1, 14, text)
        worksheet.freeze_panes(1, 0)
        workbook.close()
        return output.getvalue()

    # Messages ------------------------------------------------------------------

    def _file_error_message(self, error):
        params = error.params
        file_name = self.file_name or ""
        field_labels = self._field_labels()
        messages = {
            "xls": self.env._("Old Excel .xls files cannot be read. Open the file in Excel or WPS and save it as "
                              ".xlsx, then import it again."),
            "csv": self.env._("CSV files are not accepted here: save the ledger as an Excel .xlsx workbook."),
            "format": self.env._("%(file)s is not an Excel workbook: choose an .xlsx or .xlsm file.", file=file_name),
            "encrypted": self.env._("%(file)s is protected by a password. Remove the password in Excel or WPS, "
                                    "save, and import it again.", file=file_name),
            "corrupt": self.env._("%(file)s is damaged or not a real Excel workbook and cannot be opened. Open it "
                                  "in Excel or WPS, save it again as .xlsx, and retry.", file=file_name),
            "empty": self.env._("%(file)s contains no data rows to import.", file=file_name),
            "no_header": self.env._(
                "No header row was found in the first 20 rows of any sheet of %(file)s. The header row needs "
                "at least two known column titles, such as 姓名, 工号, 培训日期 and 培训内容.", file=file_name),
            "missing_columns": self.env._(
                "Sheet %(sheet)s lacks the columns %(columns)s. Add them with one of their usual titles, or "
                "download the template to see the titles.", sheet=params.get("sheet"),
                columns=", ".join(field_labels.get(name, name) for name in params.get("fields", []))),
        }
        return messages[error.code]

    def _field_labels(self):
        return {
            "name": self.env._("Name"), "employee_number": self.env._("Employee Number"),
            "id_number": self.env._("Identity Number"), "department": self.env._("Department"),
            "job": self.env._("Job"), "date": self.env._("Training Date"), "course": self.env._("Training Content"),
            "hours": self.env._("Hours"), "trainer": self.env._("Trainer"), "attendance": self.env._("Attendance"),
            "theory_score": self.env._("Theory Score"), "practical_rating": self.env._("Practical Rating"),
            "result": self.env._("Assessment Result"), "certificate_number": self.env._("Certificate Number"),
            "operation": self.env._("Operation Item"), "issuing_authority": self.env._("Issuing Authority"),
            "issue_date": self.env._("First Issue Date"), "valid_until": self.env._("Valid Until"),
            "review_date": self.env._("Review Date"), "employee_type": self.env._("Employee Type"),
            "onboarding_date": self.env._("Onboarding Date"),
            "person": self.env._("Employee Number, Identity Number or Name"),
        }

    def _value_error_message(self, issue):
        messages = {
            "missing": self.env._("The value is missing."),
            "date": self.env._(
                "This is not a valid date. Write it as 2024-03-05, 2024/3/5, 2024年3月5日 or 20240305."),
            "hours": self.env._(
                "These are not valid hours. Write a number such as 2 or 2.5, or 2学时, or 120分钟."),
            "hours_range": self.env._("The hours must be more than 0 and at most %(maximum)s.",
                                      maximum=issue.params.get("maximum")),
            "score": self.env._("The score must be a number from 0 to 100."),
            "result": self.env._("This is not a known result. Write 合格 or 不合格 (通过/未通过, pass/fail)."),
            "practical": self.env._(
                "This is not a known practical rating. Write 合格 or 不合格, or a score from 0 to 100."),
            "attendance": self.env._("This is not a known attendance. Write 出勤, 迟到, 缺勤 or 请假."),
            "employee_type": self.env._(
                "This is not a known employee type. Write 正式员工, 生产工人, 实习生, 学徒/见习, 外包/承包商人员, "
                "临时用工 or 劳务派遣."),
            "id_number_precision": self.env._(
                "The identity number was stored as a number, so Excel kept only its first %(digits)s digits "
                "and the rest are lost. Format the column as text and type the number again.",
                digits=issue.params.get("digits")),
        }
        return messages.get(issue.code) or self.env._("The identity number is not valid.")


class SafetyLedgerImportIssue(models.TransientModel):
    _name = "safety.ledger.import.issue"
    _description = "Ledger Import Error"
    _order = "id"

    wizard_id = fields.Many2one("safety.ledger.import", required=True, ondelete="cascade")
    sheet = fields.Char()
    row_number = fields.Integer(string="Row")
    column = fields.Char()
    value = fields.Char(help="The cell's value; identity numbers are masked.")
    reason = fields.Char()


class SafetyLedgerImportCourse(models.TransientModel):
    """A training content of the file that matches no course, and what the officer decided for it."""

    _name = "safety.ledger.import.course"
    _description = "Ledger Import Unknown Training Content"
    _order = "label"

    wizard_id = fields.Many2one("safety.ledger.import", required=True, ondelete="cascade")
    label = fields.Char(string="Training Content", readonly=True)
    label_key = fields.Char(readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    course_id = fields.Many2one("safety.training.course", string="Map to Course")
    create_course = fields.Boolean(string="Create Course")
    training_type_id = fields.Many2one("safety.training.type", string="Type of New Course")
    hours = fields.Float(string="Hours of New Course", default=1.0)
    assessment_mode = fields.Selection(
        [("none", "No Assessment"), ("theory", "Theory"), ("practical", "Practical"),
         ("both", "Theory and Practical")], string="Assessment of New Course", default="none", required=True)
