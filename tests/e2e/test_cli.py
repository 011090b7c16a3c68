"""msgc as a user types it: global options before or after the command,
listings longer than one server page, and exit codes (0 ok, 1 the command
failed, 2 the command line is wrong)."""

import json
import os
import subprocess
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.harness import MSGC, Msgc, Server, Workspace


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server")).start()
        cls.studio = cls.server.add_provider()
        cls.alice = Msgc.registered(cls.server, cls.ws.sub("alice"), "alice")
        cls.bob = Msgc.registered(cls.server, cls.ws.sub("bob"), "bob")
        with open(cls.alice.home + "/profile.json") as f:
            cls.alice_token = json.load(f)["token"]
        cls.resource_id = cls.server.publish(cls.studio, b"a novel", title="The novel")

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def share_to_bob(self, n):
        def one(i):
            status, _, body = self.server.request(
                "POST", "/v1/shares", {"resource_id": self.resource_id, "to": ["bob"], "note": "n%d" % i},
                token=self.alice_token)
            self.assertEqual(status, 201, body)
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(one, range(n)))

    def test_global_options_work_after_the_command(self):
        before = json.loads(self.bob.run("--json", "whoami").stdout)
        after = json.loads(self.bob.run("whoami", "--json").stdout)
        self.assertEqual(before["network_id"], "bob")
        self.assertEqual(after, before)
        # --server after the command wins over MSGC_SERVER, as before it.
        r = self.bob.run("whoami", "--server", "http://127.0.0.1:1", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(network)", r.stderr)

    def test_a_home_that_does_not_exist_is_not_created_by_reading_it(self):
        home = os.path.join(self.ws.sub("nowhere"), "typo")
        r = subprocess.run([MSGC, "--home", home, "--server", self.server.url, "whoami"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(not_logged_in)", r.stderr)
        self.assertFalse(os.path.exists(home))

    def test_handler_keygen_writes_a_private_secret_and_never_replaces_one(self):
        d = self.ws.sub("keys")
        key = os.path.join(d, "publisher.key")
        out = json.loads(self.alice.run("--json", "handler", "keygen", key).stdout)
        self.assertEqual(len(out["key_id"]), 32)
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        with open(key + ".pub") as f:
            self.assertTrue(f.read().startswith("msgcenter-handler-public-key-v1 "))
        with open(key) as f:
            secret = f.read()
        again = self.alice.run("handler", "keygen", key, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("(file_exists)", again.stderr)
        with open(key) as f:
            self.assertEqual(f.read(), secret)
        self.assertEqual(self.alice.run("handler", "sign", key, check=False).returncode, 2)

    def test_follow_with_json_after_the_command_prints_json(self):
        carol = Msgc(self.server, self.ws.sub("carol"))
        carol.run("register", "carol", stdin="carol-password\n")
        proc = subprocess.Popen([MSGC, "inbox", "--follow", "--json"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=carol.env(), text=True)
        try:
            time.sleep(0.5)
            self.alice.run("share", self.resource_id, "--to", "carol", "--note", "live")
            line = proc.stdout.readline()
            item = json.loads(line)
            self.assertEqual(item["note"], "live")
            self.assertEqual(item["sender"], "alice")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()

    def test_inbox_limit_pages_past_one_server_page(self):
        self.share_to_bob(1100)
        items = self.bob.json_lines("inbox", "--limit", "1050")
        self.assertEqual(len(items), 1050)
        self.assertEqual([it["seq"] for it in items], list(range(1, 1051)))
        tail = self.bob.json_lines("inbox", "--after", "1000", "--limit", "100000")
        self.assertEqual([it["seq"] for it in tail], list(range(1001, 1101)))

    def test_catalog_limit_pages_past_one_server_page(self):
        for i in range(210):
            self.server.publish(self.studio, b"resource %d" % i, title="R%d" % i)
        ids = self.alice.run("catalog", "--limit", "205", "-q").stdout.split()
        self.assertEqual(len(ids), 205)
        self.assertEqual(len(set(ids)), 205)
        everything = self.alice.run("catalog", "--limit", "1000", "-q").stdout.split()
        self.assertEqual(len(everything), 211)

    def test_usage_errors_exit_2(self):
        cases = [
            [],                                  # no command
            ["frobnicate"],                      # unknown command
            ["share"],                           # missing argument
            ["catalog", "--limit", "0"],         # a value out of range
            ["inbox", "--limit", "many"],        # not a number
            ["group", "create"],                 # a group needs a name
            ["group", "remove", "friends"],      # remove whom?
            ["inbox", "--no-such-flag"],
        ]
        for args in cases:
            r = self.bob.run(*args, check=False)
            self.assertEqual(r.returncode, 2, "msgc %s: %s" % (" ".join(args), r.stderr))
            self.assertTrue(r.stderr.strip(), "msgc %s says nothing" % " ".join(args))

    def test_a_failed_command_exits_1_with_the_servers_code(self):
        r = self.bob.run("get", "r_nope", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(resource_not_found)", r.stderr)

    def test_help_and_version_exit_0(self):
        self.assertEqual(self.bob.run("--help").returncode, 0)
        self.assertIn("msgc 0.1.0", self.bob.run("--version").stdout)
        self.assertIn("--follow", self.bob.run("inbox", "--help").stdout)


if __name__ == "__main__":
    unittest.main()
