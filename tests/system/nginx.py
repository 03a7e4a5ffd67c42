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


def loopback_config(
    upstream: int, port: int, workdir: Path, extra: str = "", *, limits: bool = True
) -> str:
    """The production files (deploy/nginx-main.conf around deploy/nginx.conf), with TLS
    off and every address and path on this machine.

    ``extra`` is more configuration for the http block (the benchmark's static server);
    without ``limits`` the per-address limits are left out (the benchmark's one client).
    """
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"^\s*(http2 on|ssl_certificate\S*)\b.*;\n", "", site, flags=re.M)
    site = site.replace("/var/cache/nginx/", f"{workdir}/")
    if not limits:
        site = re.sub(r"^\s*limit_(req|conn) (zone=|connections).*;\n", "", site, flags=re.M)
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    main = (ROOT / "deploy" / "nginx-main.conf").read_text()
    main = main.replace("user nginx;", "user root;" if os.geteuid() == 0 else "")
    main = main.replace("pid /var/run/nginx.pid;", f"pid {workdir / 'nginx.pid'};")
    main = main.replace("/var/log/nginx/error.log", str(workdir / "error.log"))
    return main.replace("    include /etc/nginx/conf.d/*.conf;", f"{temp}\n{site}\n{extra}")


class Nginx:
    def __init__(
        self, upstream: int, workdir: Path, extra: str = "", *, limits: bool = True
    ) -> None:
        workdir.mkdir(parents=True)
        self.port = free_port()
        self.workdir = workdir
        self.config = workdir / "nginx.conf"
        self.config.write_text(loopback_config(upstream, self.port, workdir, extra, limits=limits))
        self.process: subprocess.Popen[bytes] | None = None

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
