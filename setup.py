"""Build a pip-installable distribution of the safety_training_dossier addon.

The addon installs as the package ``odoo.addons.safety_training_dossier``: Odoo 19's
``odoo`` and ``odoo.addons`` are namespace packages, so Odoo finds an addon installed
into the same Python environment with no addons_path entry. Odoo itself is not on PyPI
and is not a requirement here; install this into an environment that has Odoo 19.0.

    python -m pip wheel . --no-deps -w dist
"""

import ast
import pathlib

from setuptools import setup

ADDON = "safety_training_dossier"
ROOT = pathlib.Path(__file__).resolve().parent
ADDON_DIR = ROOT / ADDON
MANIFEST = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
PACKAGE = f"odoo.addons.{ADDON}"


def python_packages():
    """Return the addon's Python packages (folders with an __init__.py), under odoo.addons."""
    return {
        ".".join([PACKAGE, *path.parent.relative_to(ADDON_DIR).parts]): str(path.parent.relative_to(ROOT))
        for path in sorted(ADDON_DIR.rglob("__init__.py"))
    }


def data_files():
    """Return every file of the addon that is not Python bytecode, relative to the addon folder.

    The manifest, XML data, views, reports, CSV rules, translations, static files, the CLI
    command and the readme all ship, whatever folder contains them.
    """
    return sorted(
        str(path.relative_to(ADDON_DIR)) for path in ADDON_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


packages = python_packages()
setup(
    name=f"odoo-addon-{ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(ROOT / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author=MANIFEST["author"],
    license=MANIFEST["license"],
    python_requires=">=3.10",
    install_requires=MANIFEST["external_dependencies"]["python"],
    packages=list(packages),
    package_dir=packages,
    package_data={PACKAGE: data_files()},
    zip_safe=False,
    classifiers=["Framework :: Odoo", "Framework :: Odoo :: 19.0", "Programming Language :: Python :: 3"],
)
