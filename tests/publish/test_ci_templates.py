"""The CI templates' publish scripts, run for real: first deploy, then continuity from the deployed site."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import REPO, serve


def github_publish_script() -> str:
    data = yaml.safe_load((REPO / "templates/ci/github-actions.yml").read_text(encoding="utf-8"))
    return next(s["run"] for s in data["jobs"]["pubblica"]["steps"] if "reti-adi build" in s.get("run", ""))


def gitlab_publish_script() -> str:
    data = yaml.safe_load((REPO / "templates/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
    return "\n".join(data["pages"]["script"])


def run(script: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def catalogue_with_site(tmp_path: Path, url: str) -> Path:
    root = tmp_path / "repo"
    for folder in ("catalogo", "protocolli"):
        shutil.copytree(REPO / folder, root / folder)
    meta = root / "catalogo/catalogo.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"url_sito: {url}\n", encoding="utf-8")
    return root


def test_github_template_first_deploy_then_continues_from_the_deployed_site(tmp_path):
    deployed = tmp_path / "pages"
    deployed.mkdir()
    url, server = serve(deployed)
    try:
        root = catalogue_with_site(tmp_path, url + "/")
        first = run(github_publish_script(), root)
        assert first.returncode == 0, first.stderr
        assert "::warning::Prima pubblicazione" in first.stdout
        shutil.copytree(root / "build", deployed, dirs_exist_ok=True)  # what deploy-pages does
        shutil.rmtree(root / "build")  # a fresh CI checkout has no build/
        (root / "catalogo/servizi/trasporto-sociale.yaml").unlink()
        second = run(github_publish_script(), root)
    finally:
        server.shutdown()
    assert second.returncode == 0, second.stderr
    assert "Prima pubblicazione" not in second.stdout
    api = root / "build/api/v1"
    assert json.loads((api / "modifiche/index.json").read_text())["ultima_sequenza"] == 2
    assert json.loads((api / "servizi/trasporto-sociale.json").read_text())["rimosso"] is True


def test_gitlab_template_works_on_its_first_run(tmp_path):
    (tmp_path / "vuoto").mkdir()
    url, server = serve(tmp_path / "vuoto")
    try:
        root = catalogue_with_site(tmp_path, url + "/")
        proc = run(gitlab_publish_script(), root)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr
    assert (root / "public/api/v1/modifiche/1.json").is_file() and (root / "public/index.html").is_file()


@pytest.mark.parametrize("script", [github_publish_script, gitlab_publish_script])
def test_templates_do_not_restart_the_feed_when_the_site_is_unreachable(tmp_path, script):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = catalogue_with_site(tmp_path, f"http://127.0.0.1:{port}/")
    proc = run(script(), root)
    assert proc.returncode == 2
    assert "non è raggiungibile" in proc.stderr and "Prima pubblicazione" not in proc.stdout
    assert not (root / "build").exists() and not (root / "public").exists()
