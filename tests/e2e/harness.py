"""Process-level test harness: the real msgcenterd on a free loopback port
with a temporary data directory, and the real msgc with its own --home.

The binaries come from the environment (CTest sets MSGCENTERD and MSGC) or
default to the dev build."""

import calendar
import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MSGCENTERD = os.environ.get("MSGCENTERD", os.path.join(ROOT, "build/dev/msgcenterd"))
MSGC = os.environ.get("MSGC", os.path.join(ROOT, "build/dev/msgc"))


def utc_ms(y, mo, d, h=0, mi=0, s=0):
    """A UTC calendar time as Unix milliseconds."""
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000


def wait_for(what, fn, timeout=10.0, step=0.02):
    """FN() until it is truthy; its last value. AssertionError after TIMEOUT."""
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for %s; last: %r" % (what, value))
        time.sleep(step)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Server:
    """One msgcenterd process. start() may be called again after kill()
    on the same data directory and port, as after a crash."""

    def __init__(self, workdir, *extra_args):
        self.data = os.path.join(workdir, "data")
        self.log_path = os.path.join(workdir, "msgcenterd.log")
        self.extra_args = list(extra_args)
        self.port = 0
        self.proc = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=15):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [MSGCENTERD, "--listen", "127.0.0.1:%d" % self.port, "--data", self.data, "--log-level", "warn"]
            + self.extra_args,
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                raise RuntimeError("msgcenterd exited before listening; see " + self.log_path)
            m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                # Keep draining stdout so that the server never blocks on it.
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return self
        raise RuntimeError("msgcenterd did not report listening in time")

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        return self.proc.returncode

    def store_args(self):
        """The storage options of this server (--store, --blobs), for its admin commands."""
        out = []
        for i, a in enumerate(self.extra_args):
            if a in ("--store", "--blobs") and i + 1 < len(self.extra_args):
                out += [a, self.extra_args[i + 1]]
        return out

    def add_user(self, network_id, password, role="user"):
        r = subprocess.run([MSGCENTERD, "--data", self.data] + self.store_args() +
                           ["user", "add", network_id, "--role", role],
                           input=password + "\n", capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError("user add failed: " + r.stderr)

    def add_many(self, prefix, count, password, tokens_out=None):
        extra = ["--tokens-out", tokens_out] if tokens_out else []
        r = subprocess.run([MSGCENTERD, "--data", self.data] + self.store_args() +
                           ["user", "add-many", prefix, str(count)] + extra,
                           input=password + "\n", capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("user add-many failed: " + r.stderr)

    def sql(self, query):
        """One value from the server's database, read with the sqlite3 shell."""
        r = subprocess.run(["sqlite3", os.path.join(self.data, "msgcenter.db"), query], capture_output=True,
                           text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError("sqlite3: " + r.stderr)
        return r.stdout.strip()

    def publish(self, token, data, type_="novel", title="A resource"):
        status, _, body = self.request("POST", "/v1/blobs", data, token=token)
        assert status == 201, body
        sha = json.loads(body)["sha256"]
        status, _, body = self.request("POST", "/v1/resources", {"type": type_, "title": title, "sha256": sha},
                                       token=token)
        assert status == 201, body
        return json.loads(body)["resource"]["id"]

    def request(self, method, path, body=None, token=None, headers=None):
        """A raw HTTP request, as curl or a browser would send it. Returns
        (status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def seed(self, users=("alice", "bob"), content=b"a novel", title="Book"):
        """A provider 'studio' with one resource, and users NAME with password
        NAME-password. Returns the resource id."""
        self.add_user("studio", "studio-password", role="provider")
        resource_id = self.publish(self.login_token("studio", "studio-password"), content, title=title)
        for name in users:
            status, _, body = self.request("POST", "/v1/accounts", {"network_id": name, "password": name + "-password"})
            assert status == 201, body
        return resource_id

    def add_provider(self, network_id="studio"):
        """A provider account NETWORK_ID with password NETWORK_ID-password;
        returns its token."""
        self.add_user(network_id, network_id + "-password", role="provider")
        return self.login_token(network_id, network_id + "-password")

    def login_token(self, network_id, password):
        status, _, body = self.request("POST", "/v1/sessions", {"network_id": network_id, "password": password})
        if status != 201:
            raise RuntimeError("login failed: %d %s" % (status, body))
        return json.loads(body)["token"]


class Msgc:
    """msgc with its own profile directory, talking to one server."""

    def __init__(self, server, home):
        self.server = server
        self.home = home

    @classmethod
    def registered(cls, server, home, network_id):
        """msgc with its own profile at HOME, registered and logged in as
        NETWORK_ID (password NETWORK_ID-password)."""
        m = cls(server, home)
        m.run("register", network_id, stdin=network_id + "-password\n")
        return m

    def env(self):
        e = dict(os.environ)
        e["MSGC_SERVER"] = self.server.url
        e["MSGC_HOME"] = self.home
        return e

    def run(self, *args, stdin=None, check=True, timeout=60):
        r = subprocess.run([MSGC] + list(args), input=stdin, capture_output=True, text=True,
                           env=self.env(), timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("msgc %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
        return r

    def json_lines(self, *args):
        out = self.run("--json", *args).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def follow(self, *args):
        return Follower(self, list(args))


class Follower:
    """`msgc --json inbox --follow` in the background; lines arrive on a queue."""

    def __init__(self, client, args):
        self.proc = subprocess.Popen([MSGC, "--json", "inbox", "--follow"] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=client.env(), text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next_item(self, timeout):
        return self.lines.get(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Workspace:
    """A temporary directory removed at the end, kept when KEEP_E2E is set."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="msgcenter-e2e-")

    def sub(self, name):
        p = os.path.join(self.path, name)
        os.makedirs(p, exist_ok=True)
        return p

    def cleanup(self):
        if not os.environ.get("KEEP_E2E"):
            shutil.rmtree(self.path, ignore_errors=True)


class StreamClosed(Exception):
    pass


class RawStream:
    """A minimal RFC 6455 client for /v1/stream, as a third-party client
    would write it: lets tests ack by hand, or connect and never read."""

    def __init__(self, server, token, query="", rcvbuf=None):
        import base64
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /v1/stream%s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                           "Authorization: Bearer %s\r\n\r\n" % (query, key, token)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise StreamClosed("closed during the handshake")
            head += chunk
        status = int(head.split(b" ", 2)[1])
        if status != 101:
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            body = b""
            while len(body) < length:
                body += self.sock.recv(length - len(body))
            raise StreamClosed("upgrade refused: %d %s" % (status, body.decode()))
        self.buf = b""

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise StreamClosed("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        import struct
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv_json(self, timeout=10):
        """The next text frame as JSON; answers pings; StreamClosed on close."""
        import struct
        self.sock.settimeout(timeout)
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode == 0x8:
                raise StreamClosed("server closed the stream")
            elif opcode == 0x1:
                return json.loads(payload)

    def send_json(self, obj):
        self._send_frame(0x1, json.dumps(obj).encode())

    def close(self):
        self.sock.close()
