"""Reliable delivery: idempotent sends, per-device cursors and acks, a
follower that resumes, groups, forwards with provenance, receipts,
fan-out to 10,000 recipients, and backpressure on a client that stops
reading."""

import json
import os
import queue
import socket
import time
from concurrent.futures import ThreadPoolExecutor
import unittest

from tests.e2e.harness import Msgc, RawStream, Server, StreamClosed, Workspace


class ReliableDeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server"), "--stream-write-timeout-seconds", "2",
                            "--stream-session-check-seconds", "1").start()
        cls.server.add_user("studio", "studio-password", role="provider")
        cls.studio = cls.server.login_token("studio", "studio-password")
        cls.resource_id = cls.server.publish(cls.studio, b"a novel", title="The novel")
        cls.users = {}
        for name in ("alice", "bob", "carol", "dave", "erin"):
            c = Msgc(cls.server, cls.ws.sub(name))
            c.run("register", name, stdin=name + "-password\n")
            cls.users[name] = c
        cls.token = {n: json.load(open(os.path.join(c.home, "profile.json")))["token"] for n, c in cls.users.items()}

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def share(self, sender, body):
        return self.server.request("POST", "/v1/shares", body, token=self.token[sender])

    def inbox(self, name, after=0):
        status, _, body = self.server.request("GET", "/v1/inbox?after=%d&limit=1000" % after, token=self.token[name])
        self.assertEqual(status, 200, body)
        return json.loads(body)

    # ---- exactly once -------------------------------------------------------

    def test_a_a_retried_send_with_the_same_client_id_is_stored_once(self):
        head = self.inbox("erin")["head"]
        body = {"resource_id": self.resource_id, "to": ["erin"], "note": "once", "client_id": "retry-1"}
        s1, h1, b1 = self.share("alice", body)
        s2, h2, b2 = self.share("alice", body)
        self.assertEqual((s1, s2), (201, 201))
        self.assertEqual(json.loads(b1), json.loads(b2), "a retry returns the first answer")
        self.assertNotIn("idempotent-replay", h1)
        self.assertEqual(h2.get("idempotent-replay"), "true")
        self.assertEqual(self.inbox("erin")["head"], head + 1)
        body["note"] = "something else"
        status, _, err = self.share("alice", body)
        self.assertEqual(status, 409)
        self.assertEqual(json.loads(err)["error"]["code"], "client_id_reused")
        self.assertEqual(self.inbox("erin")["head"], head + 1)
        # Another sender may use the same client_id: keys are per sender.
        self.assertEqual(self.share("bob", dict(body, note="bob's"))[0], 201)
        # A retry gets the first answer even when what it named is gone.
        self.assertEqual(self.server.request("POST", "/v1/groups", {"name": "tmp", "members": ["erin"]},
                                             token=self.token["alice"])[0], 201)
        gbody = {"resource_id": self.resource_id, "to_groups": ["tmp"], "client_id": "retry-2"}
        first = self.share("alice", gbody)
        self.assertEqual(first[0], 201)
        self.assertEqual(self.server.request("DELETE", "/v1/groups/tmp", token=self.token["alice"])[0], 204)
        again = self.share("alice", gbody)
        self.assertEqual((again[0], json.loads(again[2])), (201, json.loads(first[2])))
        self.assertEqual(again[1].get("idempotent-replay"), "true")

    # ---- cursors, acks, resume ----------------------------------------------------

    def test_b_each_device_has_its_own_cursor_and_acks_move_it(self):
        for n in range(3):
            self.assertEqual(self.share("alice", {"resource_id": self.resource_id, "to": ["dave"],
                                                  "note": "c%d" % n})[0], 201)
        head = self.inbox("dave")["head"]
        # A second device: log in again with another device id.
        status, _, body = self.server.request("POST", "/v1/sessions", {"network_id": "dave", "password": "dave-password",
                                                                        "device": "d_tablet"})
        tablet = json.loads(body)["token"]
        phone = self.token["dave"]
        s = RawStream(self.server, phone)
        hello = s.recv_json()
        self.assertEqual(hello["type"], "hello")
        self.assertEqual(hello["cursor"], 0)
        seqs = [s.recv_json()["item"]["seq"] for _ in range(head)]
        self.assertEqual(seqs, list(range(1, head + 1)))
        s.send_json({"type": "ack", "seq": head})
        self.assertEqual(s.recv_json(), {"type": "acked", "cursor": head})
        s.send_json({"type": "ack", "seq": head + 100})
        self.assertEqual(s.recv_json()["error"]["code"], "ack_beyond_head")
        s.close()
        # The phone resumes after its cursor; the tablet has its own, still 0.
        again = RawStream(self.server, phone)
        self.assertEqual(again.recv_json()["after"], head)
        self.share("alice", {"resource_id": self.resource_id, "to": ["dave"], "note": "new"})
        live = again.recv_json()["item"]
        self.assertEqual(live["note"], "new")
        # The live frame (rendered from the share's announcement) is exactly
        # what the store gives for that item.
        status, _, body = self.server.request("GET", "/v1/inbox/items/" + live["id"], token=phone)
        self.assertEqual(live, json.loads(body)["item"])
        again.close()
        t = RawStream(self.server, tablet)
        self.assertEqual(t.recv_json()["cursor"], 0)
        self.assertEqual(t.recv_json()["item"]["seq"], 1)
        t.close()
        # Acks over HTTP too.
        status, _, body = self.server.request("POST", "/v1/inbox/ack", {"seq": 2}, token=tablet)
        self.assertEqual((status, json.loads(body)["cursor"]), (200, 2))
        self.assertEqual(self.server.request("POST", "/v1/inbox/ack", {"seq": "x"}, token=tablet)[0], 400)

    def test_c_a_restarted_follower_resumes_and_shows_nothing_twice(self):
        carol = self.users["carol"]
        first = carol.follow()
        try:
            for n in range(2):
                self.users["alice"].run("share", self.resource_id, "--to", "carol", "--note", "before-%d" % n)
            got = [first.next_item(timeout=5)["note"] for _ in range(2)]
            self.assertEqual(got, ["before-0", "before-1"])
        finally:
            self.assertEqual(first.stop(), 0)
        for n in range(2):
            self.users["alice"].run("share", self.resource_id, "--to", "carol", "--note", "while-away-%d" % n)
        second = carol.follow()
        try:
            got = [second.next_item(timeout=5)["note"] for _ in range(2)]
            self.assertEqual(got, ["while-away-0", "while-away-1"])
            with self.assertRaises(queue.Empty):
                second.next_item(timeout=1)
        finally:
            second.stop()
        # The follower acked what it stored: the server knows this device's cursor.
        self.assertEqual(self.inbox("carol")["cursor"], self.inbox("carol")["head"])
        # Even asked to start from the beginning, a follow does not show again
        # what this profile already stored.
        third = carol.follow("--after", "0")
        try:
            with self.assertRaises(queue.Empty):
                third.next_item(timeout=1.5)
        finally:
            third.stop()

    # ---- groups, forwards, receipts --------------------------------------------------

    def test_d_groups_and_sharing_to_a_group(self):
        alice = self.users["alice"]
        created = alice.json_lines("group", "create", "club", "bob", "carol")[0]
        self.assertEqual(created["members"], ["bob", "carol"])
        alice.run("group", "add", "club", "dave")
        alice.run("group", "remove", "club", "carol")
        listed = alice.json_lines("group", "list")
        self.assertEqual([g["members"] for g in listed if g["name"] == "club"], [["bob", "dave"]])
        heads = {n: self.inbox(n)["head"] for n in ("bob", "carol", "dave")}
        share = alice.json_lines("share", self.resource_id, "--to-group", "club", "--to", "erin",
                                 "--note", "club news")[0]
        self.assertEqual(share["to"], ["bob", "dave", "erin"])
        self.assertEqual(self.inbox("bob")["head"], heads["bob"] + 1)
        self.assertEqual(self.inbox("carol")["head"], heads["carol"])
        r = alice.run("share", self.resource_id, "--to-group", "nosuch", check=False)
        self.assertIn("group_not_found", r.stderr)
        # Groups are private to their owner.
        self.assertEqual(self.server.request("GET", "/v1/groups/club", token=self.token["bob"])[0], 404)

    def test_e_forwards_keep_their_provenance(self):
        original = self.users["alice"].json_lines("share", self.resource_id, "--to", "bob", "--note", "orig")[0]
        bob_item = [i for i in self.inbox("bob")["items"] if i["share_id"] == original["id"]][0]
        fwd = self.users["bob"].json_lines("forward", bob_item["id"], "--to", "carol", "--note", "look")[0]
        self.assertEqual(fwd["kind"], "forward")
        self.assertEqual(fwd["provenance"]["chain"], ["alice", "bob"])
        carol_item = [i for i in self.inbox("carol")["items"] if i["share_id"] == fwd["id"]][0]
        self.assertEqual(carol_item["kind"], "forward")
        self.assertEqual(carol_item["sender"], "bob")
        self.assertEqual(carol_item["provenance"], {"original_sender": "alice", "chain": ["alice", "bob"]})
        self.assertEqual(carol_item["resource_id"], self.resource_id)
        dave_live = RawStream(self.server, self.token["dave"], query="?after=%d" % self.inbox("dave")["head"])
        dave_live.recv_json()  # hello
        again = self.users["carol"].json_lines("forward", carol_item["id"], "--to", "dave")[0]
        live = dave_live.recv_json()["item"]
        dave_live.close()
        self.assertEqual(live, [i for i in self.inbox("dave")["items"] if i["id"] == live["id"]][0])
        self.assertEqual(again["provenance"]["chain"], ["alice", "bob", "carol"])
        human = self.users["carol"].run("inbox").stdout
        self.assertIn("via alice -> bob", human)
        # Only the owner of an item can forward it.
        r = self.users["dave"].run("forward", bob_item["id"], "--to", "erin", check=False)
        self.assertIn("item_not_found", r.stderr)

    def test_f_receipts_show_delivered_and_opened_unless_turned_off(self):
        alice, bob, erin = self.users["alice"], self.users["bob"], self.users["erin"]
        erin.run("settings", "--receipts", "off")
        share = alice.json_lines("share", self.resource_id, "--to", "bob,erin")[0]
        before = {r["network_id"]: r for r in alice.json_lines("receipts", share["id"])}
        self.assertIsNone(before["bob"]["delivered_at"])
        self.assertTrue(before["erin"]["hidden"])
        bob_head = self.inbox("bob")["head"]
        self.server.request("POST", "/v1/inbox/ack", {"seq": bob_head}, token=self.token["bob"])
        item = [i for i in self.inbox("bob")["items"] if i["share_id"] == share["id"]][0]
        alice_head = self.inbox("alice")["head"]
        target = os.path.join(self.ws.path, "opened.txt")
        bob.run("get", item["id"], "-o", target)
        after = {r["network_id"]: r for r in alice.json_lines("receipts", share["id"])}
        self.assertIsNotNone(after["bob"]["delivered_at"])
        self.assertIsNotNone(after["bob"]["opened_at"])
        self.assertIsNone(after["erin"]["opened_at"])
        receipt = self.inbox("alice", alice_head)["items"]
        self.assertEqual([(i["kind"], i["sender"], i["share_id"]) for i in receipt], [("receipt", "bob", share["id"])])
        # Someone else's share has no receipts to show them.
        r = bob.run("receipts", share["id"], check=False)
        self.assertIn("share_not_found", r.stderr)

    def test_i_an_open_stream_ends_when_its_login_ends(self):
        status, _, body = self.server.request("POST", "/v1/sessions", {"network_id": "erin", "password": "erin-password",
                                                                        "device": "d_leaked"})
        token = json.loads(body)["token"]
        s = RawStream(self.server, token, query="?after=%d" % self.inbox("erin")["head"])
        self.assertEqual(s.recv_json()["type"], "hello")
        self.assertEqual(self.server.request("DELETE", "/v1/sessions/current", token=token)[0], 204)
        # Traffic keeps coming, and the stream must still close (checked every 1 s here).
        deadline = time.time() + 8
        closed = False
        while time.time() < deadline and not closed:
            self.share("alice", {"resource_id": self.resource_id, "to": ["erin"]})
            try:
                while True:
                    s.recv_json(timeout=0.3)
            except socket.timeout:
                pass
            except (StreamClosed, ConnectionError):
                closed = True
        self.assertTrue(closed, "a stream kept delivering after its login was ended")

    # ---- fan-out and backpressure ------------------------------------------------------

    def test_g_one_share_reaches_ten_thousand_recipients_durably(self):
        tokens_file = os.path.join(self.ws.path, "fan.tokens")
        self.server.add_many("fan", 10000, "fan-password", tokens_out=tokens_file)
        to = ["fan%d" % i for i in range(1, 10001)]
        status, _, body = self.share("alice", {"resource_id": self.resource_id, "to": to, "note": "everyone"})
        self.assertEqual(status, 201, body[:200])
        share_id = json.loads(body)["share"]["id"]
        self.assertEqual(len(json.loads(body)["share"]["to"]), 10000)
        self.server.kill()  # right after the 2xx: every item must already be durable
        self.assertEqual(self.server.sql("SELECT count(*) FROM inbox_items WHERE share_id = '%s'" % share_id), "10000")
        self.server.start()
        tokens = dict(line.split() for line in open(tokens_file))
        self.assertEqual(len(tokens), 10000)
        self.assertEqual(oct(os.stat(tokens_file).st_mode & 0o777), "0o600")
        status, _, body = self.server.request("GET", "/v1/inbox", token=tokens["fan9999"])
        self.assertEqual(json.loads(body)["items"][0]["share_id"], share_id)
        too_many = to + ["fan10001"]
        self.assertEqual(self.share("alice", {"resource_id": self.resource_id, "to": too_many})[0], 400)
        # Groups are capped at 10,000 members too, also when grown step by step.
        self.assertEqual(self.server.request("POST", "/v1/groups", {"name": "all", "members": to},
                                             token=self.token["alice"])[0], 201)
        status, _, body = self.server.request("POST", "/v1/groups/all/members", {"members": ["bob"]},
                                              token=self.token["alice"])
        self.assertEqual((status, json.loads(body)["error"]["code"]), (400, "too_many_members"))
        status, _, body = self.server.request("GET", "/v1/groups/all", token=self.token["alice"])
        self.assertEqual(len(json.loads(body)["group"]["members"]), 10000)

    def test_h_a_client_that_stops_reading_is_cut_off_and_catches_up(self):
        # bob's stream with a tiny receive buffer, never read. The server's
        # socket send buffer grows to 4 MiB, so send well past that: its writes
        # then stall, and after the 2 s write timeout it must drop the stream.
        start = self.inbox("bob")["head"]
        stalled = RawStream(self.server, self.token["bob"], query="?after=%d" % start, rcvbuf=4096)
        total = 3000
        body = {"resource_id": self.resource_id, "to": ["bob"], "note": "x" * 2000}
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda _: self.share("alice", body)[0], range(total)))
        self.assertEqual(set(statuses), {201})
        time.sleep(4)
        received, closed = 0, False
        try:
            while True:
                if stalled.recv_json(timeout=5)["type"] == "item":
                    received += 1
        except (StreamClosed, ConnectionError):
            closed = True
        except socket.timeout:
            pass
        self.assertTrue(closed, "the server kept a stream whose client read nothing (got %d items)" % received)
        self.assertLess(received, total, "the stream was not cut off: everything fit in the buffers")
        # A new connection resumes after the cursor and gets everything, in order.
        fresh = RawStream(self.server, self.token["bob"], query="?after=%d" % start)
        fresh.recv_json()  # hello
        seqs = [fresh.recv_json()["item"]["seq"] for _ in range(total)]
        self.assertEqual(seqs, list(range(start + 1, start + total + 1)))
        fresh.close()


if __name__ == "__main__":
    unittest.main()
