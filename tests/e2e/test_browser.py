"""The built-in browser end to end, as a user drives it with msgc: alice
shares the demo's web page, bob opens it, follows its link to another
resource of the catalog, which opens with its handler (the text viewer);
links out of the catalog are printed, or fetched when the user's
configuration allows; hostile and foreign pages open or fail clearly."""

import hashlib
import http.server
import json
import os
import socket
import threading
import time
import unittest

from tests.e2e.harness import Msgc, Server, Workspace

CORPUS = os.path.join(os.path.dirname(__file__), "..", "corpus", "web")


class PageHandler(http.server.BaseHTTPRequestHandler):
    """An outside web site: /page.html, /big.html (5 MB), /moved -> /page.html."""

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/page.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/page.html":
            body = ("<html><head><title>Outside page</title></head><body><p>Fetched from "
                    "outside the catalog.</p></body></html>").encode()
        elif self.path == "/big.html":
            body = b"<p>" + b"x" * (5 << 20)
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.server = Server(cls.ws.sub("server"), "--demo").start()
        cls.provider = cls.server.login_token("provider", "provider-pass")
        cls.alice = Msgc(cls.server, cls.ws.sub("alice"))
        cls.alice.run("login", "alice", stdin="alice-pass\n")
        cls.bob = Msgc(cls.server, cls.ws.sub("bob"))
        cls.bob.run("login", "bob", stdin="bob-pass\n")
        cls.site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
        threading.Thread(target=cls.site.serve_forever, daemon=True).start()
        cls.site_url = "http://127.0.0.1:%d" % cls.site.server_address[1]
        # A site that accepts connections and never answers.
        cls.silent = socket.socket()
        cls.silent.bind(("127.0.0.1", 0))
        cls.silent.listen(8)

    @classmethod
    def tearDownClass(cls):
        cls.site.shutdown()
        cls.silent.close()
        cls.server.kill()
        cls.ws.cleanup()

    def setUp(self):
        config = os.path.join(self.bob.home, "config.toml")
        if os.path.exists(config):
            os.remove(config)

    def write_config(self, text):
        with open(os.path.join(self.bob.home, "config.toml"), "w") as f:
            f.write(text)

    def publish_page(self, html, title="A page", type_="webpage"):
        return self.server.publish(self.provider, html, type_=type_, title=title)

    def test_a_shared_page_opens_and_its_link_opens_the_resource_it_names(self):
        page = self.alice.json_lines("catalog", "--type", "webpage")[0]
        self.assertEqual(page["title"], "Autumn offers")
        share = self.alice.json_lines("share", page["id"], "--to", "bob", "--note", "offers")[0]
        items = [i for i in self.bob.json_lines("inbox") if i.get("share_id") == share["id"]]
        self.assertEqual(len(items), 1)
        item = items[0]["id"]

        opened = self.bob.json_lines("open", item)[0]
        view = opened["view"]
        self.assertEqual(view["title"], "Autumn offers")
        self.assertEqual(view["opener"], "browser")
        self.assertEqual(view["blocks"][0], {"type": "heading", "level": 1, "text": "Autumn offers"})
        self.assertEqual([b["type"] for b in view["blocks"]],
                         ["heading", "paragraph", "heading", "list", "heading", "table", "paragraph"])
        self.assertEqual(view["blocks"][5]["rows"][1], ["Trail running shoes", "59.00 EUR"])
        links = view["links"]
        self.assertEqual([l["n"] for l in links], [1, 2, 3])
        catalog = {r["id"]: r for r in self.bob.json_lines("catalog")}
        self.assertEqual(catalog[links[0]["resource_id"]]["type"], "novel")
        self.assertEqual(catalog[links[1]["resource_id"]]["type"], "music")
        self.assertNotIn("resource_id", links[2])
        self.assertNotIn("analytics", json.dumps(view))  # the page's script
        self.assertNotIn("font-family", json.dumps(view))  # its style
        # The copy on bob's terminal is the resource's bytes.
        with open(opened["path"], "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), page["sha256"])
        # Opening told alice.
        receipts = self.alice.json_lines("receipts", share["id"])
        self.assertIsNotNone(receipts[0].get("opened_at"))

        # As text: the numbered links as a terminal browser lists them.
        text = self.bob.run("open", item, "--width", "60").stdout
        self.assertIn("* The Quiet Harbour, chapter 1[1]: a ferry", text)
        self.assertIn("Trail running shoes | 59.00 EUR", text)
        self.assertIn("[3] See all offers: https://example.com/offers", text)
        self.assertTrue(all(len(line) <= 60 for line in text.splitlines()), text)

        # Link 1 names the novel: it opens through the message center, with
        # the handler for its kind, the text viewer.
        r = self.bob.run("open", item, "--link", "1")
        self.assertIn("The ferry came in at dusk", r.stdout)
        self.assertIn("link 1: resource " + links[0]["resource_id"], r.stderr)
        novel = self.bob.json_lines("open", item, "--link", "1")[0]
        self.assertEqual(novel["resource"]["id"], links[0]["resource_id"])
        self.assertEqual(novel["view"]["opener"], "text")
        self.assertEqual(novel["followed"]["n"], 1)

    def test_a_kind_nothing_opens_yet_is_saved_and_said_so(self):
        # No handler is installed and the store has none: the details view
        # says what the resource is and where its verified copy is.
        page = self.alice.json_lines("catalog", "--type", "webpage")[0]
        r = self.bob.run("open", page["id"], "--link", "2")
        self.assertIn("No handler on this terminal or in the provider's store opens music", r.stdout)
        out = self.bob.json_lines("open", page["id"], "--link", "2")[0]
        self.assertEqual(out["view"]["opener"], "details")
        facts = dict(out["view"]["blocks"][0]["rows"])
        path = facts["Saved at"]
        self.assertEqual(path, out["path"])
        music = [x for x in self.bob.json_lines("catalog", "--type", "music")][0]
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), music["sha256"])

    def test_external_links_are_printed_not_fetched_by_default(self):
        page = self.alice.json_lines("catalog", "--type", "webpage")[0]
        r = self.bob.run("open", page["id"], "--link", "3")
        self.assertIn("link 3 leads out of the catalog: https://example.com/offers", r.stdout)
        self.assertIn("fetch_external = true", r.stdout)
        out = self.bob.json_lines("open", page["id"], "--link", "3")[0]
        self.assertTrue(out["external"])
        self.assertFalse(out["fetched"])
        r = self.bob.run("open", page["id"], "--link", "4", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(no_such_link)", r.stderr)
        r = self.bob.run("open", page["id"], "--link", "0", check=False)
        self.assertEqual(r.returncode, 2)

    def test_external_pages_are_fetched_when_allowed_within_limits(self):
        silent = "http://127.0.0.1:%d/" % self.silent.getsockname()[1]
        rid = self.publish_page((
            '<p><a href="%s/page.html">out</a> <a href="%s/moved">moved</a> <a href="%s/big.html">big</a> '
            '<a href="%s">silent</a> <a href="ftp://example.com/x">ftp</a></p>'
            % (self.site_url, self.site_url, self.site_url, silent)).encode())
        r = self.bob.run("open", rid, "--link", "1")
        self.assertIn("leads out of the catalog", r.stdout)

        self.write_config("[browser]\nfetch_external = true\nfetch_max_bytes = 1048576\nfetch_timeout_seconds = 2\n")
        out = self.bob.json_lines("open", rid, "--link", "1")[0]
        self.assertTrue(out["fetched"])
        self.assertEqual(out["view"]["title"], "Outside page")
        self.assertIn("Fetched from outside the catalog.", self.bob.run("open", rid, "--link", "2").stdout)
        r = self.bob.run("open", rid, "--link", "3", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(page_too_large)", r.stderr)
        started = time.time()
        r = self.bob.run("open", rid, "--link", "4", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(fetch_timeout)", r.stderr)
        self.assertLess(time.time() - started, 10)
        r = self.bob.run("open", rid, "--link", "5", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(unsupported_url)", r.stderr)

    def test_a_bad_configuration_is_named(self):
        page = self.alice.json_lines("catalog", "--type", "webpage")[0]
        self.write_config("[browser]\nfetch_externl = true\n")
        r = self.bob.run("open", page["id"], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown setting 'browser.fetch_externl'", r.stderr)
        self.write_config("[browser]\nfetch_external = \"yes\"\n")
        r = self.bob.run("open", page["id"], check=False)
        self.assertIn("browser.fetch_external must be true or false", r.stderr)

    def test_a_gbk_page_published_without_a_charset_opens_as_utf8(self):
        with open(os.path.join(CORPUS, "debian-reference-ch08.zh-cn.gbk.html"), "rb") as f:
            rid = self.publish_page(f.read(), title="GBK chapter")
        out = self.bob.json_lines("open", rid)[0]
        self.assertEqual(out["resource"]["mime"], "text/html")  # the server guesses no charset
        self.assertEqual(out["view"]["charset"], "GB18030")
        self.assertEqual(out["view"]["title"], "第8章国际化和本地化")
        self.assertIn("程序支持国际化的行为", self.bob.run("open", rid).stdout)

    def test_hostile_and_foreign_pages_open_or_fail_clearly(self):
        deep = self.publish_page(b"<div>" * 100000 + b"deep text", title="Deep")
        started = time.time()
        out = self.bob.json_lines("open", deep)[0]
        self.assertLess(time.time() - started, 20)
        self.assertIn("512", out["view"]["notes"][0])
        self.assertIn("deep text", self.bob.run("open", deep).stdout)

        png = self.publish_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), title="Not a page")
        r = self.bob.run("open", png, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(not_a_web_page)", r.stderr)

        truncated = self.publish_page(b"<html><head><title>Cut</title><body><p>first<p>sec", title="Cut")
        self.assertIn("sec", self.bob.run("open", truncated).stdout)

        r = self.bob.run("open", "r_doesnotexist", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(resource_not_found)", r.stderr)


if __name__ == "__main__":
    unittest.main()
