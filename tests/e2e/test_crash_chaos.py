"""Nothing lost, nothing doubled, across crashes: several clients send shares
continuously while the server is killed with SIGKILL and restarted several
times. Afterwards every share that got a 2xx is in every recipient's inbox
exactly once, in a gapless sequence, and each follower saw each item once."""

import http.client
import json
import os
import random
import threading
import time
import unittest

from tests.e2e.harness import Msgc, Server, Workspace

SENDERS = 3
RECIPIENTS = 4
SEND_SECONDS = 20
CRASHES = 5


class CrashChaosTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.server = Server(self.ws.sub("server")).start()
        self.server.add_user("studio", "studio-password", role="provider")
        self.server.add_many("snd", SENDERS, "chaos-password")
        self.server.add_many("rcv", RECIPIENTS, "chaos-password")
        studio = self.server.login_token("studio", "studio-password")
        self.resource_id = self.server.publish(studio, b"chaos", title="Chaos")
        self.tokens = {"snd%d" % i: self.server.login_token("snd%d" % i, "chaos-password")
                       for i in range(1, SENDERS + 1)}
        self.tokens.update({"rcv%d" % i: self.server.login_token("rcv%d" % i, "chaos-password")
                            for i in range(1, RECIPIENTS + 1)})

    def tearDown(self):
        self.server.kill()
        self.ws.cleanup()

    def post_until_acknowledged(self, token, body, stop_after):
        """POST /v1/shares, retrying a lost answer with the same client_id,
        as libmsgcenter does. Returns the share, or None at the deadline."""
        while time.time() < stop_after:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
                conn.request("POST", "/v1/shares", json.dumps(body),
                             {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)  # the server is down or died mid-request
                continue
            self.assertEqual(resp.status, 201, data)
            return json.loads(data)["share"]
        return None

    def inbox(self, name):
        items, after = [], 0
        while True:
            status, _, body = self.server.request("GET", "/v1/inbox?after=%d&limit=1000" % after,
                                                  token=self.tokens[name])
            self.assertEqual(status, 200)
            page = json.loads(body)["items"]
            if not page:
                return items
            items += page
            after = page[-1]["seq"]

    def test_acknowledged_shares_arrive_exactly_once_through_crashes(self):
        followers = {}
        for i in range(1, RECIPIENTS + 1):
            name = "rcv%d" % i
            c = Msgc(self.server, self.ws.sub(name))
            c.run("login", name, stdin="chaos-password\n")
            followers[name] = c.follow()

        acknowledged = []  # (client_id, share)
        lock = threading.Lock()
        deadline = time.time() + SEND_SECONDS

        def sender(n):
            rng = random.Random(n)
            k = 0
            while time.time() < deadline:
                to = rng.sample(sorted(f for f in followers), rng.randint(1, RECIPIENTS))
                body = {"resource_id": self.resource_id, "to": to, "client_id": "snd%d-%d" % (n, k),
                        "note": "snd%d #%d" % (n, k)}
                k += 1
                share = self.post_until_acknowledged(self.tokens["snd%d" % n], body, deadline + 30)
                if share:
                    with lock:
                        acknowledged.append((body["client_id"], share))

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(1, SENDERS + 1)]
        for t in threads:
            t.start()
        for _ in range(CRASHES):
            time.sleep(random.uniform(1.5, 3.0))
            self.server.kill()
            time.sleep(0.2)
            self.server.start()
        for t in threads:
            t.join()

        print("\n%d shares acknowledged across %d crashes" % (len(acknowledged), CRASHES))
        try:
            self.assertGreater(len(acknowledged), 50, "too few shares went through to prove anything")
            ids = [s["id"] for _, s in acknowledged]
            self.assertEqual(len(set(ids)), len(ids), "a retried client_id produced a second share")
            expected = {f: set() for f in followers}
            for _, share in acknowledged:
                for r in share["to"]:
                    expected[r].add(share["id"])
            for name in followers:
                items = self.inbox(name)
                self.assertEqual([i["seq"] for i in items], list(range(1, len(items) + 1)),
                                 "%s's inbox has a gap" % name)
                got = [i["share_id"] for i in items]
                self.assertEqual(len(got), len(set(got)), "%s has a share twice" % name)
                self.assertEqual(set(got), expected[name], "%s's inbox differs from what was acknowledged" % name)

            # Each follower, reconnecting through the crashes, saw each item once.
            for name, f in followers.items():
                want = len(expected[name])
                seen = []
                end = time.time() + 30
                while len(seen) < want and time.time() < end:
                    try:
                        seen.append(f.next_item(timeout=1)["id"])
                    except Exception:
                        pass
                extra_end = time.time() + 1
                while time.time() < extra_end:  # anything more would be a duplicate
                    try:
                        seen.append(f.next_item(timeout=0.2)["id"])
                    except Exception:
                        pass
                self.assertEqual(len(seen), len(set(seen)), "%s's follower showed an item twice" % name)
                self.assertEqual(len(seen), want, "%s's follower missed items" % name)
        finally:
            for f in followers.values():
                f.stop()


if __name__ == "__main__":
    unittest.main()
