"""The message center from Python through ctypes (bindings/python/
msgcenter.py), no compiled glue: a round trip against a real msgcenterd
with a share sent by msgc, errors as exceptions with the protocol's codes,
download progress as events, many threads on one client, and cancelling a
call that would otherwise wait for a silent server."""

import fcntl
import os
import socket
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.harness import ROOT, Msgc, Server, Workspace, sha256_file

sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import msgcenter  # noqa: E402


class PythonBindingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server")).start()
        cls.content = os.urandom(3 * 1024 * 1024 + 17)
        cls.resource_id = cls.server.publish(cls.server.add_provider(), cls.content, type_="video",
                                             title="Clip for Python")
        cls.alice = Msgc.registered(cls.server, cls.ws.sub("alice"), "alice")

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def client(self, name, **kw):
        return msgcenter.Client(home=self.ws.sub(name), server=kw.pop("server", self.server.url), **kw)

    def test_register_follow_receive_a_share_from_msgc_and_download_it(self):
        with self.client("py-carol", device_name="python test") as mc:
            self.assertEqual(msgcenter.version(), "0.1.0")
            me = mc.call("register", network_id="carol", password="carol-password")
            self.assertEqual(me["network_id"], "carol")
            status = mc.call("status")
            self.assertTrue(status["logged_in"])
            self.assertEqual(status["device_name"], "python test")
            page = mc.call("catalog", {"limit": 100})
            self.assertIn(self.resource_id, [r["id"] for r in page["resources"]])
            self.assertEqual(mc.call("follow"), {"following": True})
            self.assertTrue(mc.call("status")["following"])
            share = self.alice.json_lines("share", self.resource_id, "--to", "carol", "--note", "py")[0]
            item = None
            deadline = time.time() + 30
            while item is None and time.time() < deadline:
                event = mc.next_event(timeout=1)
                if event and event["type"] == "item":
                    item = event["item"]
            self.assertIsNotNone(item, "no item event")
            self.assertEqual(item["share_id"], share["id"])
            self.assertEqual(item["sender"], "alice")
            self.assertEqual(item["note"], "py")
            out = os.path.join(self.ws.sub("py-out"), "clip.bin")
            got = mc.call("get", id=item["id"], path=out)
            self.assertEqual(got["path"], out)
            self.assertEqual(got["sha256"], sha256_file(out))
            self.assertEqual(got["size"], len(self.content))
            # Without a progress function, download progress arrives as events.
            progress = []
            while True:
                event = mc.next_event(timeout=0)
                if event is None:
                    break
                if event["type"] == "progress":
                    progress.append(event)
            self.assertTrue(progress, "no progress events")
            self.assertEqual(progress[-1]["done"], len(self.content))
            self.assertEqual(progress[-1]["total"], len(self.content))
            self.assertEqual(progress[-1]["operation"], "get")
            # One item and one resource by id.
            self.assertEqual(mc.call("item", id=item["id"])["share_id"], share["id"])
            self.assertEqual(mc.call("resource", id=self.resource_id)["sha256"], got["sha256"])
            with self.assertRaises(msgcenter.Error) as e:
                mc.call("item", id="i_nope")
            self.assertEqual(e.exception.kind, "not_found")
            # The inbox through the API matches the live item.
            inbox = mc.call("inbox", after=0, limit=10)
            self.assertEqual([i["id"] for i in inbox["items"]], [item["id"]])
            self.assertEqual(mc.call("unfollow")["was_following"], True)
        receipts = self.alice.json_lines("receipts", share["id"])
        self.assertIsNotNone(receipts[0].get("opened_at"))

    def test_errors_raise_with_the_protocols_codes(self):
        with self.client("py-errors") as mc:
            with self.assertRaises(msgcenter.Error) as e:
                mc.call("whoami")
            self.assertEqual(e.exception.code, "not_logged_in")
            self.assertEqual(e.exception.kind, "unauthenticated")
            with self.assertRaises(msgcenter.Error) as e:
                mc.call("login", network_id="alice", password="wrong")
            self.assertEqual(e.exception.code, "invalid_credentials")
            mc.call("login", network_id="alice", password="alice-password")
            for op, req, code in [
                ("teleport", {}, "unknown_operation"),
                ("catalog", {"limit": "many"}, "invalid_field"),
                ("catalog", {"limt": 3}, "unknown_field"),
                ("share", {"resource_id": "r_nope", "to": ["alice"]}, "resource_not_found"),
                ("share", {"resource_id": self.resource_id, "to": ["nobody-here"]}, None),
                ("get", {"id": "r_missing"}, "resource_not_found"),
                ("open", {"id": self.resource_id, "link": 0}, "invalid_field"),
            ]:
                with self.assertRaises(msgcenter.Error, msg=op) as e:
                    mc.call(op, req)
                if code:
                    self.assertEqual(e.exception.code, code, (op, req))
            # The client still works after every error.
            self.assertEqual(mc.call("whoami")["network_id"], "alice")
        closed = self.client("py-closed")
        closed.close()
        with self.assertRaises(msgcenter.Error):
            closed.call("status")
        with self.assertRaises(msgcenter.Error) as e:
            msgcenter.Client(home="")
        self.assertEqual(e.exception.code, "invalid_config")
        self.assertEqual(e.exception.status, 1)

    def test_a_download_another_writer_holds_is_refused_not_interleaved(self):
        out = os.path.join(self.ws.sub("py-lock"), "clip.bin")
        with self.client("py-locker") as mc:
            mc.call("login", network_id="alice", password="alice-password")
            with open(out + ".part", "wb") as part:
                fcntl.flock(part, fcntl.LOCK_EX)  # as another process's download would
                with self.assertRaises(msgcenter.Error) as e:
                    mc.call("get", id=self.resource_id, path=out)
                self.assertEqual(e.exception.code, "download_in_progress")
                self.assertEqual(e.exception.kind, "unavailable")
            self.assertFalse(os.path.exists(out))
            got = mc.call("get", id=self.resource_id, path=out)  # the lock is gone: it goes through
            self.assertEqual(got["sha256"], sha256_file(out))

    def test_a_server_that_is_down_is_an_error_not_a_crash(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % s.getsockname()[1]
        s.close()
        with self.client("py-down", server=url) as mc:
            with self.assertRaises(msgcenter.Error) as e:
                mc.call("login", network_id="alice", password="alice-password")
            self.assertEqual(e.exception.code, "network")
            self.assertEqual(e.exception.kind, "unavailable")

    def test_many_threads_share_one_client(self):
        with self.client("py-threads") as mc:
            mc.call("login", network_id="alice", password="alice-password")

            def work(i):
                op = ["whoami", "catalog", "inbox", "status", "settings"][i % 5]
                return op, mc.call(op)

            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(work, range(200)))
            for op, answer in results:
                if op == "whoami":
                    self.assertEqual(answer["network_id"], "alice")
                elif op == "catalog":
                    self.assertIn("resources", answer)
                elif op == "inbox":
                    self.assertIn("head", answer)

    def test_cancel_ends_a_call_waiting_on_a_silent_server(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts, never answers
        url = "http://127.0.0.1:%d" % silent.getsockname()[1]
        try:
            with self.client("py-cancel", server=url) as mc:
                outcome = {}

                def call():
                    started = time.time()
                    try:
                        mc.call("login", network_id="alice", password="alice-password")
                        outcome["error"] = None
                    except msgcenter.Error as e:
                        outcome["error"] = e
                    outcome["seconds"] = time.time() - started

                t = threading.Thread(target=call)
                t.start()
                time.sleep(0.5)
                mc.cancel()
                t.join(timeout=10)
                self.assertFalse(t.is_alive(), "the call did not end after cancel")
                self.assertEqual(outcome["error"].code, "cancelled")
                self.assertEqual(outcome["error"].status, 13)
                self.assertLess(outcome["seconds"], 5)
        finally:
            silent.close()


if __name__ == "__main__":
    unittest.main()
