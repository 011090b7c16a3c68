"""The thin path through the whole system: a provider publishes a file, bob
follows his inbox live, alice shares the resource with him, bob sees it and
downloads it, and the bytes are the provider's bytes."""

import json
import os
import queue
import unittest

from tests.e2e.harness import Msgc, Server, Workspace, sha256_file


class ShareFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server")).start()
        cls.server.add_user("studio", "studio-password", role="provider")
        cls.provider = Msgc(cls.server, cls.ws.sub("provider"))
        cls.provider.run("login", "studio", stdin="studio-password\n")
        cls.alice = Msgc(cls.server, cls.ws.sub("alice"))
        cls.bob = Msgc(cls.server, cls.ws.sub("bob"))
        cls.alice.run("register", "alice", stdin="alice-password\n")
        cls.bob.run("register", "bob", stdin="bob-password\n")
        # A 3 MiB file of random bytes: big enough to stream in many chunks.
        cls.original = os.path.join(cls.ws.path, "episode-1.mp4")
        with open(cls.original, "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024 + 17))
        out = cls.provider.run("publish", cls.original, "--type", "video", "--title", "Episode 1",
                               "--tags", "drama,series").stdout
        cls.resource_id = out.strip()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def test_a_publish_prints_a_resource_the_catalog_lists(self):
        self.assertTrue(self.resource_id.startswith("r_"), self.resource_id)
        listed = self.alice.json_lines("catalog", "--type", "video")
        ours = [r for r in listed if r["id"] == self.resource_id]
        self.assertEqual(len(ours), 1)
        r = ours[0]
        self.assertEqual(r["title"], "Episode 1")
        self.assertEqual(r["tags"], ["drama", "series"])
        self.assertEqual(r["size"], os.path.getsize(self.original))
        self.assertEqual(r["sha256"], sha256_file(self.original))
        self.assertEqual(r["publisher"], "studio")
        self.assertEqual(self.alice.json_lines("catalog", "--type", "music"), [])
        quiet = self.alice.run("catalog", "--type", "video", "-q").stdout.split()
        self.assertEqual(quiet, [r["id"] for r in listed])

    def test_b_live_share_reaches_the_follower_and_downloads_intact(self):
        follower = self.bob.follow()
        try:
            share = self.alice.json_lines("share", self.resource_id, "--to", "bob", "--note", "watch this")[0]
            self.assertTrue(share["id"].startswith("s_"))
            try:
                item = follower.next_item(timeout=5)  # a liveness bound, not a speed goal
            except queue.Empty:
                self.fail("bob's follower printed nothing within 5 s")
        finally:
            follower.stop()
        self.assertEqual(item["share_id"], share["id"])
        self.assertEqual(item["resource_id"], self.resource_id)
        self.assertEqual(item["sender"], "alice")
        self.assertEqual(item["note"], "watch this")
        self.assertEqual(item["kind"], "share")
        self.assertTrue(item["id"].startswith("i_"))
        self.assertGreaterEqual(item["seq"], 1)

        target = os.path.join(self.ws.path, "bob-copy.mp4")
        got = self.bob.json_lines("get", item["resource_id"], "-o", target)[0]
        self.assertEqual(sha256_file(target), sha256_file(self.original))
        self.assertEqual(got["sha256"], sha256_file(self.original))
        self.assertFalse(os.path.exists(target + ".part"))

    def test_c_inbox_lists_items_in_sequence_order_for_its_owner_only(self):
        carol = Msgc(self.server, self.ws.sub("carol"))
        carol.run("register", "carol", stdin="carol-password\n")
        for n in range(3):
            self.alice.run("share", self.resource_id, "--to", "carol,bob", "--note", "n%d" % n)
        items = carol.json_lines("inbox")
        self.assertEqual([i["seq"] for i in items], [1, 2, 3])
        self.assertEqual([i["note"] for i in items], ["n0", "n1", "n2"])
        self.assertEqual(carol.json_lines("inbox", "--after", "2")[0]["note"], "n2")
        self.assertEqual(len(carol.json_lines("inbox", "--limit", "2")), 2)
        # alice sent them; none is in her own inbox.
        self.assertEqual(self.alice.json_lines("inbox"), [])
        human = carol.run("inbox").stdout
        self.assertIn("from alice", human)
        self.assertIn("Episode 1", human)

    def test_d_interrupted_download_resumes_from_its_part_file(self):
        target = os.path.join(self.ws.path, "resumed.mp4")
        with open(self.original, "rb") as f:
            head = f.read(1_000_000)
        with open(target + ".part", "wb") as f:
            f.write(head)
        got = self.bob.json_lines("get", self.resource_id, "-o", target)[0]
        self.assertEqual(got["resumed_from"], 1_000_000)
        self.assertEqual(sha256_file(target), sha256_file(self.original))

    def test_e_corrupt_partial_download_is_caught_and_never_saved(self):
        target = os.path.join(self.ws.path, "corrupt.mp4")
        with open(target + ".part", "wb") as f:
            f.write(b"\0" * 4096)  # not the resource's first bytes
        r = self.bob.run("get", self.resource_id, "-o", target, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("digest_mismatch", r.stderr)
        self.assertFalse(os.path.exists(target))
        self.assertFalse(os.path.exists(target + ".part"))
        self.bob.run("get", self.resource_id, "-o", target)  # a clean retry succeeds
        self.assertEqual(sha256_file(target), sha256_file(self.original))

    def test_f_range_requests_follow_rfc_9110(self):
        token = self.server.login_token("bob", "bob-password")
        path = "/v1/resources/%s/content" % self.resource_id
        size = os.path.getsize(self.original)
        with open(self.original, "rb") as f:
            data = f.read()
        status, headers, body = self.server.request("GET", path, token=token, headers={"Range": "bytes=100-199"})
        self.assertEqual(status, 206)
        self.assertEqual(body, data[100:200])
        self.assertEqual(headers["content-range"], "bytes 100-199/%d" % size)
        status, headers, body = self.server.request("GET", path, token=token, headers={"Range": "bytes=-10"})
        self.assertEqual((status, body), (206, data[-10:]))
        status, headers, body = self.server.request("GET", path, token=token,
                                                    headers={"Range": "bytes=%d-" % size})
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], "bytes */%d" % size)
        self.assertEqual(json.loads(body)["error"]["code"], "range_not_satisfiable")
        # If-Range with another ETag: the partial copy is stale, send it all.
        status, headers, body = self.server.request("GET", path, token=token,
                                                    headers={"Range": "bytes=100-", "If-Range": '"other"'})
        self.assertEqual((status, len(body)), (200, size))
        self.assertEqual(headers["etag"], '"%s"' % sha256_file(self.original))

    def test_g_catalog_pages_with_after(self):
        for n in range(2):
            path = os.path.join(self.ws.path, "novel-%d.txt" % n)
            with open(path, "w") as f:
                f.write("chapter %d\n" % n)
            self.provider.run("publish", path, "--type", "novel", "--title", "Novel %d" % n)
        token = self.server.login_token("alice", "alice-password")
        seen, after = [], 0
        while True:
            status, _, body = self.server.request("GET", "/v1/resources?limit=1&after=%d" % after, token=token)
            self.assertEqual(status, 200)
            page = json.loads(body)
            self.assertLessEqual(len(page["resources"]), 1)
            seen += [r["id"] for r in page["resources"]]
            if page["next_after"] is None:
                break
            after = page["next_after"]
        every = [r["id"] for r in self.alice.json_lines("catalog")]
        self.assertEqual(seen, every)
        self.assertEqual(len(set(seen)), len(seen))
        self.assertGreaterEqual(len(seen), 3)
        novels = self.alice.json_lines("catalog", "--type", "novel", "--limit", "1")
        self.assertEqual([r["title"] for r in novels], ["Novel 0"])

    def test_h_logout_ends_the_session(self):
        dave = Msgc(self.server, self.ws.sub("dave"))
        dave.run("register", "dave", stdin="dave-password\n")
        self.assertEqual(dave.json_lines("whoami")[0]["network_id"], "dave")
        token = json.load(open(os.path.join(dave.home, "profile.json")))["token"]
        dave.run("logout")
        status, _, body = self.server.request("GET", "/v1/me", token=token)
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"]["code"], "invalid_token")


if __name__ == "__main__":
    unittest.main()
