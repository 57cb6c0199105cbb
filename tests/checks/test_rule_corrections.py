"""Rule corrections found by verifying the samples on the real proxies (tests/test_verify_*)."""

from __future__ import annotations

import json
from pathlib import Path

from _util import write

ROOT = Path(__file__).resolve().parents[2]


def lint(cli, path: Path, *args: str) -> list[dict]:
    return json.loads(cli("check", path, "--format", "json", *args, cwd=ROOT).out)["findings"]


def test_front_tls_missing_names_every_websocket_url(cli, tmp_path):
    """nginx 1.22 with `listen 443;` answered every wss:// URL with a TLS failure, the topic as
    well as the Gateway; WSP203 named only the first URL, so the topic failure had no finding."""
    conf = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 443;
                ssl_certificate     /etc/ssl/certs/gw.example.com.crt;
                ssl_certificate_key /etc/ssl/private/gw.example.com.key;
                location /gateway/ {
                    proxy_pass http://10.20.0.11:8080;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection "upgrade";
                    proxy_read_timeout 3600s;
                }
                location /assistserver/ {
                    proxy_pass http://10.20.0.11:8080;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection "upgrade";
                    proxy_read_timeout 3600s;
                }
            }
        }
        """)
    found = [f for f in lint(cli, conf) if f["rule"] == "WSP203"]
    # one cause, one finding, naming both URLs (the topic's failure is not hidden)
    assert len(found) == 1
    assert found[0]["ws_paths"] == ["/gateway/websocketcall", "/assistserver/topic"]
    assert found[0]["ws_path"] == "/gateway/websocketcall"
    assert "/gateway/websocketcall" in found[0]["message"] and "/assistserver/topic" in found[0]["message"]
    assert {(f["line"], f["symptom"], f["listener"]) for f in found} == {(4, "tls-error", "0.0.0.0:443")}


def test_idle_limit_cutting_both_urls_is_one_finding_with_each_threshold(cli, tmp_path):
    """A server-level limit below both URLs' thresholds was two findings with two fixes; it is
    one cause: one finding naming both URLs, each with its own threshold, and a fix that
    covers both (the larger)."""
    conf = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 80;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection "upgrade";
                proxy_read_timeout 20s;
                location /gateway/ { proxy_pass http://10.20.0.11:8080; }
                location /assistserver/ { proxy_pass http://10.20.0.11:8080; }
            }
        }
        """)
    found = [f for f in lint(cli, conf) if f["rule"] == "WSP401"]
    assert len(found) == 1
    f = found[0]
    assert (f["line"], f["ws_paths"]) == (8, ["/gateway/websocketcall", "/assistserver/topic"])
    assert "after 20 s of silence" in f["message"]
    assert "(threshold 300 s for /gateway/websocketcall, 30 s for /assistserver/topic)" in f["message"]
    assert "300s" in f["fix"]
