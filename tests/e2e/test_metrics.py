"""GET /metrics: Prometheus text with requests and latencies by route, open
streams, items sent, and the store's writes."""

import re
import time
import unittest

from tests.e2e.harness import RawStream, Server, Workspace


class MetricsTest(unittest.TestCase):
    def test_metrics_count_what_the_node_did(self):
        ws = Workspace()
        try:
            server = Server(ws.sub("server")).start()
            resource_id = server.seed()
            alice = server.login_token("alice", "alice-password")
            bob = server.login_token("bob", "bob-password")
            stream = RawStream(server, bob)
            stream.recv_json()  # hello
            for i in range(3):
                status, _, _ = server.request("POST", "/v1/shares", {"resource_id": resource_id, "to": ["bob"]},
                                              token=alice)
                self.assertEqual(status, 201)
                self.assertEqual(stream.recv_json()["type"], "item")
            server.request("GET", "/v1/resources/r_nope", token=alice)

            # A request is counted once its answer is written, which is just
            # after the client has it: scrape until the last one shows (a
            # scraper sees the same), at most a few seconds.
            wants = ['msgcenter_http_requests_total{route="GET /v1/resources/{id}",code="4xx"} 1',
                     'msgcenter_http_requests_total{route="POST /v1/shares",code="2xx"} 3',
                     'msgcenter_http_request_seconds_count{route="POST /v1/shares"} 3']
            deadline = time.time() + 5
            while True:
                status, headers, body = server.request("GET", "/metrics")
                text = body.decode()
                if all(re.search("^" + re.escape(w) + "$", text, re.M) for w in wants) or time.time() > deadline:
                    break
                time.sleep(0.02)
            self.assertEqual(status, 200)
            self.assertTrue(headers["content-type"].startswith("text/plain"))

            def value(pattern):
                m = re.search("^" + re.escape(pattern) + r" (\S+)$", text, re.M)
                self.assertIsNotNone(m, pattern + " not in:\n" + text)
                return float(m.group(1))

            self.assertEqual(value('msgcenter_http_requests_total{route="POST /v1/shares",code="2xx"}'), 3)
            self.assertEqual(value('msgcenter_http_requests_total{route="GET /v1/resources/{id}",code="4xx"}'), 1)
            self.assertEqual(value('msgcenter_http_request_seconds_count{route="POST /v1/shares"}'), 3)
            self.assertEqual(value("msgcenter_websockets_open"), 1)
            self.assertEqual(value("msgcenter_stream_items_sent_total"), 3)
            self.assertGreaterEqual(value("msgcenter_store_writes"), 3)
            stream.close()
        finally:
            server.kill()
            ws.cleanup()


if __name__ == "__main__":
    unittest.main()
