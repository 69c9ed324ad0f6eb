"""The reverse proxy of docker-compose.yml, run for real: Debian's nginx with the proxy service's own config, in
front of pytest-django's live server, and an HTTP client that can come from any loopback address.

The config is read from docker-compose.yml itself (the heredoc the proxy service writes to conf.d/default.conf),
compose's `$$` escaping undone, and only what cannot be the same on this machine is replaced: the listen port, the
upstream (the live server instead of Docker's 'web'), Docker's DNS resolver (not needed for an IP address) and the
log path. `stand_in_config` checks that those replacements are the only differences, so a change to the proxy's
config in docker-compose.yml is tested as it is written.

Only ever talks to 127.0.0.0/8.
"""

import difflib
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NGINX = os.environ.get("PORTERO_NGINX", "/usr/sbin/nginx")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEREDOC = re.compile(r"cat > /etc/nginx/conf\.d/default\.conf <<'CONF'\n(?P<conf>.*?)\nCONF\n", re.S)


def compose_proxy_config() -> str:
    """The proxy's config exactly as the container gets it: compose turns `$$` into `$`."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    script = compose["services"]["proxy"]["command"][-1]
    return HEREDOC.search(script).group("conf").replace("$$", "$")


def replacements(*, listen_port: int, upstream: str, access_log: Path) -> dict[str, str]:
    """Line of the compose config (stripped) → the line used here."""
    return {
        "listen 8080;": f"listen 127.0.0.1:{listen_port};",
        "resolver 127.0.0.11 valid=10s;": "# resolver: Docker's DNS; the upstream here is an IP address",
        "set $upstream http://web:8000;": f"set $upstream {upstream};",
        "access_log /var/log/nginx/access.log portero;": f"access_log {access_log} portero;",
    }


def stand_in_config(original: str, swaps: dict[str, str]) -> str:
    lines = []
    for line in original.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(indent + swaps[line.strip()] if line.strip() in swaps else line)
    config = "\n".join(lines) + "\n"
    # Proof that nothing else differs: every changed line is one of the replacements, and each was made once.
    diff = [d for d in difflib.ndiff(original.splitlines(), config.splitlines()) if d[:1] in "+-"]
    removed = sorted(d[2:].strip() for d in diff if d.startswith("-"))
    added = sorted(d[2:].strip() for d in diff if d.startswith("+"))
    assert removed == sorted(swaps), f"the compose proxy config changed; update tests/proxy.py: {removed}"
    assert added == sorted(swaps.values()), added
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Proxy:
    port: int
    access_log: Path
    process: subprocess.Popen
    config: str

    def log_lines(self, containing: str = "") -> list[str]:
        """The access log's lines with `containing`, waiting up to 5 seconds for one: nginx writes a request's line
        once it has finished it, which may be just after the client read the answer."""
        lines = []
        for _ in range(100):
            text = self.access_log.read_text(encoding="utf-8") if self.access_log.exists() else ""
            lines = [line for line in text.splitlines() if containing in line]
            if lines:
                break
            time.sleep(0.05)
        return lines

    def client(self, source: str) -> "ProxyClient":
        return ProxyClient(port=self.port, source=source)


def start_proxy(workdir: Path, upstream_url: str) -> Proxy:
    """nginx in the foreground with the compose server block, in front of `upstream_url` (http://127.0.0.1:N)."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"{NGINX} not found; .ci/run installs Debian's nginx-light")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    access_log = workdir / "access.log"
    original = compose_proxy_config()
    config = stand_in_config(original, replacements(listen_port=port, upstream=upstream_url, access_log=access_log))
    (workdir / "portero.conf").write_text(config, encoding="utf-8")
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # The container's nginx.conf around it: the image's http block, its include of conf.d; paths made local.
    main = "\n".join(
        [
            "user root;" if os.geteuid() == 0 else "",
            "worker_processes 1;",
            f"pid {workdir / 'nginx.pid'};",
            f"error_log {workdir / 'error.log'} warn;",
            "events { worker_connections 256; }",
            "http {",
            "  default_type application/octet-stream;",
            "  sendfile on;",
            "  keepalive_timeout 65;",
            f"  client_body_temp_path {temp['body']};",
            *(f"  {name}_temp_path {temp[name]};" for name in ("proxy", "fastcgi", "uwsgi", "scgi")),
            f"  include {workdir / 'portero.conf'};",
            "}",
        ]
    )
    (workdir / "nginx.conf").write_text(main + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(workdir / "nginx.conf"), "-g",
         "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("nginx did not listen within 5 seconds")
    return Proxy(port=port, access_log=access_log, process=process, config=config)


def stop_proxy(proxy: Proxy, workdir: Path) -> None:
    proxy.process.terminate()
    try:
        proxy.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proxy.process.kill()
    shutil.rmtree(workdir / "body", ignore_errors=True)


@dataclass
class Response:
    status_code: int
    headers: dict[str, str]
    text: str


@dataclass
class ProxyClient:
    """A browser's worth of HTTP for one client address: keeps cookies, sends the CSRF token with a POST."""

    port: int
    source: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        assert self.source.startswith("127."), "test traffic stays on loopback"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.source, 0))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            token = CSRF_FIELD.search(text)
            if token:
                self.csrf_token = token.group(1)
            return Response(answer.status, dict(answer.headers.items()), text)
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        if not self.csrf_token:
            self.get(path)
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token, **data}, **kwargs)
