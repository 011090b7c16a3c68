"""msgcenterd backup FILE: a consistent copy of the SQLite database while the
server runs and takes writes; the copy opens as a server's data and holds
every share answered before the backup began."""

import os
import shutil
import subprocess
import threading
import unittest

from tests.e2e.harness import MSGCENTERD, Server, Workspace


class BackupTest(unittest.TestCase):
    def test_a_backup_taken_under_load_is_consistent_and_complete(self):
        ws = Workspace()
        try:
            server = Server(ws.sub("server")).start()
            resource_id = server.seed()
            alice = server.login_token("alice", "alice-password")

            def share(note):
                status, _, _ = server.request("POST", "/v1/shares",
                                              {"resource_id": resource_id, "to": ["bob"], "note": note}, token=alice)
                self.assertEqual(status, 201)

            for i in range(50):
                share("before %d" % i)
            stop = threading.Event()

            def load():
                i = 0
                while not stop.is_set():
                    share("during %d" % i)
                    i += 1

            t = threading.Thread(target=load)
            t.start()
            out = os.path.join(ws.path, "backup.db")
            r = subprocess.run([MSGCENTERD, "--data", server.data, "backup", out], capture_output=True, text=True,
                               timeout=60)
            stop.set()
            t.join()
            self.assertEqual(r.returncode, 0, r.stderr)
            check = subprocess.run(["sqlite3", out, "PRAGMA integrity_check;"], capture_output=True, text=True)
            self.assertEqual(check.stdout.strip(), "ok")
            before = subprocess.run(["sqlite3", out, "SELECT count(*) FROM shares WHERE note LIKE 'before %';"],
                                    capture_output=True, text=True).stdout.strip()
            self.assertEqual(before, "50", "every share answered before the backup is in it")
            heads = subprocess.run(["sqlite3", out, "SELECT inbox_head, (SELECT count(*) FROM inbox_items WHERE "
                                    "user_id = users.id) FROM users WHERE network_id = 'bob';"],
                                   capture_output=True, text=True).stdout.strip().split("|")
            self.assertEqual(heads[0], heads[1], "the copy is one moment: head and items agree")
            # The copy is a server's data directory.
            restored = ws.sub("restored")
            os.makedirs(os.path.join(restored, "data"))
            shutil.copy(out, os.path.join(restored, "data", "msgcenter.db"))
            again = Server(restored).start()
            try:
                token = again.login_token("bob", "bob-password")
                status, _, body = again.request("GET", "/v1/inbox?limit=1000", token=token)
                self.assertEqual(status, 200)
                self.assertIn(b"before 49", body)
            finally:
                again.kill()
            # An existing file is never overwritten.
            r = subprocess.run([MSGCENTERD, "--data", server.data, "backup", out], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("file_exists", r.stderr)
            server.kill()
        finally:
            ws.cleanup()


if __name__ == "__main__":
    unittest.main()
