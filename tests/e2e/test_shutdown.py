"""SIGTERM under load: the server stops accepting, answers every request it
had read, then exits 0. So no send is committed without its answer: each
send either got its 2xx, or is not stored (and a retry with its client_id
would store it once)."""

import json
import signal
import threading
import time
import unittest
import uuid

from tests.e2e.harness import Server, Workspace


class ShutdownTest(unittest.TestCase):
    def test_sigterm_loses_no_answer(self):
        ws = Workspace()
        try:
            server = Server(ws.sub("server")).start()
            resource_id = server.seed()
            token = server.login_token("alice", "alice-password")
            answered, failed = [], []
            lock = threading.Lock()
            stop = threading.Event()

            def sender():
                while not stop.is_set():
                    cid = uuid.uuid4().hex
                    try:
                        status, _, _ = server.request("POST", "/v1/shares",
                                                      {"resource_id": resource_id, "to": ["bob"], "client_id": cid},
                                                      token=token)
                        with lock:
                            (answered if status == 201 else failed).append(cid)
                    except OSError:  # refused, reset, or closed before the answer
                        with lock:
                            failed.append(cid)
                        time.sleep(0.01)

            threads = [threading.Thread(target=sender) for _ in range(24)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            server.proc.send_signal(signal.SIGTERM)
            code = server.proc.wait(timeout=30)
            time.sleep(0.2)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            self.assertEqual(code, 0, "a clean exit after SIGTERM")
            self.assertGreater(len(answered), 100, "the load ran")
            stored = set(server.sql("SELECT client_id FROM shares WHERE client_id IS NOT NULL").split())
            self.assertTrue(set(answered) <= stored, "an answered send is missing")
            committed_unanswered = [c for c in failed if c in stored]
            self.assertEqual(committed_unanswered, [], "sends committed without their answer")
        finally:
            ws.cleanup()


if __name__ == "__main__":
    unittest.main()
