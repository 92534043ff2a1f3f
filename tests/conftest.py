"""Shared test configuration.

Tests that need Tesseract or a PostgreSQL server skip on a developer machine without them, with
a reason saying "not installed". On CI (CI=true) the project's own files install both, so such
a skip would only hide a broken install: there it fails instead.
"""
from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and "not installed" in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where it must run: {report.longrepr}"
