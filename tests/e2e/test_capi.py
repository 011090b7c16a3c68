"""The C API as an app in C uses it (tests/capi/*.c, compiled by cc): a
round trip against a real msgcenterd with a share sent by msgc, every bad
input the API can be handed, a server that is down or talks garbage, many
threads on one client; and the shared library as it is installed: only the
mc_ symbols exported, a soname, a pkg-config file a C build can use."""

import os
import shutil
import socket
import subprocess
import threading
import unittest

from tests.e2e.harness import Msgc, Server, Workspace, sha256_file

LIB = os.environ.get("MSGCENTER_LIB", "")
ROUNDTRIP = os.environ.get("CAPI_ROUNDTRIP", "")
BAD_INPUT = os.environ.get("CAPI_BAD_INPUT", "")
HEADER_C99 = os.environ.get("CAPI_HEADER_C99", "")
BUILD_DIR = os.environ.get("MSGC_BUILD_DIR", "")


class GarbageServer:
    """Accepts connections and answers each request with something that is
    not the protocol: raw noise, a 200 that is not JSON, JSON of the wrong
    shape, a truncated answer; in turn."""

    ANSWERS = [
        b"\x00\xffnot http at all\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nContent-Type: application/json\r\n\r\nnot json!",
        b"HTTP/1.1 200 OK\r\nContent-Length: 16\r\nContent-Type: application/json\r\n\r\n{\"user\": [1, 2]}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"resources\": [",
        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\n<html",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]",
    ]

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.n = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            try:
                while conn.recv(65536).find(b"\r\n\r\n") < 0:
                    pass
                answer = self.ANSWERS[self.n % len(self.ANSWERS)]
                self.n += 1
                conn.sendall(answer)
            except OSError:
                pass

    def close(self):
        self.sock.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class CApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server")).start()
        cls.content = os.urandom(700 * 1024)
        cls.resource_id = cls.server.publish(cls.server.add_provider(), cls.content, title="Sample for C")
        cls.alice = Msgc.registered(cls.server, cls.ws.sub("alice"), "alice")
        cls.bob = Msgc.registered(cls.server, cls.ws.sub("bob"), "bob")

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def test_a_c_program_logs_in_follows_receives_a_share_from_msgc_and_downloads_it(self):
        home = self.ws.sub("c-bob")
        out = os.path.join(self.ws.sub("c-out"), "received.bin")
        proc = subprocess.Popen([ROUNDTRIP, self.server.url, home, "bob", "bob-password", out],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        try:
            for line in proc.stdout:
                lines.append(line.strip())
                if line.strip() == "READY":
                    break
            self.assertIn("READY", lines, proc.stderr.read() if proc.poll() is not None else lines)
            share = self.alice.json_lines("share", self.resource_id, "--to", "bob", "--note", "for C")[0]
            rest, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        lines += rest.splitlines()
        self.assertEqual(proc.returncode, 0, "\n".join(lines) + err)
        self.assertEqual(lines[0], "version 0.1.0")
        self.assertTrue(any(l.startswith("login ") and '"network_id":"bob"' in l for l in lines), lines)
        catalog = [l for l in lines if l.startswith("catalog ")]
        self.assertGreaterEqual(int(catalog[0].split()[1]), 1, lines)
        self.assertIn("event connection", lines)
        self.assertIn("event item", lines)
        saved = [l for l in lines if l.startswith("saved ")][0].split()
        self.assertEqual(saved[1], out)
        self.assertEqual(saved[2], sha256_file(out))
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.content)
        # get on an inbox item tells the sender it was opened.
        receipts = self.alice.json_lines("receipts", share["id"])
        self.assertEqual(receipts[0]["network_id"], "bob")
        self.assertIsNotNone(receipts[0].get("opened_at"), receipts)
        # The profile the C program wrote is the one msgc reads.
        bob_c = Msgc(self.server, home)
        me = bob_c.json_lines("whoami")[0]
        self.assertEqual(me["network_id"], "bob")

    def test_bad_input_down_and_garbage_servers_and_threads_never_crash(self):
        garbage = GarbageServer()
        try:
            scratch = self.ws.sub("c-scratch")
            down = "http://127.0.0.1:%d" % free_port()
            r = subprocess.run([BAD_INPUT, self.bob.home, down, garbage.url, scratch],
                               capture_output=True, text=True, timeout=150)
        finally:
            garbage.close()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("all bad input handled", r.stdout)
        self.assertGreater(garbage.n, 0, "the garbage server was never asked")
        # bob's profile still works for msgc after all that.
        self.assertEqual(self.bob.json_lines("whoami")[0]["network_id"], "bob")

    def test_the_library_exports_only_the_c_api_under_a_soname(self):
        real = os.path.realpath(LIB)
        syms = subprocess.run(["nm", "-D", "--defined-only", real], capture_output=True, text=True,
                              check=True).stdout.split("\n")
        names = sorted({l.split()[-1].split("@")[0] for l in syms if l.strip()})
        self.assertEqual(names, ["MSGCENTER_0", "mc_call", "mc_cancel", "mc_client_free", "mc_client_new",
                                 "mc_free", "mc_next_event", "mc_set_event_callback", "mc_version"])
        dyn = subprocess.run(["readelf", "-d", real], capture_output=True, text=True, check=True).stdout
        self.assertIn("Library soname: [libmsgcenter.so.0]", dyn)
        self.assertTrue(real.endswith("libmsgcenter.so.0.1.0"), real)
        # The header is C99 (built with -std=c99 -Wpedantic) and links.
        self.assertEqual(subprocess.run([HEADER_C99], capture_output=True, text=True).stdout, "0.1.0\n")

    def test_install_gives_a_header_library_pkg_config_and_msgc_that_a_c_build_uses(self):
        prefix = self.ws.sub("prefix")
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix], check=True, capture_output=True)
        for path in ("include/msgcenter/msgcenter.h", "lib/libmsgcenter.so.0", "lib/pkgconfig/msgcenter.pc",
                     "bin/msgc"):
            self.assertTrue(os.path.exists(os.path.join(prefix, path)), path)
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib/pkgconfig"))
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "msgcenter"], env=env, capture_output=True,
                               text=True, check=True).stdout.split()
        self.assertEqual(subprocess.run(["pkg-config", "--modversion", "msgcenter"], env=env, capture_output=True,
                                        text=True).stdout.strip(), "0.1.0")
        src = os.path.join(prefix, "app.c")
        with open(src, "w") as f:
            f.write('#include <msgcenter/msgcenter.h>\n#include <stdio.h>\n'
                    'int main(void) { char* a = 0; mc_client* c = mc_client_new("{}", &a);\n'
                    '  printf("%s %d %s\\n", mc_version(), c == 0, a); mc_free(a); return 0; }\n')
        exe = os.path.join(prefix, "app")
        cc = shutil.which("cc")
        build = os.path.basename(os.path.normpath(BUILD_DIR))
        sanitize = {"asan": ["-fsanitize=address,undefined"], "tsan": ["-fsanitize=thread"]}.get(build, [])
        subprocess.run([cc, "-std=c11", "-Wall", "-Werror", src, "-o", exe] + flags + sanitize, check=True)
        run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(prefix, "lib"), ASAN_OPTIONS="detect_leaks=0")
        out = subprocess.run([exe], env=run_env, capture_output=True, text=True, check=True).stdout
        self.assertTrue(out.startswith("0.1.0 1 {\"error\":{\"code\":\"invalid_config\""), out)


if __name__ == "__main__":
    unittest.main()
