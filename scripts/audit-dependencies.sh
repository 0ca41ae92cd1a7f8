#!/usr/bin/env bash
# Audit the locked dependencies (requirements.txt, or the files given) for known vulnerabilities with pip-audit.
#
#   scripts/audit-dependencies.sh [REQUIREMENTS_FILE ...]
#
# Exit 1 when pip-audit reports a known vulnerability (the advisories are printed). When the vulnerability service
# cannot be reached (no network, or a mirror without PyPI's per-version JSON API: every dependency comes back "not
# found" / a connection error), print a clear warning and exit 0: an offline machine can still run `make test`, and
# the audit is not passed silently. PIP_AUDIT names the pip-audit executable (tests give a fake one).
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
[ "$#" -gt 0 ] || set -- requirements.txt

status=0
for requirements in "$@"; do
  report="$(mktemp)"
  errors="$(mktemp)"
  audit_status=0
  "$PIP_AUDIT" -r "$requirements" --require-hashes --disable-pip --progress-spinner off --timeout 10 \
    --format json >"$report" 2>"$errors" || audit_status=$?
  "$PYTHON" - "$requirements" "$report" "$errors" "$audit_status" <<'PY' || status=1
"""Decide from pip-audit's JSON report: 1 = vulnerable (or pip-audit failed on its own), 0 = clean or unreachable."""
import json
import re
import sys

requirements, report_path, errors_path, audit_status = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
errors = open(errors_path, encoding="utf-8", errors="replace").read()
UNREACHABLE = re.compile(
    r"not found on PyPI|ConnectionError|Connection ?(refused|reset|aborted)|Max retries exceeded|timed? ?out|"
    r"Name or service not known|Temporary failure in name resolution|NewConnectionError|SSLError|ProxyError",
    re.IGNORECASE,
)


def warn(message: str) -> None:
    print(f"警告：{requirements} 的依赖漏洞检查未能完成（{message}）。"
          "漏洞数据库（PyPI JSON API / OSV）不可达，本次不判定失败；请在能访问漏洞库的机器上重新运行 "
          "scripts/audit-dependencies.sh。", file=sys.stderr)


try:
    report = json.load(open(report_path, encoding="utf-8"))
except ValueError:
    if UNREACHABLE.search(errors):
        warn("网络错误")
        sys.exit(0)
    print(errors, file=sys.stderr)
    print(f"错误：pip-audit 运行失败（退出码 {audit_status}），无法检查 {requirements}。", file=sys.stderr)
    sys.exit(1)

dependencies = report.get("dependencies", [])
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if "skip_reason" in d]
audited = len(dependencies) - len(skipped)
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "暂无"
        print(f"{dependency['name']} {dependency.get('version', '')}: {vuln['id']}（修复版本：{fixes}）")
if vulnerable:
    print(f"错误：{requirements} 中 {len(vulnerable)} 个依赖有已知漏洞，请升级后重新锁定（make lock）。",
          file=sys.stderr)
    sys.exit(1)
if skipped and all(UNREACHABLE.search(d["skip_reason"]) for d in skipped):
    if audited == 0:
        warn(f"{len(skipped)} 个依赖全部查询失败")
    else:
        warn(f"{len(skipped)} 个依赖查询失败，其余 {audited} 个未发现已知漏洞")
    sys.exit(0)
if skipped:
    for dependency in skipped:
        print(f"{dependency['name']}: {dependency['skip_reason']}", file=sys.stderr)
    print(f"错误：{requirements} 中有依赖无法检查（见上）。", file=sys.stderr)
    sys.exit(1)
print(f"{requirements}：{audited} 个依赖，未发现已知漏洞。")
PY
  rm -f "$report" "$errors"
done
exit "$status"
