"""A share answered 2xx survives SIGKILL of the server; a following client
reconnects by itself after the restart and misses nothing."""

import json
import queue
import unittest

from tests.e2e.harness import Msgc, Server, Workspace


class CrashRecoveryTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.server = Server(self.ws.sub("server")).start()
        self.server.add_user("studio", "studio-password", role="provider")
        studio = self.server.login_token("studio", "studio-password")
        _, _, body = self.server.request("POST", "/v1/blobs", b"a song", token=studio)
        sha = json.loads(body)["sha256"]
        _, _, body = self.server.request("POST", "/v1/resources", {"type": "music", "title": "Song", "sha256": sha},
                                         token=studio)
        self.resource_id = json.loads(body)["resource"]["id"]
        self.alice = Msgc(self.server, self.ws.sub("alice"))
        self.bob = Msgc(self.server, self.ws.sub("bob"))
        self.alice.run("register", "alice", stdin="alice-password\n")
        self.bob.run("register", "bob", stdin="bob-password\n")

    def tearDown(self):
        self.server.kill()
        self.ws.cleanup()

    def test_acknowledged_shares_survive_sigkill(self):
        shares = [self.alice.json_lines("share", self.resource_id, "--to", "bob", "--note", "n%d" % i)[0]["id"]
                  for i in range(20)]
        self.assertEqual(self.server.kill(), -9)
        self.server.start()
        items = self.bob.json_lines("inbox")
        self.assertEqual([i["share_id"] for i in items], shares)
        self.assertEqual([i["seq"] for i in items], list(range(1, 21)))
        # The restarted server goes on from the last sequence number.
        self.alice.run("share", self.resource_id, "--to", "bob")
        self.assertEqual(self.bob.json_lines("inbox", "--after", "20")[0]["seq"], 21)

    def test_follower_reconnects_after_a_crash_and_sees_each_item_once(self):
        follower = self.bob.follow()
        try:
            first = self.alice.json_lines("share", self.resource_id, "--to", "bob")[0]["id"]
            self.assertEqual(follower.next_item(timeout=5)["share_id"], first)
            self.server.kill()
            self.server.start()  # same port, same data
            second = self.alice.json_lines("share", self.resource_id, "--to", "bob")[0]["id"]
            try:
                item = follower.next_item(timeout=15)
            except queue.Empty:
                self.fail("the follower did not reconnect and receive the new item")
            self.assertEqual(item["share_id"], second)
            self.assertEqual(item["seq"], 2)
            with self.assertRaises(queue.Empty):
                extra = follower.next_item(timeout=1)
                self.fail("an item was shown twice: %r" % extra)
        finally:
            follower.stop()


if __name__ == "__main__":
    unittest.main()
