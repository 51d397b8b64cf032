"""Identity numbers across the addon's life: install over plaintext HR data, key rotation with the
``safety_rotate_id_key`` command, uninstall and reinstall. Runs on its own throwaway database."""

import base64
import os
import subprocess

import pytest

from test_demo_server import database_environment

NUMBER = "440304199202280042"
ADDON = "safety_training_dossier"


def new_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture(scope="module")
def database(repo_dir):
    name = f"safety_id_life_{os.getpid()}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], env=database_environment(repo_dir), check=False)


def odoo(repo_dir, key, *args, script=None):
    environment = dict(database_environment(repo_dir), SAFETY_ID_KEY=key)
    result = subprocess.run(["bash", str(repo_dir / "scripts" / "odoo.sh"), *args, "--log-level=warn"],
                            env=environment, input=script, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def sql(repo_dir, database, query):
    return subprocess.run(["psql", "-d", database, "-tAc", query], env=database_environment(repo_dir),
                          capture_output=True, text=True, check=True).stdout.strip()


def test_install_rotate_uninstall_reinstall(repo_dir, database, tmp_path):
    key = new_key()
    odoo(repo_dir, key, "-d", database, "-i", "hr", "--stop-after-init")
    odoo(repo_dir, key, "shell", "-d", database, script=(
        f"env['hr.employee'].create({{'name': '赵磊', 'identification_id': '{NUMBER}'}})\nenv.cr.commit()\n"))
    assert sql(repo_dir, database, f"SELECT count(*) FROM hr_version WHERE identification_id = '{NUMBER}'") == "1"

    # Installing moves the plaintext into the encrypted columns.
    odoo(repo_dir, key, "-d", database, "-i", ADDON, "--stop-after-init")
    assert sql(repo_dir, database, f"SELECT count(*) FROM hr_version WHERE identification_id = '{NUMBER}'") == "0"
    assert sql(repo_dir, database, "SELECT count(*) FROM hr_version WHERE safety_id_encrypted LIKE 'v1:%'") == "1"

    # Rotation: the command re-encrypts under the new key, which then reads and finds the number.
    rotated_key = new_key()
    key_file = tmp_path / "new.key"
    key_file.write_text(rotated_key)
    output = odoo(repo_dir, key, "safety_rotate_id_key", "-d", database, "--new-key-file", str(key_file))
    assert "Re-encrypted 1 identity numbers" in output
    read_back = f"print(env['hr.employee'].search([('identification_id', '=', '{NUMBER}')]).identification_id)\n"
    assert NUMBER in odoo(repo_dir, rotated_key, "shell", "-d", database, script=read_back)

    # Uninstalling writes the number back into HR's column; reinstalling encrypts it again.
    odoo(repo_dir, rotated_key, "shell", "-d", database, script=(
        f"env['ir.module.module'].search([('name', '=', '{ADDON}')]).button_immediate_uninstall()\n"))
    assert sql(repo_dir, database, f"SELECT count(*) FROM hr_version WHERE identification_id = '{NUMBER}'") == "1"
    odoo(repo_dir, rotated_key, "-d", database, "-i", ADDON, "--stop-after-init")
    assert sql(repo_dir, database, f"SELECT count(*) FROM hr_version WHERE identification_id = '{NUMBER}'") == "0"
    assert NUMBER in odoo(repo_dir, rotated_key, "shell", "-d", database, script=read_back)
