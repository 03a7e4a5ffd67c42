"""Debian's nginx started by a test: deploy/nginx.conf with loopback addresses and its own files."""

import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.helpers import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def loopback_config(upstream: int, port: int, workdir: Path, extra: str = "") -> str:
    """The production file, with TLS off and every address and path on this machine.

    ``extra`` is more configuration for the http block (the benchmark's static server).
    """
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"^\s*(http2 on|ssl_certificate\S*)\b.*;\n", "", site, flags=re.M)
    site = site.replace("/var/cache/nginx/", f"{workdir}/")
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
{site}
{extra}
}}
"""


class Nginx:
    def __init__(self, upstream: int, workdir: Path, extra: str = "") -> None:
        workdir.mkdir(parents=True)
        self.port = free_port()
        self.workdir = workdir
        self.config = workdir / "nginx.conf"
        self.config.write_text(loopback_config(upstream, self.port, workdir, extra))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.workdir), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError((self.workdir / "error.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
