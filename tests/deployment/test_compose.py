"""docker-compose.yml has the production shape (no Docker engine here: the file is read, not run)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_two_web_nodes_behind_nginx_one_beat_and_every_app_service_on_the_same_stack():
    services = compose()["services"]

    assert services["web"]["deploy"]["replicas"] >= 2 and services["beat"]["deploy"]["replicas"] == 1
    assert "./deploy/nginx.conf" in services["nginx"]["volumes"][0] and "ports" not in services["web"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].endswith("@db:5432/cunju") and env["REDIS_URL"] == "redis://redis:6379/0"
        assert (env["S3_PUBLIC_BUCKET"], env["S3_PRIVATE_BUCKET"]) == ("cunju-public", "cunju-private")
    assert services["db-replica"]["profiles"] == ["replica"]


def test_nginx_balances_over_the_web_service_and_serves_only_the_public_bucket():
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")

    assert "server web:8000" in conf and "proxy_pass http://web;" in conf
    assert "proxy_pass http://minio:9000/cunju-public/;" in conf and "cunju-private" not in conf
    assert "X-Forwarded-Proto" in conf
