"""Bad input gets a precise error (HTTP status + machine code + message)
and leaves stored data intact."""

import glob
import json
import os
import socket
import time
import unittest

from tests.e2e.harness import Msgc, Server, Workspace


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server")).start()
        cls.server.add_user("studio", "studio-password", role="provider")
        for name in ("alice", "bob"):
            status, _, _ = cls.server.request("POST", "/v1/accounts",
                                              {"network_id": name, "password": name + "-password"})
            assert status == 201
        cls.alice = cls.server.login_token("alice", "alice-password")
        cls.bob = cls.server.login_token("bob", "bob-password")
        cls.studio = cls.server.login_token("studio", "studio-password")
        status, _, body = cls.server.request("POST", "/v1/blobs", b"some novel text", token=cls.studio)
        assert status == 201, body
        sha = json.loads(body)["sha256"]
        status, _, body = cls.server.request("POST", "/v1/resources",
                                             {"type": "novel", "title": "A novel", "sha256": sha}, token=cls.studio)
        assert status == 201, body
        cls.resource_id = json.loads(body)["resource"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.ws.cleanup()

    def assertError(self, answer, status, code):
        got_status, headers, body = answer
        self.assertEqual(got_status, status, body)
        self.assertEqual(headers.get("content-type"), "application/json")
        err = json.loads(body)["error"]
        self.assertEqual(err["code"], code)
        self.assertTrue(err["message"])

    def bob_inbox(self):
        status, _, body = self.server.request("GET", "/v1/inbox", token=self.bob)
        self.assertEqual(status, 200)
        return json.loads(body)

    # ---- accounts ----------------------------------------------------------

    def test_wrong_password_and_unknown_user_get_the_same_answer(self):
        wrong = self.server.request("POST", "/v1/sessions", {"network_id": "alice", "password": "not-her-password"})
        self.assertError(wrong, 401, "invalid_credentials")
        nobody = self.server.request("POST", "/v1/sessions", {"network_id": "nobody", "password": "whatever-pass"})
        self.assertError(nobody, 401, "invalid_credentials")
        self.assertEqual(json.loads(wrong[2]), json.loads(nobody[2]))
        # The account still works with the right password.
        self.server.login_token("alice", "alice-password")

    def test_msgc_reports_a_wrong_password_and_keeps_no_token(self):
        c = Msgc(self.server, self.ws.sub("wrong-login"))
        r = c.run("login", "alice", stdin="bad-password\n", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("invalid_credentials", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(c.home, "profile.json")))
        r = c.run("inbox", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not_logged_in", r.stderr)

    def test_registration_rules(self):
        self.assertError(self.server.request("POST", "/v1/accounts", {"network_id": "Bad Name", "password": "long-enough"}),
                         400, "invalid_network_id")
        self.assertError(self.server.request("POST", "/v1/accounts", {"network_id": "shorty", "password": "short"}),
                         400, "weak_password")
        self.assertError(self.server.request("POST", "/v1/accounts", {"network_id": "alice", "password": "long-enough"}),
                         409, "network_id_taken")
        self.assertError(self.server.request("POST", "/v1/accounts", {"network_id": "x1y2z3"}), 400, "missing_field")
        self.assertError(self.server.request("POST", "/v1/accounts", {"network_id": 7, "password": "long-enough"}),
                         400, "invalid_field")
        # alice's password did not change through the refused re-registration.
        self.server.login_token("alice", "alice-password")

    def test_tokens_are_required_and_checked(self):
        self.assertError(self.server.request("GET", "/v1/inbox"), 401, "missing_token")
        self.assertError(self.server.request("GET", "/v1/inbox", token="mct_forged"), 401, "invalid_token")
        self.assertError(self.server.request("GET", "/v1/resources", token="x" * 5000), 401, "invalid_token")

    def test_expired_tokens_are_refused(self):
        ws = Workspace()
        try:
            short = Server(ws.sub("server"), "--token-ttl-seconds", "1").start()
            try:
                short.request("POST", "/v1/accounts", {"network_id": "erin", "password": "erin-password"})
                token = short.login_token("erin", "erin-password")
                self.assertEqual(short.request("GET", "/v1/me", token=token)[0], 200)
                time.sleep(1.3)
                self.assertError(short.request("GET", "/v1/me", token=token), 401, "token_expired")
            finally:
                short.kill()
        finally:
            ws.cleanup()

    # ---- shares --------------------------------------------------------------

    def test_share_of_unknown_resource_stores_nothing(self):
        before = self.bob_inbox()["head"]
        self.assertError(self.server.request("POST", "/v1/shares", {"resource_id": "r_nope", "to": ["bob"]},
                                             token=self.alice), 404, "resource_not_found")
        self.assertEqual(self.bob_inbox()["head"], before)

    def test_share_to_an_unknown_network_id_stores_nothing_for_anyone(self):
        before = self.bob_inbox()["head"]
        answer = self.server.request("POST", "/v1/shares",
                                     {"resource_id": self.resource_id, "to": ["bob", "nobody"]}, token=self.alice)
        self.assertError(answer, 404, "unknown_recipient")
        self.assertIn("nobody", json.loads(answer[2])["error"]["message"])
        self.assertEqual(self.bob_inbox()["head"], before)

    def test_malformed_json_body_stores_nothing(self):
        before = self.bob_inbox()["head"]
        for body in (b'{"resource_id": ', b"not json", b"[1,2]", b""):
            self.assertError(self.server.request("POST", "/v1/shares", body, token=self.alice,
                                                 headers={"Content-Type": "application/json"}),
                             400, "malformed_json")
        self.assertError(self.server.request("POST", "/v1/accounts", b"{oops"), 400, "malformed_json")
        self.assertEqual(self.bob_inbox()["head"], before)

    def test_share_field_rules(self):
        for body, code in (({"resource_id": self.resource_id, "to": []}, "no_recipients"),
                           ({"resource_id": self.resource_id, "to": ["Not Valid"]}, "invalid_network_id"),
                           ({"resource_id": self.resource_id, "to": "bob"}, "invalid_field"),
                           ({"resource_id": self.resource_id, "to": ["bob"], "note": "x" * 2001}, "field_too_long"),
                           ({"to": ["bob"]}, "missing_field")):
            self.assertError(self.server.request("POST", "/v1/shares", body, token=self.alice), 400, code)

    def test_oversized_json_body_is_refused(self):
        huge = json.dumps({"resource_id": self.resource_id, "to": ["bob"], "note": "x" * (2 << 20)})
        before = self.bob_inbox()["head"]
        self.assertError(self.server.request("POST", "/v1/shares", huge, token=self.alice,
                                             headers={"Content-Type": "application/json"}), 413, "body_too_large")
        self.assertEqual(self.bob_inbox()["head"], before)

    def test_bad_query_parameters(self):
        self.assertError(self.server.request("GET", "/v1/inbox?after=-1", token=self.bob), 400, "invalid_parameter")
        self.assertError(self.server.request("GET", "/v1/resources?limit=5000", token=self.bob), 400,
                         "invalid_parameter")
        self.assertError(self.server.request("GET", "/v1/resources?type=poem", token=self.bob), 400, "invalid_type")
        for path in ("/v1/inbox?limit=0", "/v1/resources?limit=0"):
            self.assertError(self.server.request("GET", path, token=self.bob), 400, "invalid_parameter")

    # ---- catalog -------------------------------------------------------------

    def test_only_providers_publish(self):
        self.assertError(self.server.request("POST", "/v1/blobs", b"bytes", token=self.alice), 403, "forbidden")
        self.assertError(self.server.request("POST", "/v1/resources",
                                             {"type": "novel", "title": "t", "sha256": "a" * 64}, token=self.alice),
                         403, "forbidden")

    def test_upload_with_a_wrong_digest_is_discarded(self):
        declared = "0" * 64
        self.assertError(self.server.request("POST", "/v1/blobs", b"tampered bytes", token=self.studio,
                                             headers={"X-Content-SHA256": declared}), 422, "digest_mismatch")
        import hashlib
        actual = hashlib.sha256(b"tampered bytes").hexdigest()
        for sha in (declared, actual):
            self.assertError(self.server.request("POST", "/v1/resources",
                                                 {"type": "novel", "title": "t", "sha256": sha}, token=self.studio),
                             404, "blob_not_found")
        self.assertEqual(glob.glob(os.path.join(self.server.data, "blobs", actual[:2], actual)), [])

    def test_unknown_ids_and_routes(self):
        self.assertError(self.server.request("GET", "/v1/resources/r_missing", token=self.bob), 404,
                         "resource_not_found")
        self.assertError(self.server.request("GET", "/v1/resources/r_missing/content", token=self.bob), 404,
                         "resource_not_found")
        self.assertError(self.server.request("GET", "/v1/nothing-here", token=self.bob), 404, "not_found")
        self.assertError(self.server.request("DELETE", "/v1/inbox", token=self.bob), 405, "method_not_allowed")
        self.assertError(self.server.request("POST", "/v1/resources", {"type": "poem", "title": "t", "sha256": "a" * 64},
                                             token=self.studio), 400, "invalid_type")

    def test_malformed_chunked_body_gets_400(self):
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(("POST /v1/shares HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{}\r\n" % self.alice).encode())
        s.settimeout(10)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        s.close()
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:80])

    def test_missing_blob_file_is_a_clean_500(self):
        status, _, body = self.server.request("POST", "/v1/blobs", b"bytes that will vanish", token=self.studio)
        sha = json.loads(body)["sha256"]
        _, _, body = self.server.request("POST", "/v1/resources", {"type": "novel", "title": "gone", "sha256": sha},
                                         token=self.studio)
        rid = json.loads(body)["resource"]["id"]
        os.rename(os.path.join(self.server.data, "blobs", sha[:2], sha), os.path.join(self.ws.path, "moved"))
        try:
            self.assertError(self.server.request("GET", "/v1/resources/%s/content" % rid, token=self.bob), 500,
                             "internal")
            self.assertEqual(self.server.request("GET", "/v1/health")[0], 200)
        finally:
            os.rename(os.path.join(self.ws.path, "moved"), os.path.join(self.server.data, "blobs", sha[:2], sha))

    def test_get_never_overwrites_a_file_with_a_server_chosen_name(self):
        c = Msgc(self.server, self.ws.sub("careful"))
        c.run("login", "bob", stdin="bob-password\n")
        here = self.ws.sub("careful-cwd")
        mine = os.path.join(here, "A novel")  # the resource's filename defaults to its title
        with open(mine, "w") as f:
            f.write("my own file")
        import subprocess
        from tests.e2e.harness import MSGC
        r = subprocess.run([MSGC, "get", self.resource_id], cwd=here, env=c.env(), capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("file_exists", r.stderr)
        self.assertEqual(open(mine).read(), "my own file")

    # ---- clients that vanish -----------------------------------------------------

    def test_client_vanishing_mid_upload_leaves_no_partial_blob(self):
        s = socket.create_connection(("127.0.0.1", self.server.port))
        s.sendall(("POST /v1/blobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Length: 10000000\r\n\r\n" % self.studio).encode())
        s.sendall(b"x" * 300_000)
        time.sleep(0.3)
        s.close()
        tmp = os.path.join(self.server.data, "blobs", "tmp")
        deadline = time.time() + 5
        while os.listdir(tmp) and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(os.listdir(tmp), [])
        self.assertEqual(self.server.request("GET", "/v1/health")[0], 200)

    def test_client_vanishing_mid_download_harms_nothing(self):
        status, _, body = self.server.request("POST", "/v1/blobs", os.urandom(8 << 20), token=self.studio)
        self.assertEqual(status, 201)
        sha = json.loads(body)["sha256"]
        _, _, body = self.server.request("POST", "/v1/resources", {"type": "video", "title": "big", "sha256": sha},
                                         token=self.studio)
        rid = json.loads(body)["resource"]["id"]
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", self.server.port))
            s.sendall(("GET /v1/resources/%s/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                       % (rid, self.bob)).encode())
            s.recv(65536)
            s.close()
        status, _, body = self.server.request("GET", "/v1/resources/%s/content" % rid, token=self.bob)
        self.assertEqual(status, 200)
        import hashlib
        self.assertEqual(hashlib.sha256(body).hexdigest(), sha)


if __name__ == "__main__":
    unittest.main()
