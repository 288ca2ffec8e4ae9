"""The real browser for the workspace's browser tests: the system's Chromium (Debian package
``chromium``) driven by Playwright, never a downloaded browser; and axe-core from the npm
registry for the accessibility check, installed once into a git-ignored folder.

``python -m tests.web.browser`` (``make axe``) installs axe-core ahead of time; the tests do
it themselves on first use. Where Chromium, Playwright or npm is missing, ``missing()`` says
which in one line and the browser tests skip with it (like the PostgreSQL tests)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
AXE_DIR = Path(__file__).resolve().parent / ".axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4"  # the newest 4.x
SCREENSHOTS = Path(__file__).resolve().parent / ".screenshots"


def missing() -> str | None:
    """Why the browser tests can't run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (install the Debian package chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not AXE_SCRIPT.exists() and shutil.which("npm") is None:
        return "npm is not installed, so axe-core can't be fetched (install the Debian package npm)"
    return None


def axe_script() -> Path:
    """axe.min.js, installed from the npm registry on first use."""
    if not AXE_SCRIPT.exists():
        AXE_DIR.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(AXE_DIR),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_SCRIPT


if __name__ == "__main__":
    reason = missing()
    if reason:
        sys.exit(f"browser tests can't run: {reason}")
    print(axe_script())
