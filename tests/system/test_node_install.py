"""The page's libraries install cleanly on this machine's Node: `npm ci` of the repository's
package.json and lock, in a folder of its own, warns of no engine the packages refuse (KaTeX's
command-line tool, unused by the page, is given a commander that runs on Node 20) and of no
install script left unapproved (esbuild's, which fetches nothing: it checks its binary)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_npm_ci_warns_of_nothing(tmp_path):
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "this test needs npm (Node.js): install it with  apt-get install nodejs npm", pytrace=False
        )
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "EBADENGINE" not in said and "install-scripts" not in said and "npm warn" not in said.lower(), said
    # what the page's bundle needs is there and works
    assert (tmp_path / "node_modules" / "katex" / "dist" / "katex.mjs").exists()
    version = subprocess.run(
        [tmp_path / "node_modules" / ".bin" / "esbuild", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert version == lock["packages"]["node_modules/esbuild"]["version"]
