"""`make demo` end to end: the demo server, a JSON-RPC login, a dossier PDF download and a QR sign-in.

Runs scripts/demo.sh itself on its own database and port, so the test follows the
path a newcomer takes; the database is dropped afterwards.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from urllib.parse import urlsplit

import pytest
import requests

from conftest import load_tool


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("DEMO_TEST_HTTP_PORT") or free_port())
BASE_URL = f"http://127.0.0.1:{PORT}"
REPORT = "safety_training_dossier.report_safety_dossier"
START_TIMEOUT_SECONDS = 600


def database_environment(repo_dir):
    """Return os.environ with the PG* variables of the server the bootstrap chose."""
    env = dict(os.environ)
    values = {}
    for line in (repo_dir / ".local" / "db.env").read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip("'\"")
    env.update(PGHOST=values.get("DB_HOST", ""), PGPORT=values.get("DB_PORT", ""),
               PGUSER=values.get("DB_USER", ""), PGPASSWORD=values.get("DB_PASSWORD", ""))
    return env


@pytest.fixture(scope="module")
def demo_server(repo_dir):
    database = f"safety_e2e_{os.getpid()}"
    env = database_environment(repo_dir)
    env.update(DEMO_DB=database, ODOO_HTTP_PORT=str(PORT), ODOO_GEVENT_PORT=str(free_port()))
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(["bash", str(repo_dir / "scripts" / "demo.sh")], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"demo.sh exited with {server.returncode}:\n{log.read().decode()[-4000:]}")
            try:
                if requests.get(f"{BASE_URL}/web/login", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the demo server did not answer on {BASE_URL} within {START_TIMEOUT_SECONDS} s")
            time.sleep(2)
        yield database
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        subprocess.run(["dropdb", "--if-exists", database], env=database_environment(repo_dir), check=False)
        (repo_dir / ".local" / f"demo-{database}.sha1").unlink(missing_ok=True)
        log.close()


def json_rpc(session, path, params):
    response = session.post(f"{BASE_URL}{path}", json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
                            timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    # Odoo leaves "result" out when the method returned None.
    return body.get("result")


def login(database, user, password):
    session = requests.Session()
    result = json_rpc(session, "/web/session/authenticate", {"db": database, "login": user, "password": password})
    assert result["uid"]
    return session


def search_dossiers(session, domain):
    return json_rpc(session, "/web/dataset/call_kw", {
        "model": "safety.dossier", "method": "search_read", "args": [domain],
        "kwargs": {"fields": ["name", "employee_number"]},
    })


def pdf_text(content):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
        pdf_file.write(content)
        pdf_file.flush()
        text = subprocess.run(["pdftotext", "-layout", pdf_file.name, "-"], capture_output=True, text=True,
                              check=True).stdout
    # Noto CJK maps some ideographs to Kangxi radicals (日 as U+2F47) in the PDF; NFKC folds them back.
    return unicodedata.normalize("NFKC", text)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (scripts/system_packages.sh)")
def test_officer_downloads_dossier_pdf(demo_server):
    session = login(demo_server, "officer", "officer")
    dossiers = search_dossiers(session, [("employee_number", "=", "W2002")])
    assert [dossier["name"] for dossier in dossiers] == ["赵磊"]
    response = session.get(f"{BASE_URL}/report/pdf/{REPORT}/{dossiers[0]['id']}", timeout=120)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "安全培训档案" in text
    assert "赵磊" in text
    assert "W2002" in text
    assert "焊接安全实操" in text
    assert "不合格" in text
    assert re.search(r"\b1\s*/\s*1\b", text)  # pdftotext may drop the spaces of "1 / 1"


def test_officer_sees_whole_demo_plant(demo_server):
    session = login(demo_server, "officer", "officer")
    dossiers = search_dossiers(session, [])
    assert len(dossiers) >= 15


def test_employee_sees_only_own_dossier(demo_server):
    session = login(demo_server, "employee", "employee")
    dossiers = search_dossiers(session, [])
    assert [dossier["employee_number"] for dossier in dossiers] == ["W2005"]
    officer = login(demo_server, "officer", "officer")
    other_id = search_dossiers(officer, [("employee_number", "=", "W2002")])[0]["id"]
    response = session.get(f"{BASE_URL}/report/pdf/{REPORT}/{other_id}", timeout=120)
    assert response.status_code != 200 or not response.content.startswith(b"%PDF")


def test_wrong_password_is_refused(demo_server):
    response = requests.post(f"{BASE_URL}/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": demo_server, "login": "officer", "password": "wrong"}}, timeout=60)
    assert "error" in response.json()


def requirement_states(session, employee_number):
    statuses = json_rpc(session, "/web/dataset/call_kw", {
        "model": "safety.requirement.status", "method": "search_read",
        "args": [[("dossier_id.employee_number", "=", employee_number)]],
        "kwargs": {"fields": ["requirement_id", "state", "hours_done", "hours_required"]},
    })
    return {status["requirement_id"][1]: status["state"] for status in statuses}


def test_due_list_matches_hand_computation(demo_server):
    """The demo's due list, against the legal defaults (general tier) applied by hand.

    The cut-over is 1 January of this year, so only this year's hires owe the induction,
    and each induction level is due on the onboarding day.
    """
    session = login(demo_server, "officer", "officer")
    # 吴静 starts in 7 days: company level done, workshop and team level due within 30 days.
    wu_jing = requirement_states(session, "W2005")
    assert wu_jing["Company-Level Safety Induction (General Tier)"] == "met"
    assert wu_jing["Workshop-Level Safety Induction (General Tier)"] == "due_soon"
    assert wu_jing["Team-Level Safety Induction (General Tier)"] == "due_soon"
    # 胡军 started 30 days ago and missed the workshop-level session: both levels overdue.
    hu_jun = requirement_states(session, "W2006")
    assert hu_jun["Workshop-Level Safety Induction (General Tier)"] == "overdue"
    assert hu_jun["Team-Level Safety Induction (General Tier)"] == "overdue"
    # 周涛 did company and workshop level; team level is overdue.
    zhou_tao = requirement_states(session, "W2004")
    assert zhou_tao["Workshop-Level Safety Induction (General Tier)"] == "met"
    assert zhou_tao["Team-Level Safety Induction (General Tier)"] == "overdue"
    # 张伟 was hired years before the cut-over: no induction, only annual retraining.
    assert set(requirement_states(session, "E1001")) == {"Annual Retraining of Special Operators (General Tier)"}
    flagged = json_rpc(session, "/web/dataset/call_kw", {
        "model": "safety.dossier", "method": "search_read", "args": [[("not_authorised", "=", True)]],
        "kwargs": {"fields": ["employee_number"]}})
    # 李娜's certificate review is overdue, and so is the work-at-height certificate of L4009
    # (issued 1,120 days ago, never reviewed).
    assert [dossier["employee_number"] for dossier in flagged] == ["E1003", "L4009"]


def call(session, model, method, args, **kwargs):
    return json_rpc(session, "/web/dataset/call_kw", {"model": model, "method": method, "args": args,
                                                      "kwargs": kwargs})


def digest_count(admin):
    return call(admin, "mail.mail", "search_count", [[("subject", "like", "安全培训到期清单")]])


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (scripts/system_packages.sh)")
def test_closed_loop_from_failure_to_pass(demo_server):
    """赵磊 failed the welding practice: the officer submits his notice, 黄丽 approves it, a passing
    re-examination closes it, and the daily reminder run sends one digest however often it runs."""
    officer = login(demo_server, "officer", "officer")
    manager = login(demo_server, "manager", "manager")
    notices = call(officer, "safety.rectification", "search_read", [[("dossier_id.employee_number", "=", "W2002")]],
                   fields=["name", "state", "cause"])
    assert [(notice["state"], notice["cause"]) for notice in notices] == [("draft", "failed")]
    notice_id = notices[0]["id"]
    call(officer, "safety.rectification", "action_submit", [[notice_id]])
    waiting = call(manager, "safety.rectification", "search_read", [[("state", "=", "submitted")]], fields=["name"])
    assert notice_id in [notice["id"] for notice in waiting]
    call(manager, "safety.rectification", "action_approve", [[notice_id]])

    action = call(officer, "safety.rectification", "action_schedule_retake", [[notice_id]])
    call(officer, "safety.training.record", "write", [[action["res_id"]],
         {"theory_score": 82, "practical_score": 85, "result": "passed"}])
    call(officer, "safety.training.record", "action_confirm", [[action["res_id"]]])
    [notice] = call(officer, "safety.rectification", "read", [[notice_id]], fields=["state", "closing_record_id"])
    assert notice["state"] == "closed"
    assert notice["closing_record_id"][0] == action["res_id"]

    dossier_id = search_dossiers(officer, [("employee_number", "=", "W2002")])[0]["id"]
    text = pdf_text(officer.get(f"{BASE_URL}/report/pdf/{REPORT}/{dossier_id}", timeout=120).content)
    assert notices[0]["name"] in text
    assert "已关闭" in text

    admin = login(demo_server, "admin", "admin")
    _model, cron_id = call(admin, "ir.model.data", "check_object_reference",
                           ["safety_training_dossier", "ir_cron_safety_reminders"])
    call(admin, "ir.cron", "method_direct_trigger", [[cron_id]])
    assert digest_count(admin) == 1
    call(admin, "ir.cron", "method_direct_trigger", [[cron_id]])
    assert digest_count(admin) == 1


def test_database_dump_holds_no_valid_id_number(demo_server, repo_dir):
    """PIPL: the demo has resident ID numbers, yet a data dump shows none of them."""
    id_number = load_tool("id_number")
    dump = subprocess.run(["pg_dump", "--data-only", demo_server], env=database_environment(repo_dir),
                          capture_output=True, text=True, check=True).stdout
    candidates = set(re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", dump))
    assert [number for number in candidates if id_number.is_valid_id_number(number)] == []
    # HR still finds the person by the full number, and shows it.
    admin = login(demo_server, "admin", "admin")
    found = call(admin, "hr.employee", "search_read", [[("identification_id", "=", "440304199202280042")]],
                 fields=["name", "identification_id"])
    assert [(employee["name"], employee["identification_id"]) for employee in found] == [
        ("赵磊", "440304199202280042")]
    # The safety officer sees it masked on the dossier.
    officer = login(demo_server, "officer", "officer")
    [dossier] = call(officer, "safety.dossier", "search_read", [[("employee_number", "=", "W2002")]],
                     fields=["id_number"])
    assert dossier["id_number"] == "**************0042"


def test_dashboard_kpis_of_the_demo_plant(demo_server):
    """The dashboard's figures against the demo's certificates, and a manager's narrower view."""
    officer = login(demo_server, "officer", "officer")
    data = call(officer, "safety.kpi", "get_dashboard_data", [])
    cards = {card["name"]: card for card in data["kpis"]}
    # 29 certificates, reviewed every 3 years (1,095 or 1,096 days). Two were issued longer ago and never
    # reviewed, so they are overdue: 李娜's (1,115 days) and L4009's (1,120 days). The other 27 are on time.
    assert cards["on_time_review_rate"]["value"] == round(100 * 27 / 29, 1)  # the dashboard shows one decimal
    assert cards["on_time_review_rate"]["state"] == "bad"  # the default target is 100 %
    officer_departments = {item["department"] for item in data["overdue_items"]}
    assert len(officer_departments) > 1

    manager = login(demo_server, "manager", "manager")
    data = call(manager, "safety.kpi", "get_dashboard_data", [])
    cards = {card["name"]: card for card in data["kpis"]}
    # 黄丽 manages the Welding Workshop: 杨帆's, 赵磊's and the 8 welders' certificates, all on time.
    assert cards["on_time_review_rate"]["value"] == 100.0
    assert {item["department"] for item in data["overdue_items"]} == {"Welding Workshop"}


def test_guide_screenshots_are_reproducible(demo_server, repo_dir, tmp_path):
    """scripts/screenshots.py (make screenshots) takes every picture of docs/ from the running demo."""
    environment = dict(os.environ, BASE_URL=BASE_URL, DB=demo_server)
    subprocess.run([sys.executable, str(repo_dir / "scripts" / "screenshots.py"), str(tmp_path)], env=environment,
                   check=True, capture_output=True, timeout=600)
    taken = {path.name for path in tmp_path.glob("*.png")}
    assert taken == {path.name for path in (repo_dir / "docs" / "images").glob("*.png")}
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes().startswith(b"\x89PNG")
        assert path.stat().st_size > 20_000, path.name


def csrf_token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_worker_without_email_signs_in_by_qr(demo_server):
    """陈杰 has no e-mail: the officer grants him portal access, he logs in with his 工号, changes the
    first password, signs in to the open session by its QR link and sees it in his portal dossier."""
    officer = login(demo_server, "officer", "officer")
    [dossier] = search_dossiers(officer, [("employee_number", "=", "E1005")])
    action = call(officer, "safety.dossier", "action_grant_portal_access", [[dossier["id"]]])
    [line] = call(officer, "safety.portal.access.line", "search_read", [[("access_id", "=", action["res_id"])]],
                  fields=["result", "login", "first_password"])
    assert (line["result"], line["login"]) == ("password", "E1005")

    worker = login(demo_server, "E1005", line["first_password"])
    page = worker.get(f"{BASE_URL}/my/safety", timeout=60)
    assert "/my/safety/password" in page.url
    page = worker.post(f"{BASE_URL}/my/safety/password", timeout=60, data={
        "csrf_token": csrf_token(page.text), "old": line["first_password"], "new1": "Chen-Jie-2026!",
        "new2": "Chen-Jie-2026!", "redirect": "/my/safety"})
    assert f"/my/safety/dossier/{dossier['id']}" in page.url

    [session] = call(officer, "safety.training.session", "search_read",
                     [[("state", "=", "draft"), ("record_ids.dossier_id", "=", dossier["id"])]],
                     fields=["sign_in_url", "course_id"], context={"lang": "zh_CN"})
    sign_in_url = f"{BASE_URL}{urlsplit(session['sign_in_url']).path}"
    page = worker.get(sign_in_url, timeout=60)
    assert page.status_code == 200
    done = worker.post(sign_in_url, data={"csrf_token": csrf_token(page.text)}, timeout=60)
    assert done.status_code == 200
    assert "陈杰" in done.text
    [record] = call(officer, "safety.training.record", "search_read",
                    [[("session_id", "=", session["id"]), ("dossier_id", "=", dossier["id"])]],
                    fields=["signed_in_at", "attendance", "source"])
    assert record["signed_in_at"]
    assert (record["attendance"], record["source"]) == ("present", "qr")

    # The worker's portal is in Chinese, like the course name read above.
    assert session["course_id"][1] in worker.get(f"{BASE_URL}/my/safety", timeout=60).text
    other_id = search_dossiers(officer, [("employee_number", "=", "W2002")])[0]["id"]
    for path in (f"/my/safety/dossier/{other_id}", f"/my/safety/dossier/{other_id}/pdf"):
        response = worker.get(f"{BASE_URL}{path}", timeout=60)
        assert response.status_code == 403
        assert "赵磊" not in response.text
