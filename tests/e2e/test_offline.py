"""The offline guarantee (issue "desktop builds"): the app never opens a network connection.

The whole workflow — sample package, validate, import, analyse, score, sign findings, export a
bundle, the agency's import and receipt, merge, reports (with worker processes) — runs in
subprocesses of the CLI under a **network guard**, installed twice:

* in Python, an audit hook (``sitecustomize.py`` on ``PYTHONPATH``, so every interpreter the
  workflow starts has it, worker processes included): ``socket.connect``, ``bind``,
  ``sendto``, ``sendmsg`` on an internet socket (IPv4, IPv6) and every name lookup
  (``getaddrinfo``, ``gethostbyname``, ``gethostbyaddr``, ``getnameinfo``);
* natively, an ``LD_PRELOAD`` library (compiled here with the system C compiler, on Linux)
  wrapping libc's ``connect``, ``bind``, ``sendto``, ``sendmsg``, ``getaddrinfo``,
  ``gethostbyname(_r)``, ``gethostbyaddr`` and ``getnameinfo``, which also catches C and C++
  code that never goes through Python's ``socket`` module.

Each attempt is refused *and* written to a log; the test fails when the log is not empty,
whether or not the app caught the refusal. Unix sockets (X11, D-Bus, multiprocessing) stay
allowed. A first test proves the guard catches what it must and lets Unix sockets through.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from inspector_app import identity
from inspector_app.home import Home

PASSPHRASE = "correct horse battery staple"

SITECUSTOMIZE = r"""
import os, sys, socket, traceback

_LOG = os.environ.get("INSPECTOR_NETGUARD_LOG")
_INET = (socket.AF_INET, getattr(socket, "AF_INET6", socket.AF_INET))
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
            "socket.getnameinfo"}
_SENDS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}


def _note(event, args):
    if _LOG:
        stack = "".join(traceback.format_stack(limit=8)[:-2])
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"python {event} {args!r} pid {os.getpid()} argv {sys.argv!r}\n{stack}\n")


def _guard(event, args):
    if event in _LOOKUPS:
        _note(event, args)
        raise OSError(f"network guard: {event} refused")
    if event in _SENDS:
        sock = args[0]
        if getattr(sock, "family", None) in _INET:
            _note(event, args[1:])
            raise OSError(f"network guard: {event} on an internet socket refused")


if _LOG:
    sys.addaudithook(_guard)
"""

PRELOAD_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void note(const char *what) {
    const char *path = getenv("INSPECTOR_NETGUARD_LOG");
    if (!path) return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0) return;
    char buf[160];
    int n = snprintf(buf, sizeof buf, "native %s pid %d\n", what, (int)getpid());
    if (n > 0) { ssize_t w = write(fd, buf, (size_t)n); (void)w; }
    close(fd);
}
static int inet(const struct sockaddr *a) {
    return a && (a->sa_family == AF_INET || a->sa_family == AF_INET6);
}
typedef int (*addr_fn)(int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
#define REAL(name, type) static type real_##name; \
    if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

int connect(int fd, const struct sockaddr *a, socklen_t l) {
    REAL(connect, addr_fn);
    if (inet(a)) { note("connect"); errno = EACCES; return -1; }
    return real_connect(fd, a, l);
}
int bind(int fd, const struct sockaddr *a, socklen_t l) {
    REAL(bind, addr_fn);
    if (inet(a)) { note("bind"); errno = EACCES; return -1; }
    return real_bind(fd, a, l);
}
ssize_t sendto(int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l) {
    REAL(sendto, sendto_fn);
    if (inet(a)) { note("sendto"); errno = EACCES; return -1; }
    return real_sendto(fd, b, n, f, a, l);
}
ssize_t sendmsg(int fd, const struct msghdr *m, int f) {
    REAL(sendmsg, sendmsg_fn);
    if (m && inet((const struct sockaddr *)m->msg_name)) { note("sendmsg"); errno = EACCES; return -1; }
    return real_sendmsg(fd, m, f);
}
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res) {
    (void)node; (void)service; (void)hints; (void)res;
    note("getaddrinfo"); return EAI_FAIL;
}
struct hostent *gethostbyname(const char *name) {
    (void)name; note("gethostbyname"); h_errno = NO_RECOVERY; return NULL;
}
int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t len,
                    struct hostent **result, int *err) {
    (void)name; (void)ret; (void)buf; (void)len;
    note("gethostbyname_r"); *result = NULL; *err = NO_RECOVERY; return ENOENT;
}
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
    (void)addr; (void)len; (void)type; note("gethostbyaddr"); h_errno = NO_RECOVERY; return NULL;
}
int getnameinfo(const struct sockaddr *a, socklen_t l, char *h, socklen_t hl, char *s,
                socklen_t sl, int f) {
    (void)a; (void)l; (void)h; (void)hl; (void)s; (void)sl; (void)f;
    note("getnameinfo"); return EAI_FAIL;
}
"""


class Guard:
    """The guarded environment: ``run`` a CLI command, ``attempts`` logged so far."""

    def __init__(self, root: Path) -> None:
        self.root = root
        site = root / "site"
        site.mkdir(parents=True)
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.log = root / "network-attempts.log"
        self.preload: Path | None = None
        cc = shutil.which("cc") or shutil.which("gcc")
        if sys.platform.startswith("linux") and cc:
            src = root / "netguard.c"
            src.write_text(PRELOAD_C, encoding="utf-8")
            lib = root / "libnetguard.so"
            subprocess.run(
                [cc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(src), "-ldl"],
                check=True,
                capture_output=True,
            )
            self.preload = lib
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "INSPECTOR_NETGUARD_LOG": str(self.log),
            "QT_QPA_PLATFORM": "offscreen",
        }
        if self.preload is not None:
            self.env["LD_PRELOAD"] = str(self.preload)
        self.env.pop("INSPECTOR_HOME", None)

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def cli(self, home: Path, *argv: str) -> str:
        pw = self.root / "passphrase.txt"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "inspector_app",
                *argv,
                "--home",
                str(home),
                "--passphrase-file",
                str(pw),
            ],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (argv, done.returncode, done.stdout, done.stderr)
        return done.stdout

    def cli_json(self, home: Path, *argv: str) -> Any:
        return json.loads(self.cli(home, *argv, "--json"))

    def attempts(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    g = Guard(tmp_path)
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    return g


def test_the_guard_refuses_internet_sockets_and_lookups_and_allows_unix_sockets(
    guard: Guard,
) -> None:
    done = guard.python(
        """
        import socket, os, tempfile
        results = []
        for attempt in (
            lambda: socket.socket().connect(("127.0.0.1", 9)),
            lambda: socket.getaddrinfo("example.com", 80),
            lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b"x", ("::1", 9)),
            lambda: socket.socket().bind(("0.0.0.0", 0)),
        ):
            try:
                attempt()
                results.append("allowed")
            except OSError:
                results.append("refused")
        a, b = socket.socketpair(socket.AF_UNIX)
        a.sendall(b"ok")
        unix = b.recv(2).decode()
        path = os.path.join(tempfile.mkdtemp(), "s")
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
        print(",".join(results), unix)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused,refused,refused,refused", "ok"]
    log = guard.attempts()
    for event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.bind"):
        assert f"python {event}" in log
    if guard.preload is not None:  # native code is caught too (ctypes calls libc directly)
        guard.log.unlink()
        done = guard.python(
            """
            import ctypes, ctypes.util, socket
            libc = ctypes.CDLL(None)
            res = ctypes.c_void_p()
            rc = libc.getaddrinfo(b"example.com", b"80", None, ctypes.byref(res))
            print(rc != 0)
            """
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "True"
        assert "native getaddrinfo" in guard.attempts()


@pytest.mark.slow
def test_the_whole_workflow_never_touches_the_network(guard: Guard, tmp_path: Path) -> None:
    expert, agency = tmp_path / "expert", tmp_path / "agency"
    for home, name, role in ((expert, "李明", "expert"), (agency, "某评估机构", "agency")):
        identity.init_identity(
            Home(home), name=name, role=role, passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
        )
    package = tmp_path / "usage_burst.case.zip"
    guard.cli(expert, "sample", "--scenario", "usage_burst", "--out", str(package))
    cards = tmp_path / "cards"
    cards.mkdir()
    guard.cli(expert, "identity", "export-card", "--out", str(cards / "expert.json"))
    guard.cli(agency, "identity", "export-card", "--out", str(cards / "agency.json"))
    guard.cli(expert, "identity", "trust", str(cards / "agency.json"))
    guard.cli(agency, "identity", "trust", str(cards / "expert.json"))

    assert guard.cli_json(expert, "validate", str(package))["valid"] is True
    case = guard.cli_json(expert, "case", "import", str(package))["case_id"]
    guard.cli_json(agency, "case", "import", str(package))
    analysis = guard.cli_json(expert, "analyze", case)
    flags = analysis["flags"]
    assert flags, "usage_burst raises a flag"
    guard.cli_json(expert, "score", str(package), "--self")

    def add(payload: dict[str, Any]) -> None:
        path = tmp_path / "finding.json"
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        guard.cli_json(expert, "findings", "add", case, "--json-file", str(path))

    add({"kind": "score", "item": "Q2", "answer": "C"})
    add({"kind": "flag_review", "flag": flags[0]["id"], "decision": "confirmed"})
    add({"kind": "observation", "text": "现场抽查报工终端"})
    add(
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "系统使用集中在申报前",
            "requirements": ["补充申报前三个月的使用记录"],
        }
    )
    guard.cli(expert, "findings", "verify")
    stick = tmp_path / "stick"
    bundle = guard.cli_json(expert, "bundle", "export", "--out", str(stick))["bundle"]
    guard.cli_json(agency, "bundle", "import", bundle)
    guard.cli_json(agency, "merge", "status")
    reports = tmp_path / "reports"
    guard.cli_json(
        agency, "report", "--all", "--format", "pdf,docx,xlsx,json", "--out", str(reports),
        "--workers", "2",
    )  # fmt: skip
    guard.cli_json(expert, "report", "--plan", case, "--out", str(tmp_path / "plan"))
    written = sorted(p.suffix for p in reports.rglob("*") if p.is_file())
    assert {".pdf", ".docx", ".xlsx", ".json"} <= set(written)

    assert guard.attempts() == "", "the workflow tried to use the network:\n" + guard.attempts()
