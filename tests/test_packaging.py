"""The pip distribution: `python -m pip wheel .` builds it, it contains every file the addon needs, and
Odoo installs the addon from it with no addons_path entry for this repository."""

import os
import subprocess
import sys
import zipfile

import pytest

from test_demo_server import database_environment

ADDON = "safety_training_dossier"
PREFIX = f"odoo/addons/{ADDON}/"


@pytest.fixture(scope="module")
def wheel(repo_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(repo_dir), "--no-deps", "-q", "-w", str(out)],
                   check=True, capture_output=True, cwd=out)
    [built] = out.glob("*.whl")
    return built


def test_wheel_contains_the_addon(wheel, repo_dir):
    names = set(zipfile.ZipFile(wheel).namelist())
    addon_dir = repo_dir / ADDON
    expected = {
        PREFIX + str(path.relative_to(addon_dir)) for path in addon_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    for required in ("__manifest__.py", "views/safety_dossier_views.xml", "reports/dossier_report.xml",
                     "security/ir.model.access.csv", "i18n/zh_CN.po", "i18n/safety_training_dossier.pot",
                     "static/description/icon.png", "data/safety_requirement_data.xml"):
        assert PREFIX + required in names
    # odoo and odoo.addons are namespace packages: the wheel must not make them regular ones.
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names


def test_odoo_installs_the_addon_from_the_wheel(wheel, repo_dir, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    source = subprocess.run(["bash", str(repo_dir / "scripts" / "odoo_source.sh")], check=True,
                            capture_output=True, text=True).stdout.strip()
    # The project's configuration, but with Odoo's own addons only: this repository is not on the path.
    config = tmp_path / "odoo.conf"
    lines = (repo_dir / ".local" / "odoo.conf").read_text().splitlines()
    config.write_text("\n".join(
        f"addons_path = {source}/odoo/addons,{source}/addons" if line.startswith("addons_path") else line
        for line in lines) + "\n")
    database = f"safety_wheel_{os.getpid()}"
    environment = dict(database_environment(repo_dir), PYTHONPATH=str(target),
                       SAFETY_ID_KEY=(repo_dir / ".local" / "safety_id_key").read_text().strip())
    try:
        result = subprocess.run(
            [sys.executable, f"{source}/odoo-bin", "-c", str(config), "-d", database, "-i", ADDON,
             "--stop-after-init", "--log-level=warn", "--http-port=0"],
            env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        state = subprocess.run(["psql", "-d", database, "-tAc",
                                f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'"],
                               env=environment, capture_output=True, text=True, check=True).stdout.strip()
        assert state == "installed"
    finally:
        subprocess.run(["dropdb", "--if-exists", database], env=database_environment(repo_dir), check=False)
