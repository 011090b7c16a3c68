"""Two msgcenterd nodes over one PostgreSQL and one shared blob directory
(--store postgres://..., --blobs DIR): what one node commits, the other
serves; a login, a send's client_id and a blob are the same on both; a
node killed after a 2xx loses nothing. Needs the test run's PostgreSQL
(MSGC_TEST_POSTGRES, started by the CTest fixture)."""

import hashlib
import json
import os
import subprocess
import unittest
import uuid

from tests.e2e.harness import Msgc, Server, Workspace, sha256_file

PSQL = "/usr/lib/postgresql/15/bin/psql"


def test_database():
    with open(os.environ["MSGC_TEST_POSTGRES"]) as f:
        url = f.read().strip()
    name = "e2e_" + uuid.uuid4().hex[:12]
    subprocess.run([PSQL, url, "-q", "-c", "CREATE DATABASE " + name], check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + name


class PostgresNodesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        store = test_database()
        blobs = cls.ws.sub("shared-blobs")
        args = ("--store", store, "--blobs", blobs)
        cls.a = Server(cls.ws.sub("node-a"), *args).start()
        cls.b = Server(cls.ws.sub("node-b"), *args).start()
        cls.a.add_user("studio", "studio-password", role="provider")
        cls.studio = cls.a.login_token("studio", "studio-password")
        cls.book = b"a novel, stored once for every node\n" * 100
        cls.resource_id = cls.a.publish(cls.studio, cls.book, title="Shared")
        cls.alice = Msgc(cls.a, cls.ws.sub("alice"))
        cls.alice.run("register", "alice", stdin="alice-password\n")
        cls.bob = Msgc(cls.b, cls.ws.sub("bob"))
        cls.bob.run("register", "bob", stdin="bob-password\n")
        with open(os.path.join(cls.alice.home, "profile.json")) as f:
            cls.alice_token = json.load(f)["token"]

    @classmethod
    def tearDownClass(cls):
        cls.a.kill()
        cls.b.kill()
        cls.ws.cleanup()

    def test_a_share_sent_on_one_node_is_in_the_inbox_on_the_other(self):
        sent = json.loads(self.alice.run("--json", "share", self.resource_id, "--to", "bob", "--note", "via A").stdout)
        items = self.bob.json_lines("inbox")
        self.assertIn(sent["id"], [it["share_id"] for it in items])
        item = [it for it in items if it["share_id"] == sent["id"]][0]
        self.assertEqual(item["note"], "via A")
        self.assertEqual(item["sender"], "alice")

    def test_a_login_and_a_blob_are_the_same_on_every_node(self):
        status, _, body = self.b.request("GET", "/v1/me", token=self.alice_token)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["user"]["network_id"], "alice")
        out = os.path.join(self.ws.path, "from-b.txt")
        self.bob.run("get", self.resource_id, "-o", out)
        self.assertEqual(sha256_file(out), hashlib.sha256(self.book).hexdigest())

    def test_a_retry_on_another_node_is_stored_once(self):
        body = {"resource_id": self.resource_id, "to": ["bob"], "note": "once", "client_id": "retry-" + uuid.uuid4().hex}
        s1, h1, b1 = self.a.request("POST", "/v1/shares", body, token=self.alice_token)
        s2, h2, b2 = self.b.request("POST", "/v1/shares", body, token=self.alice_token)
        self.assertEqual((s1, s2), (201, 201))
        self.assertEqual(json.loads(b1)["share"]["id"], json.loads(b2)["share"]["id"])
        self.assertEqual(h2.get("idempotent-replay"), "true")
        notes = [it["note"] for it in self.bob.json_lines("inbox", "--limit", "1000")]
        self.assertEqual(notes.count("once"), 1)

    def test_a_node_killed_after_a_2xx_loses_nothing(self):
        victim = Server(self.ws.sub("node-c"), *self.a.extra_args).start()
        try:
            status, _, body = victim.request("POST", "/v1/shares",
                                             {"resource_id": self.resource_id, "to": ["bob"], "note": "then kill"},
                                             token=self.alice_token)
            self.assertEqual(status, 201, body)
        finally:
            victim.kill()
        notes = [it["note"] for it in self.bob.json_lines("inbox", "--limit", "1000")]
        self.assertIn("then kill", notes)
        seqs = [it["seq"] for it in self.bob.json_lines("inbox", "--limit", "1000")]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "gapless across nodes")


if __name__ == "__main__":
    unittest.main()
