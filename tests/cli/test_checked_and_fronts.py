"""What a run says it checked (the contract's ``checked``, the text summary, SARIF), the
warning when nothing could be judged (WSP005), and ``--front``/``fronts``, which say which
schemes clients open the websocket with."""

from __future__ import annotations

import json

import pytest
from _util import write

REDIRECT_PAIR = """\
events {}
http {
    server {
        listen 80;
        server_name gw.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl;
        server_name gw.example.com;
        ssl_certificate     /etc/ssl/certs/gw.crt;
        ssl_certificate_key /etc/ssl/private/gw.key;
        proxy_http_version 1.1;
        proxy_read_timeout 3600s;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        location /gateway/ {
            proxy_pass http://10.0.0.5:8080;
        }
        location /assistserver/ {
            proxy_pass http://10.0.0.5:8080;
        }
    }
}
"""

OTHER_APP = """\
events {}
http {
    server {
        listen 80;
        location /chat/ {
            proxy_pass http://10.0.0.9:3000;
        }
    }
}
"""


def check_json(cli, path, *args, cwd):
    r = cli("check", str(path), "--format", "json", *args, cwd=cwd)
    return r.code, json.loads(r.out)


def test_checked_counts_plans_and_names_fas_sites(cli, tmp_path):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)
    code, doc = check_json(cli, "nginx.conf", cwd=tmp_path)
    checked = doc["checked"]
    assert checked["plans"] == 4  # two listeners x two URLs
    assert checked["listeners"] == ["0.0.0.0:443 tls", "0.0.0.0:80"]
    assert checked["ws_paths"] == ["/gateway/websocketcall", "/assistserver/topic"]
    sites = {(s["path"], s["line"], s["label"]) for s in checked["fas_sites"]}
    assert sites == {("nginx.conf", 3, "server gw.example.com"), ("nginx.conf", 8, "server gw.example.com")}
    why = {s["line"]: s["why"] for s in checked["fas_sites"]}
    assert why[8] == "routes /gateway/websocketcall to 10.0.0.5:8080 (location /gateway/)"
    assert "redirect to https://" in why[3]


def test_text_summary_says_what_was_checked(cli, tmp_path):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)
    out = cli("check", "nginx.conf", "--front", "wss", cwd=tmp_path).out.splitlines()
    assert out[-2] == (
        "Checked 2 handshake plans: 1 listener x 2 websocket URLs; FAS sites: server gw.example.com (nginx.conf:8)"
    )
    assert out[-1] == "No problems found in 1 file read."


def test_sarif_run_carries_checked(cli, tmp_path):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)
    doc = json.loads(cli("check", "nginx.conf", "--format", "sarif", cwd=tmp_path).out)
    assert doc["runs"][0]["properties"]["checked"]["plans"] == 4


def test_plain_redirect_next_to_tls_is_a_warning_unless_fronts_say(cli, tmp_path):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)

    def redirect(*args):
        code, doc = check_json(cli, "nginx.conf", *args, cwd=tmp_path)
        return code, [(f["line"], f["severity"], f["ws_paths"]) for f in doc["findings"] if f["rule"] == "WSP302"]

    both = ["/gateway/websocketcall", "/assistserver/topic"]
    assert redirect() == (1, [(6, "warning", both)])
    assert redirect("--front", "ws") == (1, [(6, "error", both)])
    assert redirect("--front", "ws", "--front", "wss") == (1, [(6, "error", both)])
    assert redirect("--front", "wss") == (0, [])
    assert redirect("--front", "wss", "--fail-on", "info")[0] == 0


def test_a_redirect_for_another_host_is_not_judged(cli, tmp_path):
    """The port-80 server of another site (its own names) is not where FAS clients go."""
    write(
        tmp_path,
        "nginx.conf",
        REDIRECT_PAIR.replace(
            "server_name gw.example.com;\n        return", "server_name www.example.com;\n        return"
        ),
    )
    code, doc = check_json(cli, "nginx.conf", cwd=tmp_path)
    assert (code, doc["findings"], doc["checked"]["listeners"]) == (0, [], ["0.0.0.0:443 tls"])


def test_fronts_in_the_settings_file_and_flags_win(cli, tmp_path):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)
    write(tmp_path, ".wsproxylint.toml", 'fronts = ["wss"]\n')
    code, doc = check_json(cli, "nginx.conf", cwd=tmp_path)
    assert code == 0 and doc["checked"]["plans"] == 2
    code, doc = check_json(cli, "nginx.conf", "--front", "ws", cwd=tmp_path)
    assert code == 1 and [f["severity"] for f in doc["findings"]] == ["error"]


@pytest.mark.parametrize("where", ["flag", "settings"])
def test_an_unknown_front_is_a_usage_error(cli, tmp_path, where):
    write(tmp_path, "nginx.conf", REDIRECT_PAIR)
    if where == "settings":
        write(tmp_path, ".wsproxylint.toml", 'fronts = ["http"]\n')
        r = cli("check", "nginx.conf", cwd=tmp_path)
    else:
        r = cli("check", "nginx.conf", "--front", "http", cwd=tmp_path)
    assert r.code == 2 and "http" in r.err


def test_nothing_to_judge_is_a_warning_not_no_problems(cli, tmp_path):
    write(tmp_path, "nginx.conf", OTHER_APP)
    r = cli("check", "nginx.conf", cwd=tmp_path)
    assert r.code == 1
    assert "No problems found" not in r.out
    assert "WSP005" in r.out and "--ws-path" in r.out and "--fas-backend" in r.out
    assert "Checked 0 handshake plans" in r.out and "no site recognised as fronting FAS" in r.out
    code, doc = check_json(cli, "nginx.conf", "--ignore", "WSP005", cwd=tmp_path)
    assert (code, doc["findings"], doc["checked"]["plans"]) == (0, [], 0)
    # the app's own websocket, named, is judged instead
    code, doc = check_json(cli, "nginx.conf", "--ws-path", "/chat/ws", cwd=tmp_path)
    assert doc["checked"]["plans"] == 1
    assert "WSP005" not in {f["rule"] for f in doc["findings"]}


def test_no_warning_on_a_config_the_proxy_cannot_read(cli, tmp_path):
    write(tmp_path, "nginx.conf", "events {}\nhttp {\n    server {\n        listen 80\n    }\n}\n")
    code, doc = check_json(cli, "nginx.conf", cwd=tmp_path)
    assert [f["rule"] for f in doc["findings"]] == ["WSP001"]


def test_nothing_judged_is_said_once_per_run(cli, tmp_path):
    """A folder of other applications' sites is one warning, naming the others; next to a FAS
    site it is none (that one was judged, and the summary names it)."""
    for i in range(5):
        write(tmp_path, f"sites/s{i}.conf", OTHER_APP.replace("/chat/", f"/chat{i}/"))
    code, doc = check_json(cli, "sites", cwd=tmp_path)
    [f] = doc["findings"]
    assert f["rule"] == "WSP005" and "nor in 4 other configurations read" in f["message"]
    assert len(f["related"]) == 4
    write(tmp_path, "sites/fas.conf", REDIRECT_PAIR)
    code, doc = check_json(cli, "sites", "--front", "wss", cwd=tmp_path)
    assert (code, doc["findings"]) == (0, [])
    assert [s["label"] for s in doc["checked"]["fas_sites"]] == ["server gw.example.com"]
