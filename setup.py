"""How the source folder app/ becomes the installed package backprop_explainer.

The metadata is in pyproject.toml.  Here: the package's folders, named from app/ under the
installed name (nothing is installed as a top-level `app`), and, for a wheel, the page's files
copied into the package's `web/` folder: static/, templates/, the bundle node made
(build/static) and the front-end libraries package.json names (their node_modules/<name>/dist).
`make wheel` makes them first.  An editable install reads them where they are in the repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NAME = "backprop_explainer"
SOURCE = "app"


def page_files() -> dict[Path, Path]:
    """Each folder the page is served from, and where it goes under the package's web/ folder."""
    libraries = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    wanted = {Path("static"): Path("static"), Path("templates"): Path("templates")}
    wanted[Path("build", "static")] = Path("build", "static")
    for library in sorted(libraries):
        wanted[Path("node_modules", library, "dist")] = Path("node_modules", library, "dist")
    missing = [str(source) for source in wanted if not (HERE / source).is_dir()]
    if missing or not (HERE / "build" / "static" / "sources.json").is_file():
        raise SystemExit(
            f"the page's files are not all there ({', '.join(missing) or 'build/static/sources.json'}): "
            "`make wheel` installs the front-end libraries (npm ci) and bundles the page first"
        )
    return wanted


class BuildWithPage(build_py):
    """build_py, and the page's files copied into the built package (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        web = Path(self.build_lib) / NAME / "web"
        shutil.rmtree(web, ignore_errors=True)
        for source, target in page_files().items():
            shutil.copytree(HERE / source, web / target, ignore=shutil.ignore_patterns("__pycache__"))


setup(
    package_dir={NAME: SOURCE},
    # Every folder of app/, app/api among them (a folder without __init__.py).
    packages=[
        NAME + package.removeprefix(SOURCE)
        for package in find_namespace_packages(
            str(HERE), include=[SOURCE, SOURCE + ".*"], exclude=["*.__pycache__"]
        )
    ],
    package_data={f"{NAME}.classroom.lessons": ["*.json"]},
    cmdclass={"build_py": BuildWithPage},
    # Its own build folder, emptied by `make wheel`: build/static beside it is the page's bundle.
    options={"build": {"build_base": "build/wheel"}},
)
