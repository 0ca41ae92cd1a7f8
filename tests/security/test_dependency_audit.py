"""`pip-audit` in `make test`: scripts/audit-dependencies.sh fails on a known vulnerability in the locked
dependencies, and warns without failing when the vulnerability service cannot be reached. A fake pip-audit prints
the report, so the decision is tested without the network."""

import json
import os
import subprocess
import textwrap

from tests.test_settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "audit-dependencies.sh"


def run_audit(tmp_path, report: str, status: int = 0, stderr: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "report.json").write_text(report, encoding="utf-8")
    (tmp_path / "stderr.txt").write_text(stderr, encoding="utf-8")
    fake = tmp_path / "pip-audit"
    fake.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            cat {tmp_path / "stderr.txt"} >&2
            cat {tmp_path / "report.json"}
            exit {status}
        """)
    )
    fake.chmod(0o755)
    return subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "PIP_AUDIT": str(fake)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_dependency_audit_fails_on_a_known_vulnerability(tmp_path):
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
            },
            {"name": "celery", "version": "5.5.0", "vulns": []},
        ],
        "fixes": [],
    }

    result = run_audit(tmp_path, json.dumps(report), status=1)

    assert result.returncode == 1
    assert "django 5.2.0: PYSEC-2025-1" in result.stdout
    assert "已知漏洞" in result.stderr


def test_dependency_audit_passes_when_nothing_is_known(tmp_path):
    report = {"dependencies": [{"name": "django", "version": "5.2.8", "vulns": []}], "fixes": []}

    result = run_audit(tmp_path, json.dumps(report))

    assert result.returncode == 0
    assert "未发现已知漏洞" in result.stdout


def test_dependency_audit_warns_without_failing_when_the_service_is_unreachable(tmp_path):
    report = {
        "dependencies": [
            {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n} (1.0)"}
            for n in ("django", "celery")
        ],
        "fixes": [],
    }

    result = run_audit(tmp_path, json.dumps(report))

    assert result.returncode == 0
    assert "警告" in result.stderr and "不可达" in result.stderr


def test_dependency_audit_warns_without_failing_on_a_network_error(tmp_path):
    result = run_audit(
        tmp_path, "", status=1, stderr="requests.exceptions.ConnectionError: Max retries exceeded"
    )

    assert result.returncode == 0
    assert "警告" in result.stderr


def test_dependency_audit_fails_when_pip_audit_itself_fails(tmp_path):
    result = run_audit(
        tmp_path, "", status=2, stderr="pip-audit: error: requirement is not pinned with a hash"
    )

    assert result.returncode == 1
