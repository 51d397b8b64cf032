"""Benchmark of the compliance engine, run inside ``odoo shell`` by bench/run.sh.

Generates PEOPLE employees through the ORM, so that the addon's own hooks make their
dossiers and hire events. Generates RECORDS confirmed training records through SQL with
a fixed seed, because the ORM would take most of the run to insert them. Then measures
side by side, in one run:

- the engine: a full recompute of every dossier in batches, as the nightly pass does;
- the floor: one hand-written SQL aggregation of the same hours per person and
  requirement for the current year and each hire period.

Prints one JSON line with the timings, their ratio and the peak memory.
"""
# ruff: noqa: F821  (``env`` is provided by odoo shell)
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from contextlib import closing

from odoo.addons.safety_training_dossier.models.safety_dossier import COMPLIANCE_BATCH_SIZE
from odoo.sql_db import db_connect
from odoo.tools import SQL, split_every

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
RECORDS = int(os.environ.get("BENCH_RECORDS", "300000"))
# The nightly pass's batch size.
BATCH = COMPLIANCE_BATCH_SIZE
# BENCH_PROFILE=1 prints, for each engine pass, the 25 functions with the most cumulative time and the 15
# with the most own time on stderr. The profiler slows the passes, so a profiled run is not a result.
PROFILE = os.environ.get("BENCH_PROFILE") == "1"


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vacuum_analyze():
    """Commit, then have PostgreSQL vacuum and analyse the database.

    Its autovacuum does the same once enough rows of a table have changed (by default, 50 rows
    plus 20 % of the table, checked every minute), so well before the next nightly pass.
    """
    env.cr.commit()
    with closing(db_connect(env.cr.dbname).cursor()) as cr:
        # VACUUM cannot run inside a transaction.
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")


def generate():
    company = env.company
    company.write({"safety_cut_over_date": "2025-01-01", "safety_high_risk_tier": False})
    workshop = env["hr.department"].create({"name": "Bench Workshop", "safety_level": "workshop"})
    teams = env["hr.department"].create([
        {"name": f"Bench Team {index}", "safety_level": "team", "parent_id": workshop.id} for index in range(20)])
    jobs = env["hr.job"].create([{"name": f"Bench Job {index}"} for index in range(10)])
    types = env["safety.training.type"].search([])
    env["safety.training.course"].create([
        {"name": f"Bench {training_type.code}", "training_type_id": training_type.id, "hours": 4,
         "assessment_mode": "none"} for training_type in types])
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True))
    for start in range(0, PEOPLE, 1000):
        quiet["hr.employee"].create([{
            "name": f"Bench {index:05d}",
            "employee_number": f"B{index:05d}",
            "department_id": teams[index % len(teams)].id,
            "job_id": jobs[index % len(jobs)].id,
            # One person in four was hired after the cut-over and owes the induction.
            "contract_date_start": f"202{4 + index % 4 // 3}-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
        } for index in range(start, min(start + 1000, PEOPLE))])
        env.cr.commit()
    roles = ["staff"] * 8 + ["special_operator", "safety_manager"]
    env.cr.execute(SQL(
        "UPDATE safety_dossier SET safety_role = (%s::varchar[])[1 + id %% 10] WHERE name LIKE 'Bench %%'", roles))
    env.cr.execute("SELECT setseed(0.42)")
    env.cr.execute(SQL("""
        INSERT INTO safety_training_record (dossier_id, course_id, training_type_id, company_id, department_id,
                                            date, attendance, hours, result, state, attempt, source, provider,
                                            theory_score, practical_score, is_makeup, create_uid, write_uid,
                                            create_date, write_date)
        WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM safety_dossier WHERE name LIKE 'Bench %%'),
             courses AS (SELECT array_agg(id ORDER BY id) AS ids FROM safety_training_course
                          WHERE name->>'en_US' LIKE 'Bench %%'),
             picks AS (
                 SELECT people.ids[1 + serial %% cardinality(people.ids)] AS dossier_id,
                        courses.ids[1 + (serial * 7) %% cardinality(courses.ids)] AS course_id,
                        DATE '2024-01-01' + (random() * 1060)::int AS day,
                        2 + (random() * 6)::int AS hours
                   FROM generate_series(1, %(records)s) AS serial, people, courses)
        SELECT p.dossier_id, p.course_id, c.training_type_id, d.company_id, d.department_id, p.day, 'present',
               p.hours, 'passed', 'confirmed', 1, 'import', 'host', 80, 0, false, 1, 1, now(), now()
          FROM picks p
          JOIN safety_dossier d ON d.id = p.dossier_id
          JOIN safety_training_course c ON c.id = p.course_id
    """, records=RECORDS))
    env.cr.commit()


FLOOR_QUERY = """
    WITH periods AS (
        -- calendar-year rules: this year's window for each person the role and tier select
        SELECT d.id AS dossier_id, r.id AS requirement_id, %(year_start)s::date AS first_day,
               %(year_end)s::date AS last_day
          FROM safety_dossier d
          JOIN safety_requirement r ON r.recurrence = 'calendar_year' AND r.active
               AND r.tier_scope IN ('all', 'general') AND (r.safety_role IS NULL OR r.safety_role = d.safety_role)
         WHERE d.active
        UNION ALL
        -- rules opened by an event: from the event (less the look-back) on
        SELECT d.id, r.id, e.date - r.lookback_days, NULL
          FROM safety_dossier d
          JOIN safety_dossier_event e ON e.dossier_id = d.id AND e.date >= %(cut_over)s
          JOIN safety_requirement r ON r.recurrence = 'once' AND r.active AND r.trigger = e.kind
               AND r.tier_scope IN ('all', 'general') AND (r.safety_role IS NULL OR r.safety_role = d.safety_role)
         WHERE d.active
    )
    SELECT p.dossier_id, p.requirement_id, COALESCE(SUM(rec.hours), 0)
      FROM periods p
      JOIN safety_requirement_safety_training_type_rel rt ON rt.safety_requirement_id = p.requirement_id
      LEFT JOIN safety_training_record rec
             ON rec.dossier_id = p.dossier_id AND rec.training_type_id = rt.safety_training_type_id
            AND rec.state = 'confirmed' AND rec.result = 'passed' AND rec.date >= p.first_day
            AND (p.last_day IS NULL OR rec.date <= p.last_day)
     GROUP BY p.dossier_id, p.requirement_id
"""


def measure_floor(today):
    """Return the fastest of three runs of the floor query, in seconds, and the number of rows it returns.

    The fastest run is the strictest floor: PostgreSQL runs this query on parallel workers,
    so a busy second core slows some runs.
    """
    query = SQL(FLOOR_QUERY, year_start=today.replace(month=1, day=1), year_end=today.replace(month=12, day=31),
                cut_over=env.company.safety_cut_over_date)
    timings = []
    for _run in range(3):
        started = time.perf_counter()
        env.cr.execute(query)
        rows = env.cr.fetchall()
        timings.append(time.perf_counter() - started)
    return min(timings), len(rows)


if not env["safety.dossier"].search_count([("name", "=like", "Bench %")]):
    generate()
people = env["safety.dossier"].search_count([])
records = env["safety.training.record"].search_count([])
today = env.company._safety_local_today()
Dossier = env["safety.dossier"].sudo()
dossier_ids = Dossier.search([]).ids
# From scratch, as on the first pass after install: no status, and no fingerprint of one.
env.cr.execute("DELETE FROM safety_requirement_status")
env.cr.execute("UPDATE safety_dossier SET compliance_digest = NULL")
env.invalidate_all()
timings = {}
for label in ("engine_from_scratch", "engine_steady"):
    vacuum_analyze()
    profiler = cProfile.Profile() if PROFILE else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    # As the nightly pass does: the rules are read once, then each batch is computed.
    engine = Dossier._compliance_engine()
    for batch in split_every(BATCH, dossier_ids, Dossier.browse):
        batch._recompute_compliance(engine)
        env.invalidate_all()
    if profiler:
        profiler.disable()
        report = io.StringIO()
        print(label, file=report)
        stats = pstats.Stats(profiler, stream=report)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
        print(report.getvalue(), file=sys.stderr)
    timings[label] = time.perf_counter() - started
vacuum_analyze()
floor_seconds, floor_rows = measure_floor(today)
statuses = env["safety.requirement.status"].search_count([])
print(json.dumps({
    "people": people, "records": records, "statuses": statuses, "floor_rows": floor_rows,
    "engine_from_scratch_s": round(timings["engine_from_scratch"], 2),
    "engine_steady_s": round(timings["engine_steady"], 2),
    "sql_floor_s": round(floor_seconds, 3),
    "ratio_from_scratch": round(timings["engine_from_scratch"] / floor_seconds, 1),
    "ratio_steady": round(timings["engine_steady"] / floor_seconds, 1),
    "peak_rss_mib": round(peak_rss_mib()),
}))
