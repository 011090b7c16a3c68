"""Handlers from the provider's store, end to end (issue 11, docs/handlers.md):
the provider makes a publishing key with msgc, the operator registers its
public half with msgcenterd, the provider signs and publishes handler folders;
bob, with no handlers installed, receives alice's share of a novel, opens it,
and his msgc downloads, verifies, installs and runs the novel reader. The
second open downloads nothing (it works with the server stopped); a package
changed on the server is refused and nothing is installed; versions only go
up on the client."""

import json
import os
import shutil
import subprocess
import unittest

from tests.e2e.harness import MSGCENTERD, ROOT, Msgc, Server, Workspace

NOVEL = ("The Quiet Harbour\n\nChapter One\n\n" + "The ferry came in at dusk. " * 400 + "\n\n" +
         "Chapter Two\n\n" + "Rain fell on the harbour. " * 400 + "\n")


def copy_handler(src_name, dst, version=None, main_extra=None):
    shutil.copytree(os.path.join(ROOT, "handlers", src_name), dst)
    if version:
        path = os.path.join(dst, "manifest.json")
        with open(path) as f:
            m = json.load(f)
        m["version"] = version
        with open(path, "w") as f:
            json.dump(m, f)
    if main_extra is not None:
        with open(os.path.join(dst, "main.lua"), "w") as f:
            f.write(main_extra)
    return dst


class HandlerStoreTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.server = Server(self.ws.sub("server")).start()
        self.server.add_provider("studio")
        self.studio = Msgc(self.server, self.ws.sub("studio"))
        self.studio.run("login", "studio", stdin="studio-password\n")
        self.key = os.path.join(self.ws.sub("keys"), "publish.key")
        self.studio.run("handler", "keygen", self.key)
        r = subprocess.run([MSGCENTERD, "--data", self.server.data, "handler-key", "add", self.key + ".pub"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("registered handler publishing key", r.stdout)

    def tearDown(self):
        self.server.kill()
        self.ws.cleanup()

    def publish(self, folder, key=None, check=True):
        return self.studio.run("handler", "publish", folder, "--key", key or self.key, check=check)

    def publish_novel(self):
        path = os.path.join(self.ws.sub("content"), "novel.txt")
        with open(path, "w") as f:
            f.write(NOVEL)
        out = self.studio.json_lines("publish", path, "--type", "novel", "--title", "The Quiet Harbour",
                                     "--mime", "text/plain; charset=utf-8")[0]
        return out["resource"]["id"] if "resource" in out else out["id"]

    def test_a_share_opens_with_a_handler_fetched_verified_and_installed_on_demand(self):
        r = self.publish(os.path.join(ROOT, "handlers", "novel-reader"))
        self.assertIn("published novel-reader 1.0.0", r.stdout)
        rid = self.publish_novel()
        alice = Msgc.registered(self.server, self.ws.sub("alice"), "alice")
        bob = Msgc(self.server, self.ws.sub("bob"))
        self.server.request("POST", "/v1/accounts", {"network_id": "bob", "password": "bob-password"})
        login = bob.run("login", "bob", stdin="bob-password\n")
        with open(self.key + ".pub") as f:
            public_hex = f.read().split()[1]
        self.assertIn("pinned the provider's handler publishing key", login.stdout)
        self.assertEqual(bob.json_lines("handlers")[0]["handlers"], [])

        follower = bob.follow()  # stores each item in bob's profile, as it arrives
        alice.run("share", rid, "--to", "bob", "--note", "chapter one")
        item = follower.next_item(15)
        follower.stop()
        first = bob.run("open", item["id"], "--width", "80")
        self.assertIn("installed handler novel-reader 1.0.0", first.stderr)
        self.assertIn("Chapter One", first.stdout)
        self.assertIn("page 1 of", first.stdout)
        installed = bob.json_lines("handlers")[0]
        self.assertEqual([h["name"] for h in installed["handlers"]], ["novel-reader"])
        with open(os.path.join(bob.home, "handler-keys.json")) as f:
            self.assertEqual(json.load(f)["servers"][self.server.url]["keys"][0]["public_key"], public_hex)
        self.assertIn(installed["pinned_keys"][0], login.stdout)
        # Opening the item marked it opened, as msgc get does.
        receipts = alice.json_lines("receipts", item["share_id"])
        self.assertIsNotNone(receipts[0].get("opened_at"), receipts)

        again = bob.json_lines("open", rid, "--page", "2")[0]
        self.assertEqual(again["view"]["opener"], "novel-reader")
        self.assertFalse(again["handler_installed"])
        self.assertEqual(again["view"]["page"]["number"], 2)
        # The second open needs nothing from the server: with it stopped,
        # the installed handler and the stored novel still open.
        self.server.kill()
        offline = bob.json_lines("open", rid, "--page", "2")[0]
        self.assertTrue(offline["offline"])
        self.assertEqual(offline["view"], again["view"])
        # So does the item: bob's profile stored it when it arrived.
        by_item = bob.json_lines("open", item["id"])[0]
        self.assertTrue(by_item["offline"])
        self.assertEqual(by_item["view"]["opener"], "novel-reader")
        self.assertTrue(any("not told" in n for n in by_item["view"]["notes"]), by_item["view"]["notes"])

    def test_every_kind_of_the_catalog_opens(self):
        for name in ("novel-reader", "audio-info", "video-info", "product-card", "sudoku"):
            self.publish(os.path.join(ROOT, "handlers", name))
        content = self.ws.sub("content")
        video = os.path.join(content, "clip.mp4")
        r = subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                            "testsrc=size=320x240:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                            video], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        files = {
            "novel": (os.path.join(content, "n.txt"), NOVEL.encode(), "text/plain"),
            "music": ("/usr/share/sounds/alsa/Front_Center.wav", None, "audio/wav"),
            "video": (video, None, "video/mp4"),
            "product": (os.path.join(content, "p.json"),
                        b'{"name":"Trail shoes","price":"59.00","currency":"EUR","buy_url":"https://shop.example/t"}',
                        "application/json"),
            "game": (os.path.join(content, "g.json"),
                     b'{"puzzle":"530070000600195000098000060800060003400803001700020006060000280000419005000080079"}',
                     "application/json"),
            "webpage": (os.path.join(content, "w.html"),
                        b"<!doctype html><title>Offers</title><h1>Offers</h1><p>Shoes.</p>", "text/html"),
        }
        ids = {}
        for kind, (path, data, mime) in files.items():
            if data is not None:
                with open(path, "wb") as f:
                    f.write(data)
            ids[kind] = self.studio.json_lines("publish", path, "--type", kind, "--title", kind.title(),
                                               "--mime", mime)[0]["id"]
        bob = Msgc.registered(self.server, self.ws.sub("bob"), "bob")
        token = self.server.login_token("bob", "bob-password")
        status, _, body = self.server.request("GET", "/v1/handlers", token=token)
        self.assertEqual([h["name"] for h in json.loads(body)["handlers"]],
                         ["audio-info", "novel-reader", "product-card", "sudoku", "video-info"])
        status, _, body = self.server.request("GET", "/v1/handlers?mime=application/json", token=token)
        self.assertEqual([(h["name"], h["match"]) for h in json.loads(body)["handlers"]],
                         [("product-card", "mime"), ("sudoku", "mime")])
        openers = {}
        for kind, rid in ids.items():
            out = bob.json_lines("open", rid)
            openers[kind] = out[-1]["view"]["opener"]
        self.assertEqual(openers, {"novel": "novel-reader", "music": "audio-info", "video": "video-info",
                                   "product": "product-card", "game": "sudoku", "webpage": "browser"})
        product = bob.run("open", ids["product"], "--width", "70").stdout
        self.assertIn("59.00 EUR", product)
        self.assertIn("[buy]", product)
        video_text = bob.run("open", ids["video"], "--width", "70").stdout
        self.assertIn("320x240", video_text)
        # The game plays in the terminal: moves on stdin, the board after each.
        game = bob.run("open", ids["game"], "--width", "70", stdin="1 3 4\n1 1 9\nquit\n")
        self.assertEqual(game.returncode, 0, game.stderr)
        self.assertIn("1 | 5 3 4 |", game.stdout)  # the move was made
        self.assertGreaterEqual(game.stdout.count("+-------+-------+-------+"), 8, "a board per turn")
        shown = bob.json_lines("open", ids["game"], "--json")
        self.assertIn("show", shown[0])
        self.assertIn("view", shown[-1])

    def test_the_store_refuses_what_a_registered_key_did_not_sign(self):
        folder = copy_handler("product-card", os.path.join(self.ws.sub("src"), "card"))
        stranger = os.path.join(self.ws.sub("stranger"), "k.key")
        self.studio.run("handler", "keygen", stranger)
        r = self.publish(folder, key=stranger, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("(unknown_signing_key)", r.stderr)
        token = self.server.login_token("studio", "studio-password")
        status, _, body = self.server.request("POST", "/v1/handlers", b"msgcenter-handler 1\nnonsense", token=token)
        self.assertEqual(status, 400, body)
        self.assertEqual(json.loads(body)["error"]["code"], "malformed_package")
        self.publish(folder)
        r = self.publish(folder, check=False)
        self.assertIn("(handler_version_exists)", r.stderr)
        # Users read the store; only providers publish.
        bob = Msgc.registered(self.server, self.ws.sub("bob"), "bob")
        bob_token = self.server.login_token("bob", "bob-password")
        status, _, _ = self.server.request("POST", "/v1/handlers", b"x", token=bob_token)
        self.assertEqual(status, 403)
        status, headers, body = self.server.request("GET", "/v1/handlers?kind=product", token=bob_token)
        self.assertEqual(status, 200)
        listed = json.loads(body)["handlers"]
        self.assertEqual([(h["name"], h["match"]) for h in listed], [("product-card", "kind")])
        status, headers, package = self.server.request("GET", "/v1/handlers/product-card/1.0.0/package",
                                                       token=bob_token)
        self.assertEqual(status, 200)
        self.assertEqual(headers["etag"], '"%s"' % listed[0]["sha256"])
        self.assertTrue(package.startswith(b"msgcenter-handler 1\n"))
        status, _, body = self.server.request("GET", "/v1/handlers/product-card/1.0.0/package", token=bob_token,
                                              headers={"If-None-Match": headers["etag"]})
        self.assertEqual((status, body), (304, b""))
        status, _, body = self.server.request("GET", "/v1/handlers/product-card/1.0.0", token=bob_token)
        record = json.loads(body)
        self.assertEqual(record["handler"]["sha256"], listed[0]["sha256"])
        self.assertEqual(len(record["signature"]), 128)
        self.assertTrue(package.startswith(b"msgcenter-handler 1\nmanifest %d\n%s\n" % (
            len(record["manifest"]), record["manifest"].encode())))
        status, _, body = self.server.request("GET", "/v1/handlers/product-card/9.9.9", token=bob_token)
        self.assertEqual((status, json.loads(body)["error"]["code"]), (404, "handler_not_found"))
        stored = os.path.join(self.server.data, "blobs", "handlers", "product-card",
                              "1.0.0-%s.mch" % listed[0]["sha256"])
        with open(stored, "rb") as f:
            self.assertEqual(f.read(), package, "kept exactly as uploaded")
        del bob

    def test_a_package_changed_on_the_server_is_refused_and_nothing_is_installed(self):
        self.publish(os.path.join(ROOT, "handlers", "novel-reader"))
        rid = self.publish_novel()
        folder = os.path.join(self.server.data, "blobs", "handlers", "novel-reader")
        stored = os.path.join(folder, os.listdir(folder)[0])
        with open(stored, "rb") as f:
            data = bytearray(f.read())
        at = data.index(b"return")  # inside a Lua file: the change would run
        data[at:at + 6] = b"error "
        with open(stored, "wb") as f:
            f.write(bytes(data))
        carol = Msgc.registered(self.server, self.ws.sub("carol"), "carol")
        # The novel still opens, in the built-in text viewer; the refused
        # handler never runs, and the user is told why.
        r = carol.run("open", rid)
        self.assertIn("novel-reader 1.0.0 was refused", r.stderr)
        self.assertIn("(bad_signature)", r.stderr)
        out = carol.json_lines("open", rid)[0]
        self.assertEqual(out["handler_refused"]["code"], "bad_signature")
        self.assertEqual(out["view"]["opener"], "text")
        self.assertNotIn("handler", out)
        self.assertEqual(carol.json_lines("handlers")[0]["handlers"], [])
        self.assertFalse(os.path.exists(os.path.join(carol.home, "handlers", "novel-reader")))

    def test_updates_only_go_up_and_a_broken_update_keeps_the_old_version(self):
        src = self.ws.sub("src")
        self.publish(copy_handler("novel-reader", os.path.join(src, "v1")))
        rid = self.publish_novel()
        bob = Msgc.registered(self.server, self.ws.sub("bob"), "bob")
        self.assertEqual(bob.json_lines("open", rid)[0]["handler"], "novel-reader 1.0.0")
        # 1.1.0 does not load (its entry script raises): the update fails, 1.0.0 stays.
        self.publish(copy_handler("novel-reader", os.path.join(src, "v11"), "1.1.0", "error('broken release')\n"))
        update = bob.json_lines("handlers", "update")[0]["handlers"][0]
        self.assertEqual(update["status"], "failed", update)
        self.assertIn("broken release", update["error"]["message"])
        self.assertEqual(bob.json_lines("open", rid)[0]["handler"], "novel-reader 1.0.0")
        # 1.2.0 is fine and replaces it.
        self.publish(copy_handler("novel-reader", os.path.join(src, "v12"), "1.2.0"))
        update = bob.json_lines("handlers", "update")[0]["handlers"][0]
        self.assertEqual((update["status"], update["to"]), ("updated", "1.2.0"))
        # Removed and offered only an older version, the client refuses it.
        bob.run("handlers", "remove", "novel-reader")
        folder = os.path.join(self.server.data, "blobs", "handlers", "novel-reader")
        os.remove(os.path.join(folder, [f for f in os.listdir(folder) if f.startswith("1.2.0-")][0]))
        self.server.sql("DELETE FROM handler_versions WHERE version IN ('1.2.0', '1.1.0')")
        out = bob.json_lines("open", rid)[0]
        self.assertEqual(out["handler_refused"]["code"], "handler_downgrade")
        self.assertEqual(bob.json_lines("handlers")[0]["handlers"], [])

    def test_keys_named_in_the_configuration_are_the_only_ones_trusted(self):
        self.publish(os.path.join(ROOT, "handlers", "novel-reader"))
        rid = self.publish_novel()
        home = self.ws.sub("dave")
        other = os.path.join(self.ws.sub("other"), "o.key")
        self.studio.run("handler", "keygen", other)
        with open(other + ".pub") as f:
            other_hex = f.read().split()[1]
        with open(os.path.join(home, "config.toml"), "w") as f:
            f.write('[handlers]\nkeys = ["%s"]\n' % other_hex)
        dave = Msgc.registered(self.server, home, "dave")
        self.assertFalse(os.path.exists(os.path.join(home, "handler-keys.json")), "nothing pinned from the server")
        out = dave.json_lines("open", rid)[0]
        self.assertEqual(out["handler_refused"]["code"], "unknown_signing_key")
        self.assertEqual(dave.json_lines("handlers")[0]["handlers"], [])
        self.assertTrue(dave.json_lines("handlers")[0]["keys_from_config"])


if __name__ == "__main__":
    unittest.main()
