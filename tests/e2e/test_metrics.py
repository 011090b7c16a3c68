"""GET /metrics: Prometheus text with requests and latencies by route, open
streams, items sent, and the store's writes."""

import re
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
            status, headers, body = server.request("GET", "/metrics")
            text = body.decode()
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
