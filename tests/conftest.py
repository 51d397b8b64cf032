"""Shared fixtures for the end-to-end tests: paths and the project's scripts."""

import importlib.util
import pathlib

import pytest

REPO_DIR = pathlib.Path(__file__).resolve().parent.parent
ADDON_DIR = REPO_DIR / "safety_training_dossier"


def load_tool(name):
    """Import ``safety_training_dossier/tools/<name>.py`` alone, without Odoo."""
    spec = importlib.util.spec_from_file_location(f"dossier_tool_{name}", ADDON_DIR / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def repo_dir():
    return REPO_DIR
