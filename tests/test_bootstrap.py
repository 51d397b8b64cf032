"""The bootstrap's error messages, run as a newcomer would hit them."""

import os
import subprocess

import pytest


def run_script(repo_dir, script, env_changes, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("ODOO_SRC", "ODOO_GIT_URL")}
    env.update(env_changes)
    env.setdefault("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return subprocess.run(["bash", str(repo_dir / "scripts" / script)], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_odoo_src_not_an_odoo_tree(repo_dir, tmp_path):
    result = run_script(repo_dir, "odoo_source.sh", {"ODOO_SRC": str(tmp_path)}, tmp_path)
    assert result.returncode != 0
    assert f"ODOO_SRC={tmp_path} is not an Odoo 19.0 source tree" in result.stderr


def test_no_source_anywhere_names_all_three(repo_dir, tmp_path):
    missing_remote = tmp_path / "no-such-repository.git"
    result = run_script(repo_dir, "odoo_source.sh", {"ODOO_GIT_URL": f"file://{missing_remote}"}, tmp_path)
    assert result.returncode != 0
    assert "ODOO_SRC (not set)" in result.stderr
    assert str(tmp_path / "cache" / "safety-training-dossier" / "odoo-19.0") in result.stderr
    assert f"file://{missing_remote}" in result.stderr
    assert not (tmp_path / "cache" / "safety-training-dossier" / "odoo-19.0.partial").exists()


def test_clone_from_git_url(repo_dir, tmp_path):
    """A reachable ODOO_GIT_URL with a 19.0 branch is cloned into the cache folder."""
    remote = tmp_path / "odoo.git"
    work = tmp_path / "work"
    (work / "odoo" / "addons" / "base").mkdir(parents=True)
    (work / "addons" / "hr").mkdir(parents=True)
    (work / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (work / "odoo" / "addons" / "base" / "__init__.py").write_text("")
    (work / "addons" / "hr" / "__init__.py").write_text("")
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=19.0"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "fake odoo"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(remote)], check=True)

    result = run_script(repo_dir, "odoo_source.sh", {"ODOO_GIT_URL": f"file://{remote}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    target = tmp_path / "cache" / "safety-training-dossier" / "odoo-19.0"
    assert result.stdout.strip() == str(target)
    assert (target / "odoo-bin").exists()
    # A second run finds the folder and clones nothing.
    again = run_script(repo_dir, "odoo_source.sh", {"ODOO_GIT_URL": "file:///nowhere"}, tmp_path)
    assert again.returncode == 0
    assert "cloning" not in again.stderr


@pytest.mark.parametrize("script", ["bootstrap.sh", "demo.sh", "test.sh", "postgres.sh", "venv.sh",
                                    "odoo.sh", "odoo_source.sh", "system_packages.sh", "update_translations.sh"])
def test_scripts_parse(repo_dir, script):
    result = subprocess.run(["bash", "-n", str(repo_dir / "scripts" / script)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
