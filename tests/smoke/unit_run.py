#!/usr/bin/python3
"""unit_run.py: run a systemd service unit the way systemd would, where no
systemd runs (a CI container, a network namespace).

  unit_run.py UNIT_FILE STATE_FILE LOG_FILE

What it applies: Environment=, EnvironmentFile=, ExecStartPre=, ExecStart=
(with systemd's $VAR / ${VAR} expansion), Type=notify (waits for READY=1 on
its own $NOTIFY_SOCKET within TimeoutStartSec=), RuntimeDirectory= and its
mode, UMask=, LimitCORE=, LimitMEMLOCK=, NoNewPrivileges= and
CapabilityBoundingSet= (through setpriv), ExecReload= with $MAINPID on
SIGHUP (then waits for READY=1 again when the service sent RELOADING=1),
and on SIGTERM the stop: SIGTERM to the service, at most TimeoutStopSec=.
Everything else (the sandboxing of ProtectSystem= and the like, ordering,
Restart=) it names on stdout as not applied.

STATE_FILE gets "ready PID" once the service is ready, "stopped STATUS" at
the end. Exit status: 0 when the service started, became ready and
stopped with status 0; 1 otherwise, with the reason on stderr.
"""
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import time

APPLIED = {
    "Type", "NotifyAccess", "Environment", "EnvironmentFile", "ExecStartPre",
    "ExecStart", "ExecReload", "TimeoutStartSec", "TimeoutStopSec",
    "RuntimeDirectory", "RuntimeDirectoryMode", "RuntimeDirectoryPreserve", "UMask",
    "LimitCORE", "LimitMEMLOCK", "NoNewPrivileges", "CapabilityBoundingSet", "User",
}


def parse_unit(path):
    """{section: [(key, value), ...]}, continuation lines joined."""
    sections, cur, pending = {}, None, ""
    with open(path) as f:
        for raw in f:
            line = pending + raw.rstrip("\n")
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            s = line.strip()
            if not s or s[0] in "#;":
                continue
            if s.startswith("[") and s.endswith("]"):
                cur = sections.setdefault(s[1:-1], [])
                continue
            key, _, value = s.partition("=")
            cur.append((key.strip(), value.strip()))
    return sections


def last(items, key, default=None):
    vals = [v for k, v in items if k == key]
    return vals[-1] if vals else default


def seconds(s, default):
    if s is None:
        return default
    m = re.fullmatch(r"(\d+)(s|min)?", s)
    if not m:
        return default
    return int(m.group(1)) * (60 if m.group(2) == "min" else 1)


def read_env_file(path, env):
    optional = path.startswith("-")
    path = path.lstrip("-")
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        if optional:
            return
        raise
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, _, value = line.partition("=")
        words = shlex.split(value) if value else [""]
        env[key.strip()] = " ".join(words)


def expand(cmdline, env):
    """systemd's expansion: $VAR splits into words, ${VAR} stays one word."""
    out = []
    for word in shlex.split(cmdline):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if m:
            out += env.get(m.group(1), "").split()
            continue
        out.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                          lambda mm: env.get(mm.group(1), ""), word))
    return out


def command(line, env):
    """(argv, may_fail) of an Exec line with its prefixes."""
    may_fail = False
    while line and line[0] in "-@+!:":
        may_fail |= line[0] == "-"
        line = line[1:]
    return expand(line, env), may_fail


class Unit:
    def __init__(self, path, state, log):
        self.name = os.path.basename(path)
        self.sections = parse_unit(path)
        self.svc = self.sections.get("Service", [])
        self.state, self.log = state, open(log, "ab", buffering=0)
        self.env = dict(os.environ)
        for k, v in self.svc:
            if k == "Environment":
                for assign in shlex.split(v):
                    key, _, val = assign.partition("=")
                    self.env[key] = val
            elif k == "EnvironmentFile":
                read_env_file(v, self.env)
        self.proc = None
        self.notify = None
        self.reload_asked = self.stop_asked = False

    def say(self, msg):
        print("unit_run: %s: %s" % (self.name, msg), flush=True)

    def wrapper(self):
        """setpriv for the capability bounding set and no_new_privs."""
        w = []
        caps = last(self.svc, "CapabilityBoundingSet")
        if caps is not None:
            names = [c.lower().replace("cap_", "") for c in caps.split()]
            w += ["--bounding-set", ",".join(["-all"] + ["+" + n for n in names])]
        if last(self.svc, "NoNewPrivileges", "no") in ("yes", "true", "1"):
            w += ["--no-new-privs"]
        return ["setpriv"] + w + ["--"] if w else []

    def limits(self):
        """Set on the runner, which its services inherit; a limit that
        cannot be raised here (no CAP_SYS_RESOURCE in a container) is said."""
        for key, res in (("LimitCORE", resource.RLIMIT_CORE),
                         ("LimitMEMLOCK", resource.RLIMIT_MEMLOCK)):
            v = last(self.svc, key)
            if v is None:
                continue
            n = resource.RLIM_INFINITY if v == "infinity" else int(v)
            try:
                resource.setrlimit(res, (n, n))
            except (OSError, ValueError) as e:
                self.say("%s=%s: not applied here (%s); the limit stays %s" %
                         (key, v, e, resource.getrlimit(res)))

    def preexec(self):
        umask = last(self.svc, "UMask")
        if umask:
            os.umask(int(umask, 8))

    def runtime_dirs(self):
        mode = int(last(self.svc, "RuntimeDirectoryMode", "0755"), 8)
        for v in (v for k, v in self.svc if k == "RuntimeDirectory"):
            for d in v.split():
                path = os.path.join("/run", d)
                os.makedirs(path, exist_ok=True)
                os.chmod(path, mode)

    def run_sync(self, key, extra_env=None):
        env = dict(self.env, **(extra_env or {}))
        for line in (v for k, v in self.svc if k == key):
            argv, may_fail = command(line, env)
            rc = subprocess.call(self.wrapper() + argv, env=env, stdout=self.log,
                                 stderr=self.log, preexec_fn=self.preexec)
            self.say("%s %s: exit status %d" % (key, " ".join(argv), rc))
            if rc != 0 and not may_fail:
                return False
        return True

    def wait_ready(self, timeout):
        """Reads notifications until READY=1; False if the service died."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                self.say("exited with status %d before READY=1" % self.proc.returncode)
                return False
            self.notify.settimeout(0.2)
            try:
                msg = self.notify.recv(4096).decode(errors="replace")
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            self.say("notify: " + msg.replace("\n", " "))
            if "READY=1" in msg.split("\n"):
                return True
        self.say("no READY=1 within %d s" % timeout)
        return False

    def start(self):
        skipped = sorted({k for k, _ in self.svc} - APPLIED)
        if skipped:
            self.say("not applied here: " + ", ".join(skipped))
        self.runtime_dirs()
        self.limits()
        if not self.run_sync("ExecStartPre"):
            return False
        argv, _ = command(last(self.svc, "ExecStart"), self.env)
        env = dict(self.env)
        notify_type = last(self.svc, "Type", "simple") == "notify"
        if notify_type:
            self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            addr = "\0nfvpn-unit-run-%d-%s" % (os.getpid(), self.name)
            self.notify.bind(addr)
            env["NOTIFY_SOCKET"] = "@" + addr[1:]
        self.say("ExecStart " + " ".join(argv))
        self.proc = subprocess.Popen(self.wrapper() + argv, env=env, stdout=self.log,
                                     stderr=self.log, preexec_fn=self.preexec)
        if notify_type:
            t0 = time.monotonic()
            if not self.wait_ready(seconds(last(self.svc, "TimeoutStartSec"), 90)):
                return False
            self.say("ready after %.1f s" % (time.monotonic() - t0))
        with open(self.state, "w") as f:
            f.write("ready %d\n" % self.proc.pid)
        return True

    def reload(self):
        if not self.run_sync("ExecReload", {"MAINPID": str(self.proc.pid)}):
            return False
        if self.notify is not None:
            return self.wait_ready(seconds(last(self.svc, "TimeoutStartSec"), 90))
        return True

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(seconds(last(self.svc, "TimeoutStopSec"), 90))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            self.say("did not stop within TimeoutStopSec: killed")
            return 1
        self.say("stopped, exit status %d" % rc)
        with open(self.state, "w") as f:
            f.write("stopped %d\n" % rc)
        return 0 if rc == 0 else 1


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    u = Unit(*sys.argv[1:])
    signal.signal(signal.SIGHUP, lambda *_: setattr(u, "reload_asked", True))
    signal.signal(signal.SIGTERM, lambda *_: setattr(u, "stop_asked", True))
    if not u.start():
        if u.proc is not None and u.proc.poll() is None:
            u.proc.kill()
        sys.exit(1)
    while not u.stop_asked:
        if u.proc.poll() is not None:
            u.say("exited on its own, status %d" % u.proc.returncode)
            sys.exit(1)
        if u.reload_asked:
            u.reload_asked = False
            if not u.reload():
                u.stop()
                sys.exit(1)
            with open(u.state, "w") as f:
                f.write("reloaded %d\n" % u.proc.pid)
        time.sleep(0.1)
    sys.exit(u.stop())


if __name__ == "__main__":
    main()
