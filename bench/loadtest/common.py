"""Shared plumbing of bench/loadtest/compare and bench/loadtest/idle-scale (stdlib only).

Builds what is needed, installs the liveviewjs peer with `npm ci` into the build tree, starts and
stops servers on free loopback ports, and runs liveactor-loadgen, returning its JSON line.
Every wait is bounded; every server started here is stopped here (by its own pid).
"""
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def raise_nofile(want=20000):
    """ulimit -n for this process and its children: as high as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(want, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Build:
    def __init__(self, build_dir):
        self.dir = os.path.abspath(build_dir)

    def configure(self):
        if not os.path.exists(os.path.join(self.dir, "CMakeCache.txt")):
            log(f"configuring {self.dir}")
            subprocess.run(["cmake", "--preset", "dev", "-B", self.dir], cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL)

    def target(self, name, jobs=2):
        """Builds one target; returns True on success (False: missing or broken, caller skips)."""
        log(f"building {name}")
        r = subprocess.run(["nice", "cmake", "--build", self.dir, "--target", name, f"-j{jobs}"],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            tail = "\n".join(r.stdout.strip().splitlines()[-5:])
            log(f"cannot build {name}:\n{tail}")
            return False
        return True

    def find(self, name):
        for root, _dirs, files in os.walk(self.dir):
            if name in files and "CMakeFiles" not in root:
                path = os.path.join(root, name)
                if os.access(path, os.X_OK):
                    return path
        return None


def install_liveviewjs(build):
    """npm ci of bench/peers/liveviewjs into <build>/bench/peers/liveviewjs (lock checked)."""
    src = os.path.join(REPO, "bench", "peers", "liveviewjs")
    dst = os.path.join(build.dir, "bench", "peers", "liveviewjs")
    os.makedirs(dst, exist_ok=True)
    for f in ("package.json", "package-lock.json", "server.js"):
        shutil.copyfile(os.path.join(src, f), os.path.join(dst, f))
    stamp = os.path.join(dst, "node_modules", ".liveactor-stamp")
    lock = os.path.join(src, "package-lock.json")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(lock):
        log("npm ci (liveviewjs 0.8.1 peer) into the build tree")
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=dst, check=True)
        open(stamp, "w").close()
    return dst


class Server:
    """One server process on a free loopback port; ready when GET / answers 200."""

    def __init__(self, name, argv_for_port, cwd=None, env=None, stdin_pipe=False):
        self.name = name
        self.port = free_port()
        self.argv = argv_for_port(self.port)
        self.cwd = cwd
        self.env = dict(os.environ, **(env or {}))
        self.stdin_pipe = stdin_pipe
        self.proc = None
        self.logfile = None

    def start(self, timeout=30):
        self.logfile = tempfile.NamedTemporaryFile(prefix=f"liveactor-bench-{self.name}-", suffix=".log",
                                                   delete=False)
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env,
                                     stdin=subprocess.PIPE if self.stdin_pipe else subprocess.DEVNULL,
                                     stdout=self.logfile, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; log: {self.logfile.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not ready within {timeout} s; log: {self.logfile.name}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.logfile:
            self.logfile.close()

    @property
    def pid(self):
        return self.proc.pid

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --pin: the server on core 0, the load generator on core 1, so neither steals the other's core
# and the server's CPU per event is not inflated by the generator's cache and scheduler noise.
SERVER_CORE = "0"
LOADGEN_CORE = "1"


def pin_problem():
    """None when --pin can work here, else why not."""
    if shutil.which("taskset") is None:
        return "taskset not found (util-linux)"
    cores = os.sched_getaffinity(0)
    if not {int(SERVER_CORE), int(LOADGEN_CORE)} <= cores:
        return f"cores {SERVER_CORE} and {LOADGEN_CORE} are not both available (allowed: {sorted(cores)})"
    return None


def pinned(argv, core):
    """argv run on one core; taskset execs it, so the pid stays the server's own."""
    return ["taskset", "-c", core] + argv


def run_loadgen(loadgen, server, args, timeout, pin=False):
    """Runs liveactor-loadgen against server; returns (json dict, table text)."""
    argv = [loadgen, "--port", str(server.port), "--server-pid", str(server.pid), "--label", server.name] + args
    if pin:
        argv = pinned(argv, LOADGEN_CORE)
    log(" ".join(argv[argv.index(loadgen) + 1:]))
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if r.returncode != 0:
        why = f"loadgen failed ({r.returncode}): {r.stderr.strip()[-500:]}"
        try:
            server.proc.wait(timeout=3)   # a crashing server may still be writing its core
        except subprocess.TimeoutExpired:
            pass
        if server.proc.poll() is not None:
            rc = server.proc.returncode
            why += f" — the server died ({'signal ' + str(-rc) if rc < 0 else 'exit ' + str(rc)}; log {server.logfile.name})"
        raise RuntimeError(why)
    lines = r.stdout.strip().splitlines()
    table = "\n".join(lines[:-1])
    print(table, file=sys.stderr, flush=True)
    return json.loads(lines[-1]), table


def servers(build, which, python_app=None, pin=False):
    """Server factories by name; a missing one is reported and left out. pin: each server runs
    on core 0 only, and liveactor with one executor (--executors 1)."""
    out = {}

    def argv(args, executors_flag=None):
        if not pin:
            return args
        return pinned(args + ([executors_flag, "1"] if executors_flag else []), SERVER_CORE)

    if "floor" in which:
        exe = build.find("liveactor-floor-peer") if build.target("liveactor-floor-peer") else None
        if exe:
            out["floor"] = lambda exe=exe: Server("floor", lambda p: argv([exe, "--port", str(p)]))
        else:
            log("SKIP floor: liveactor-floor-peer (bench/peers/floor) does not build")
    if "liveviewjs" in which:
        if shutil.which("node") is None:
            log("SKIP liveviewjs: node not found")
        else:
            peer = install_liveviewjs(build)
            out["liveviewjs"] = lambda: Server("liveviewjs", lambda p: argv(["node", "server.js", str(p)]), cwd=peer)
    if "liveactor-cpp" in which or "liveactor-py" in which:
        # The server embeds the client assets (npm ci into the build tree) as a Qt resource.
        build.target("liveactor_client_assets")
    if "liveactor-cpp" in which:
        exe = build.find("liveactor-testserver") if build.target("liveactor-testserver") else None
        if exe:
            out["liveactor-cpp"] = lambda exe=exe: Server(   # bind exe now: it is reused below
                "liveactor-cpp", lambda p: argv([exe, "--port", str(p)], "--executors"), env={"QT_NO_GLIB": "1"}, stdin_pipe=True)
        else:
            log("SKIP liveactor-cpp: liveactor-testserver (tests/e2e) does not build yet")
    if "liveactor-py" in which:
        # runtime/app includes generated protobuf headers; make sure they exist before it compiles.
        build.target("liveactor_proto")
        app = python_app or os.path.join(REPO, "examples", "counter", "app.py")
        exe = build.find("liveactor") if build.target("liveactor") else None
        if not os.path.exists(app):
            log(f"SKIP liveactor-py: {os.path.relpath(app, REPO)} does not exist yet")
        elif not exe:
            log("SKIP liveactor-py: the liveactor executable (runtime/app) does not build yet")
        else:
            state = tempfile.mkdtemp(prefix="liveactor-bench-state-")
            out["liveactor-py"] = lambda exe=exe, app=app, state=state: Server(
                "liveactor-py",
                lambda p: argv([exe, "serve", app, "--port", str(p), "--control-port", "0", "--state-dir", state,
                                "--max-connections", "20000"], "--executors"),
                cwd=REPO, env={"QT_NO_GLIB": "1"})
    return out
