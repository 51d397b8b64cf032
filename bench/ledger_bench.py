"""Benchmark of the ledger import, run inside ``odoo shell`` by bench/run_ledger.sh.

Generates LEDGER_PEOPLE employees and a training ledger of LEDGER_ROWS rows (one training
per person and day), then imports the same rows into safety.training.record twice, in
one run and one database:

- the addon's ledger import (preview checks, matching, all-or-nothing commit);
- Odoo's standard import (base_import) of the same rows as CSV, with the person and the
  course given by name.

Prints one JSON line: both timings, their ratio and the peak memory.
"""
# ruff: noqa: F821  (``env`` is provided by odoo shell)
import base64
import csv
import datetime
import io
import json
import os
import resource
import time

import openpyxl

PEOPLE = int(os.environ.get("LEDGER_PEOPLE", "1000"))
ROWS = int(os.environ.get("LEDGER_ROWS", "50000"))
FIRST_DAY = datetime.date(2024, 1, 1)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate():
    env.company.write({"safety_cut_over_date": "2027-01-01"})  # no requirement opens: the import alone is timed
    department = env["hr.department"].create({"name": "Bench Workshop"})
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True))
    quiet["hr.employee"].create([
        {"name": f"Bench {index:05d}", "employee_number": f"B{index:05d}", "department_id": department.id}
        for index in range(PEOPLE)])
    retraining = env.ref("safety_training_dossier.training_type_annual_retraining")
    course = env["safety.training.course"].create(
        {"name": "Bench Course", "training_type_id": retraining.id, "hours": 2, "assessment_mode": "none"})
    env.cr.commit()
    rows = [(f"B{index % PEOPLE:05d}", f"Bench {index % PEOPLE:05d}",
             FIRST_DAY + datetime.timedelta(days=index // PEOPLE), course.name, 2, "合格") for index in range(ROWS)]
    return course, rows


def ledger_workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "培训日期", "培训内容", "学时", "考核结果"])
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def standard_csv(rows):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["dossier_id", "course_id", "date", "hours", "result"])
    for _number, name, day, course, hours, _result in rows:
        writer.writerow([name, course, day.isoformat(), hours, "passed"])
    return output.getvalue().encode()


def time_addon_import(data):
    wizard = env["safety.ledger.import"].create(
        {"kind": "training", "file": base64.b64encode(data), "file_name": "ledger.xlsx"})
    started = time.perf_counter()
    wizard.action_import()
    env.flush_all()
    return time.perf_counter() - started


def time_standard_import(data):
    importer = env["base_import.import"].create({
        "res_model": "safety.training.record", "file": data, "file_name": "ledger.csv", "file_type": "text/csv"})
    started = time.perf_counter()
    result = importer.execute_import(
        ["dossier_id", "course_id", "date", "hours", "result"], ["dossier_id", "course_id", "date", "hours", "result"],
        {"has_headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8", "date_format": "%Y-%m-%d"})
    env.flush_all()
    elapsed = time.perf_counter() - started
    errors = [message for message in result.get("messages", []) if message.get("type") == "error"]
    if errors:
        raise RuntimeError(f"base_import reported errors: {errors[:3]}")
    return elapsed


course, rows = generate()
Record = env["safety.training.record"]
addon_seconds = time_addon_import(ledger_workbook(rows))
addon_count = Record.search_count([("course_id", "=", course.id)])
env.cr.rollback()  # the same rows again, into the same empty model
standard_seconds = time_standard_import(standard_csv(rows))
standard_count = Record.search_count([("course_id", "=", course.id)])
env.cr.rollback()
print(json.dumps({
    "rows": ROWS, "people": PEOPLE, "addon_records": addon_count, "base_import_records": standard_count,
    "addon_import_s": round(addon_seconds, 2), "base_import_s": round(standard_seconds, 2),
    "speedup": round(standard_seconds / addon_seconds, 2), "peak_rss_mib": round(peak_rss_mib()),
}))
