"""Schemathesis against the live API (a real server started by the test): any server
error, undocumented status, wrong content type or body that does not match the
OpenAPI schema fails the test. `make test-contract`, a step of .ci/run (about 45 s)."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from experimentations.models import Pilot
from tests.stats.conftest import paris

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


@pytest.mark.contract
def test_schemathesis_finds_no_server_error_nor_schema_mismatch(
    transactional_db, programme, live_server, settings, tmp_path
):
    settings.QMI_API_RATE = "1000000/minute"
    programme.call.results_published_at = paris(2025, 3, 31, 12, 0)
    programme.call.save()
    # Laureates with and without a pilot, so nullable fields show both ways.
    Pilot.objects.create(
        application=programme.apps[1],
        participation=programme.pa,
        state=Pilot.State.RUNNING,
        planned_start=datetime.date(2025, 5, 1),
    )
    second = programme.targets["2a"]
    second.decision, second.selection_slot = "selected", 2
    second.save()
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "25",
        "--seed",
        "20250317",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path
    )
    output = result.stdout[-12000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    assert "Tested: 7" in output and "No issues found" in output
