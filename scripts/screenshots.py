"""Take the user guide's screenshots from the demo plant in headless Chromium.

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

Starts scripts/demo.sh on its own database and a free port, or uses BASE_URL and DB
when both are set. Logs in as the demo users, drives Chromium through its DevTools
protocol and writes one PNG per screen into OUTPUT_DIR (default docs/images).
The demo database it creates is dropped at the end.
"""

import base64
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests
import websocket

REPO_DIR = pathlib.Path(__file__).resolve().parent.parent
WINDOW = (1440, 900)
START_TIMEOUT_SECONDS = 600
SCREEN_TIMEOUT_SECONDS = 60

# (file name, login, path, CSS selector that shows the screen is ready)
SCREENS = [
    ("dashboard.png", "officer", "/odoo/action-safety_training_dossier.safety_kpi_dashboard_action",
     ".o_safety_kpi_card"),
    ("dossiers.png", "officer", "/odoo/action-safety_training_dossier.safety_dossier_action",
     ".o_kanban_record, .o_data_row"),
    ("dossier.png", "officer", "/odoo/action-safety_training_dossier.safety_dossier_action/{dossier_id}",
     ".o_form_view .o_field_widget[name=name]"),
    ("due_list.png", "officer", "/odoo/action-safety_training_dossier.safety_requirement_status_action",
     ".o_list_view .o_group_header, .o_list_view .o_data_row"),
    ("rectification.png", "officer", "/odoo/action-safety_training_dossier.safety_rectification_action/{notice_id}",
     ".o_form_view .o_statusbar_status"),
    ("approvals.png", "manager", "/odoo/action-safety_training_dossier.safety_rectification_approval_action",
     ".o_list_view, .o_view_nocontent"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_environment():
    env = dict(os.environ)
    for line in (REPO_DIR / ".local" / "db.env").read_text().splitlines():
        key, _, value = line.partition("=")
        env[{"DB_HOST": "PGHOST", "DB_PORT": "PGPORT", "DB_USER": "PGUSER", "DB_PASSWORD": "PGPASSWORD"}.get(
            key, key)] = value.strip("'\"")
    return env


def json_rpc(session, base_url, path, params):
    response = session.post(f"{base_url}{path}", timeout=60,
                            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
    response.raise_for_status()
    body = response.json()
    if "error" in body:
        raise RuntimeError(f"{path} failed: {body['error']}")
    return body.get("result")


def login(base_url, database, user):
    session = requests.Session()
    json_rpc(session, base_url, "/web/session/authenticate", {"db": database, "login": user, "password": user})
    return session


def search_id(session, base_url, model, domain):
    ids = json_rpc(session, base_url, "/web/dataset/call_kw",
                   {"model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1}})
    if not ids:
        raise RuntimeError(f"the demo has no {model} matching {domain}")
    return ids[0]


class Chromium:
    """A headless Chromium driven through its DevTools protocol."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="safety_screens_")
        self.port = free_port()
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise RuntimeError("chromium not found; scripts/system_packages.sh installs it")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--lang=zh-CN",
             f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.socket = websocket.create_connection(self._page_socket_url(), timeout=30)
        self.message_id = 0
        self.call("Network.enable")
        self.call("Page.enable")

    def _page_socket_url(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                pages = requests.get(f"http://127.0.0.1:{self.port}/json", timeout=5).json()
                for page in pages:
                    if page.get("type") == "page":
                        return page["webSocketDebuggerUrl"]
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("Chromium did not open its DevTools port")

    def call(self, method, **params):
        self.message_id += 1
        self.socket.send(json.dumps({"id": self.message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.message_id:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message.get("result", {})

    def screenshot(self, url, cookie, selector, output):
        self.call("Network.clearBrowserCookies")
        self.call("Network.setCookie", name="session_id", value=cookie, url=url)
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + SCREEN_TIMEOUT_SECONDS
        check = f"!!document.querySelector({json.dumps(selector)})"
        while not self.call("Runtime.evaluate", expression=check)["result"].get("value"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}: {selector} did not appear within {SCREEN_TIMEOUT_SECONDS} s")
            time.sleep(0.5)
        time.sleep(1.5)  # let fonts and animations settle
        data = self.call("Page.captureScreenshot", format="png")["data"]
        output.write_bytes(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def start_demo():
    """Start scripts/demo.sh on a new database and a free port; return (process, base URL, database)."""
    database = f"safety_screens_{os.getpid()}"
    port = free_port()
    env = dict(database_environment(), DEMO_DB=database, ODOO_HTTP_PORT=str(port), ODOO_GEVENT_PORT=str(free_port()))
    process = subprocess.Popen(["bash", str(REPO_DIR / "scripts" / "demo.sh")], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"scripts/demo.sh exited with {process.returncode}")
        try:
            if requests.get(f"{base_url}/web/login", timeout=5).status_code == 200:
                return process, base_url, database
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the demo server did not respond within {START_TIMEOUT_SECONDS} s; see scripts/demo.sh")
        time.sleep(2)


def take_screenshots(base_url, database, output_dir):
    output_dir.mkdir(parents=True, exist_ok=True)
    sessions = {user: login(base_url, database, user) for user in ("officer", "manager")}
    officer = sessions["officer"]
    ids = {
        "dossier_id": search_id(officer, base_url, "safety.dossier", [("employee_number", "=", "W2002")]),
        "notice_id": search_id(officer, base_url, "safety.rectification",
                               [("dossier_id.employee_number", "=", "W2002")]),
    }
    browser = Chromium()
    try:
        for name, user, path, selector in SCREENS:
            browser.screenshot(base_url + path.format(**ids), sessions[user].cookies["session_id"], selector,
                               output_dir / name)
            print(f"wrote {output_dir / name}")
    finally:
        browser.close()


def main():
    output_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_DIR / "docs" / "images"
    if os.environ.get("BASE_URL") and os.environ.get("DB"):
        take_screenshots(os.environ["BASE_URL"], os.environ["DB"], output_dir)
        return
    process, base_url, database = start_demo()
    try:
        take_screenshots(base_url, database, output_dir)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        subprocess.run(["dropdb", "--if-exists", database], env=database_environment(), check=False)
        (REPO_DIR / ".local" / f"demo-{database}.sha1").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
