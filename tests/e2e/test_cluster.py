"""msgcenterd as a tier: three nodes over one PostgreSQL (the test run's),
one NATS server and one shared blob directory. A share sent on node A
reaches a follower on node C live (over NATS, well inside the streams'
catch-up interval); node B is killed with SIGKILL while clients send and
follow through it, and they carry on through the other nodes with nothing
acknowledged lost, doubled or reordered; the NATS server is restarted and
live delivery resumes."""

import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time
import unittest
import uuid

from tests.e2e.harness import Msgc, Server, Workspace
from tests.e2e.test_postgres_nodes import test_database

NATS_SERVER = "/usr/sbin/nats-server"
CATCH_UP_SECONDS = 20  # the streams' timer: live delivery must beat it by far


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nats:
    def __init__(self, workdir):
        self.port = free_port()
        self.log = os.path.join(workdir, "nats.log")
        self.proc = None

    @property
    def url(self):
        return "nats://127.0.0.1:%d" % self.port

    def start(self):
        log = open(self.log, "ab")
        self.proc = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port)], stdout=log,
                                     stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start; see " + self.log)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.nats = Nats(cls.ws.path).start()
        args = ("--store", test_database(), "--blobs", cls.ws.sub("shared-blobs"), "--nats", cls.nats.url,
                "--stream-session-check-seconds", str(CATCH_UP_SECONDS))
        cls.nodes = {n: Server(cls.ws.sub("node-" + n), *args).start() for n in "abc"}
        a = cls.nodes["a"]
        a.add_user("studio", "studio-password", role="provider")
        studio = a.login_token("studio", "studio-password")
        cls.resource_id = a.publish(studio, b"one resource for the whole tier", title="Tier")
        cls.tokens = {}
        for name in ("alice", "bob", "dave", "erin"):
            status, _, body = a.request("POST", "/v1/accounts", {"network_id": name, "password": name + "-password"})
            assert status == 201, body
            cls.tokens[name] = a.login_token(name, name + "-password")
        time.sleep(0.5)  # every node's NATS connection is up

    @classmethod
    def tearDownClass(cls):
        for n in cls.nodes.values():
            n.kill()
        cls.nats.kill()
        cls.ws.cleanup()

    def client(self, name, node):
        home = self.ws.sub("home-" + name)
        c = Msgc(self.nodes[node], home)
        if not os.path.exists(os.path.join(home, "profile.json")):
            c.run("login", name, stdin=name + "-password\n")
        return c

    def share(self, node, sender, to, note, client_id=None):
        body = {"resource_id": self.resource_id, "to": [to], "note": note}
        if client_id:
            body["client_id"] = client_id
        return self.nodes[node].request("POST", "/v1/shares", body, token=self.tokens[sender])

    def wait_for_note(self, follower, note, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                item = follower.next_item(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if item["note"] == note:
                return time.time()
        return None

    def test_1_a_share_on_node_a_reaches_a_follower_on_node_c_live(self):
        bob = self.client("bob", "c")
        follower = bob.follow()
        try:
            time.sleep(1)  # the stream is open on node C
            sent = time.time()
            status, _, body = self.share("a", "alice", "bob", "live across nodes")
            self.assertEqual(status, 201, body)
            got = self.wait_for_note(follower, "live across nodes", timeout=5)
            self.assertIsNotNone(got, "not delivered live through NATS")
            self.assertLess(got - sent, 5)
        finally:
            follower.stop()

    def test_2_delivery_resumes_after_nats_restarts(self):
        bob = self.client("bob", "c")
        follower = bob.follow()
        try:
            time.sleep(1)
            self.nats.kill()
            status, _, body = self.share("a", "alice", "bob", "while nats is down")
            self.assertEqual(status, 201, body)  # the store does not need NATS
            self.nats.start()
            self.assertIsNotNone(self.wait_for_note(follower, "while nats is down", timeout=10),
                                 "the item sent while NATS was down never came")
            status, _, body = self.share("a", "alice", "bob", "after the restart")
            self.assertEqual(status, 201, body)
            self.assertIsNotNone(self.wait_for_note(follower, "after the restart", timeout=5),
                                 "live delivery did not resume after NATS came back")
        finally:
            follower.stop()

    def test_3_node_b_dies_under_load_and_nothing_acknowledged_is_lost_or_doubled(self):
        erin_b = self.client("erin", "b")
        first = erin_b.follow()
        acked = []  # notes of sends answered 2xx
        run = uuid.uuid4().hex[:8]

        def sender():
            nodes = ["b", "a", "b", "c"]
            for i in range(120):
                note = "load %s %d" % (run, i)
                cid = "c-%s-%d" % (run, i)
                for attempt in range(6):
                    node = nodes[(i + attempt) % len(nodes)]
                    try:
                        status, _, _ = self.share(node, "dave", "erin", note, client_id=cid)
                    except OSError:
                        continue  # node B is gone: the same client_id on another node
                    if status == 201:
                        acked.append(note)
                        break
                time.sleep(0.01)

        t = threading.Thread(target=sender)
        t.start()
        time.sleep(0.6)
        self.nodes["b"].kill(signal.SIGKILL)
        t.join(timeout=120)
        self.assertEqual(len(acked), 120, "every send got its 2xx from some node")
        first.stop()
        seen = []
        while True:
            try:
                seen.append(first.lines.get_nowait())
            except queue.Empty:
                break
        # Erin reconnects through node C with the same profile: she resumes
        # after the last item she stored.
        second = Msgc(self.nodes["c"], erin_b.home).follow()
        try:
            deadline = time.time() + 30
            while time.time() < deadline and len([s for s in seen if s["note"].startswith("load " + run)]) < 120:
                try:
                    seen.append(second.next_item(timeout=1))
                except queue.Empty:
                    pass
        finally:
            second.stop()
        mine = [s for s in seen if s["note"].startswith("load " + run)]
        ids = [s["id"] for s in seen]
        self.assertEqual(len(ids), len(set(ids)), "an item was shown twice")
        self.assertEqual(sorted(s["note"] for s in mine), sorted(acked), "lost or unexpected items")
        seqs = [s["seq"] for s in seen]
        self.assertEqual(seqs, sorted(seqs), "items out of order")
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "a gap in what erin was shown")


    def test_4_a_logout_on_one_node_ends_the_session_on_the_others_at_once(self):
        token = self.nodes["a"].login_token("alice", "alice-password")
        # Node C reads the session and keeps it in its cache (5 s).
        status, _, _ = self.nodes["c"].request("GET", "/v1/me", token=token)
        self.assertEqual(status, 200)
        status, _, _ = self.nodes["a"].request("DELETE", "/v1/sessions/current", token=token)
        self.assertEqual(status, 204)
        deadline = time.time() + 2  # well inside the 5 s the cache would otherwise keep it
        while time.time() < deadline:
            status, _, body = self.nodes["c"].request("GET", "/v1/me", token=token)
            if status == 401:
                break
            time.sleep(0.05)
        self.assertEqual(status, 401, "node C still honours a token logged out on node A")
        self.assertEqual(json.loads(body)["error"]["code"], "invalid_token")

    def test_5_a_node_on_nats_stops_cleanly_on_sigterm(self):
        # The NATS bus waits for its callbacks before it goes: a clean exit.
        self.assertEqual(self.nodes["c"].kill(signal.SIGTERM), 0)

if __name__ == "__main__":
    unittest.main()
