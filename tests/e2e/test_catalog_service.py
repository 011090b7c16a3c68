"""The catalog as a content service, end to end against the real msgcenterd:
the resource model and its per-kind attributes, PATCH and DELETE
(unpublish), GET/HEAD /v1/blobs, browse and search with sorts and signed
cursors, access to restricted resources (grants, shares, revocation) and
signed download links (also resumed with curl)."""

import base64
import hashlib
import io
import json
import math
import os
import struct
import subprocess
import time
import unittest
import urllib.parse
import wave

from tests.e2e.harness import Server, Workspace, sha256_file


# ---- content: real bytes ---------------------------------------------------

def wav_bytes(seconds=0.5, rate=8000, hz=440):
    """A mono 16-bit PCM WAV file: a sine tone."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * n / rate)))
                          for n in range(int(seconds * rate)))
        w.writeframes(frames)
    return out.getvalue()


def novel_text(chapters=3, salt=""):
    """A few KB of UTF-8 text in chapters; returns (bytes, [byte offset of each chapter])."""
    parts, offsets, size = [], [], 0
    for n in range(chapters):
        offsets.append(size)
        chunk = ("Chapter %d%s\n\n" % (n + 1, salt) +
                 "The tide came in over the harbour wall and the lamps were lit one by one. " * 12 +
                 "\n\n").encode()
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), offsets


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(token, change):
    """TOKEN ("payload.mac", both base64url) with its JSON payload changed by
    CHANGE and the original MAC kept; None when the token is not of that form."""
    if token.count(".") != 1:
        return None
    payload, mac = token.split(".")
    try:
        obj = json.loads(b64url_decode(payload))
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    change(obj)
    return b64url_encode(json.dumps(obj, separators=(",", ":")).encode()) + "." + mac


def flipped(token):
    """TOKEN with one character in the middle of it replaced."""
    i = len(token) // 3
    while token[i] == ".":
        i += 1
    return token[:i] + ("B" if token[i] != "B" else "C") + token[i + 1:]


def q(**params):
    return "/v1/resources?" + urllib.parse.urlencode(params)


# ---- one server per TestCase class -------------------------------------------

class CatalogCase(unittest.TestCase):
    """A fresh msgcenterd with providers 'studio' and 'rival' and the users
    in USERS (password NAME-password); tokens in cls.tok."""

    USERS = ("alice", "bob")

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.server = Server(cls.ws.sub("server")).start()
        cls.addClassCleanup(cls.server.kill)
        cls.tok = {"studio": cls.server.add_provider("studio"), "rival": cls.server.add_provider("rival")}
        for name in cls.USERS:
            status, _, body = cls.server.request("POST", "/v1/accounts",
                                                 {"network_id": name, "password": name + "-password"})
            assert status == 201, body
            cls.tok[name] = cls.server.login_token(name, name + "-password")
        cls.studio = cls.tok["studio"]
        cls.set_up_catalog()

    @classmethod
    def set_up_catalog(cls):
        pass

    # -- requests --

    @classmethod
    def call(cls, method, path, body=None, who=None, headers=None):
        """A request as WHO (a name in cls.tok, or None for no Authorization)."""
        return cls.server.request(method, path, body, token=cls.tok[who] if who else None, headers=headers)

    @classmethod
    def upload(cls, data):
        status, _, body = cls.server.request("POST", "/v1/blobs", data, token=cls.studio)
        assert status == 201, body
        return json.loads(body)["sha256"]

    @classmethod
    def publish(cls, data, who="studio", **fields):
        """Uploads DATA and publishes it with FIELDS (type defaults to file); the Resource."""
        body = {"type": "file", "title": "Untitled", "sha256": cls.upload(data)}
        body.update(fields)
        status, _, answer = cls.call("POST", "/v1/resources", body, who)
        assert status == 201, answer
        return json.loads(answer)["resource"]

    def ok(self, answer, status=200):
        got, _, body = answer
        self.assertEqual(got, status, body[:500])
        return json.loads(body) if body else None

    def assertError(self, answer, status, code, message_has=None):
        got_status, headers, body = answer
        self.assertEqual(got_status, status, body[:500])
        self.assertEqual(headers.get("content-type"), "application/json", body[:500])
        err = json.loads(body)["error"]
        self.assertEqual(err["code"], code, err)
        self.assertTrue(err["message"])
        if message_has:
            self.assertIn(message_has, err["message"])
        return err

    def record(self, rid, who="studio"):
        return self.ok(self.call("GET", "/v1/resources/" + rid, who=who))["resource"]

    def all_pages(self, path, who="alice", limit=None):
        """Every resource id of a cursor listing PATH (one without cursor/limit), followed to its end."""
        ids, cursor, pages = [], None, 0
        while True:
            sep = "&" if "?" in path else "?"
            p = path + (sep + "limit=%d" % limit if limit else "")
            if cursor:
                p += "&cursor=" + urllib.parse.quote(cursor)
            page = self.ok(self.call("GET", p, who=who))
            self.assertEqual(set(page), {"resources", "next_cursor"})
            ids += [r["id"] for r in page["resources"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                return ids, pages
            self.assertLess(pages, 100, "a listing that never ends")

    def content_status(self, rid, who):
        return self.call("GET", "/v1/resources/%s/content" % rid, who=who)[0]

    def inbox(self, who):
        return self.ok(self.call("GET", "/v1/inbox", who=who))["items"]

    def share(self, rid, who, to, expect=201):
        answer = self.call("POST", "/v1/shares", {"resource_id": rid, "to": to}, who)
        if expect != 201:
            return answer
        return self.ok(answer, 201)["share"]


# ---- the resource model, attributes, PATCH, blobs ------------------------------

class ResourceModelTest(CatalogCase):
    USERS = ("alice",)

    @classmethod
    def set_up_catalog(cls):
        cls.wav = wav_bytes()
        cls.novel, cls.offsets = novel_text()
        cls.image = cls.publish(b"\x89PNG\r\n\x1a\n" + os.urandom(2000), type="file", title="Kettle photo",
                                mime="image/png", filename="kettle.png")

    def product_count(self):
        page = self.ok(self.call("GET", "/v1/resources?type=product&limit=200", who="alice"))
        return len(page["resources"])

    def test_publish_keeps_every_new_field(self):
        fields = {"type": "music", "title": "Tone in A", "tags": ["tone", "test"], "mime": "audio/wav",
                  "filename": "tone.wav", "description": "Half a second of A 440 Hz, mono.",
                  "access": "restricted", "shareable": False, "share_access_seconds": 3600,
                  "attributes": {"duration_ms": 500, "format": {"container": "wav", "codec": "pcm",
                                                                "sample_rate": 8000, "channels": 1}}}
        r = self.publish(self.wav, **fields)
        for key, value in fields.items():
            self.assertEqual(r[key], value, key)
        self.assertEqual(r["size"], len(self.wav))
        self.assertEqual(r["sha256"], hashlib.sha256(self.wav).hexdigest())
        self.assertEqual(r["updated_at"], r["created_at"])
        self.assertIs(r["gone"], False)
        self.assertEqual(self.record(r["id"], who="alice"), r)

    def test_publish_defaults_and_the_file_kind(self):
        r = self.publish(b"plain bytes\n" * 100, type="file", title="Plain")
        self.assertEqual(r["type"], "file")
        self.assertEqual(r["description"], "")
        self.assertEqual(r["access"], "public")
        self.assertIs(r["shareable"], True)
        self.assertIsNone(r["share_access_seconds"])
        self.assertEqual(r["attributes"], {})
        self.assertIs(r["gone"], False)
        self.assertEqual(r["updated_at"], r["created_at"])

    def test_product_attributes(self):
        sha = self.upload(b'{"name": "Kettle", "volume_l": 1.7}')
        good = {"price": 2499, "currency": "EUR", "buy_url": "https://shop.example/kettle",
                "images": [self.image["id"]]}
        r = self.ok(self.call("POST", "/v1/resources", {"type": "product", "title": "Kettle", "sha256": sha,
                                                        "attributes": good}, "studio"), 201)["resource"]
        self.assertEqual(r["attributes"], good)
        self.assertEqual(r["mime"], "application/json")
        before = self.product_count()
        cases = [
            ({"price": 100}, "attributes.price"),                            # price needs a currency
            ({"price": -1, "currency": "EUR"}, "attributes.price"),
            ({"price": 10 ** 12 + 1, "currency": "EUR"}, "attributes.price"),
            ({"price": 12.5, "currency": "EUR"}, "attributes.price"),
            ({"price": "100", "currency": "EUR"}, "attributes.price"),
            ({"price": 100, "currency": "eur"}, "attributes.currency"),
            ({"price": 100, "currency": "XYZ"}, "attributes.currency"),
            ({"buy_url": "ftp://shop.example/kettle"}, "attributes.buy_url"),
            ({"buy_url": "javascript:alert(1)"}, "attributes.buy_url"),
            ({"images": ["r_" + "0" * 28]}, "r_" + "0" * 28),               # no such resource
            ({"images": ["not-an-id"]}, "attributes.images"),
            ({"colour": "red"}, "attributes.colour"),                         # unknown key
        ]
        for attributes, path in cases:
            with self.subTest(attributes=attributes):
                self.assertError(self.call("POST", "/v1/resources", {"type": "product", "title": "Bad kettle",
                                                                     "sha256": sha, "attributes": attributes},
                                           "studio"), 400, "invalid_attributes", message_has=path)
        self.assertEqual(self.product_count(), before)
        self.ok(self.call("POST", "/v1/resources", {"type": "product", "title": "Free sample", "sha256": sha,
                                                    "attributes": {"price": 0, "currency": "JPY"}}, "studio"), 201)
        self.ok(self.call("POST", "/v1/resources", {"type": "product", "title": "Dear", "sha256": sha,
                                                    "attributes": {"price": 10 ** 12, "currency": "USD"}},
                          "studio"), 201)

    def test_novel_chapters(self):
        sha = self.upload(self.novel)
        chapters = [{"title": "Chapter %d" % (n + 1), "offset": off} for n, off in enumerate(self.offsets)]
        r = self.ok(self.call("POST", "/v1/resources", {"type": "novel", "title": "The Quiet Harbour",
                                                        "sha256": sha, "attributes": {"chapters": chapters}},
                              "studio"), 201)["resource"]
        self.assertEqual(r["attributes"], {"chapters": chapters})
        bad = [
            [{"title": "One", "offset": 100}, {"title": "Two", "offset": 100}],       # not increasing
            [{"title": "One", "offset": 200}, {"title": "Two", "offset": 100}],
            [{"title": "Past the end", "offset": len(self.novel)}],
            [{"title": "Negative", "offset": -1}],
            [{"title": "", "offset": 0}],
            [{"title": "One", "offset": 0, "page": 1}],
        ]
        for chapters in bad:
            with self.subTest(chapters=chapters):
                self.assertError(self.call("POST", "/v1/resources", {"type": "novel", "title": "Bad novel",
                                                                     "sha256": sha,
                                                                     "attributes": {"chapters": chapters}},
                                           "studio"), 400, "invalid_attributes", message_has="attributes.chapters")

    def test_media_game_webpage_and_file_attributes(self):
        sha = self.upload(self.wav)
        page_sha = self.upload(b"<!doctype html><meta charset=utf-8><title>Shop</title><img src=kettle.png>")
        good = [
            ("video", {"duration_ms": 60000, "format": {"container": "mp4", "codec": "h264", "width": 1920,
                                                        "height": 1080}}),
            ("music", {"duration_ms": 500}),
            ("game", {"handler": "chess-board"}),
            ("webpage", {"assets": [self.image["id"]]}),
            ("webpage", {"url": "https://example.org/page"}),
        ]
        for kind, attributes in good:
            with self.subTest(kind=kind, attributes=attributes):
                r = self.ok(self.call("POST", "/v1/resources", {"type": kind, "title": "Good " + kind,
                                                                "sha256": page_sha if kind == "webpage" else sha,
                                                                "attributes": attributes}, "studio"), 201)
                self.assertEqual(r["resource"]["attributes"], attributes)
        bad = [
            ("video", {"duration_ms": -5}, "attributes.duration_ms"),
            ("music", {"format": {"bitrate": 320}}, "attributes.format.bitrate"),
            ("music", {"format": {"channels": 0}}, "attributes.format.channels"),
            ("game", {"handler": "Chess Board!"}, "attributes.handler"),
            ("webpage", {"url": "file:///etc/passwd"}, "attributes.url"),
            ("webpage", {"assets": ["r_" + "f" * 28]}, "r_" + "f" * 28),
            ("file", {"anything": 1}, "attributes.anything"),
            ("music", {"lyrics": "la"}, "attributes.lyrics"),
            ("music", ["not", "an", "object"], "attributes"),
        ]
        for kind, attributes, path in bad:
            with self.subTest(kind=kind, attributes=attributes):
                self.assertError(self.call("POST", "/v1/resources", {"type": kind, "title": "Bad " + kind,
                                                                     "sha256": sha, "attributes": attributes},
                                           "studio"), 400, "invalid_attributes", message_has=path)

    def test_field_rules_on_publish(self):
        sha = self.upload(b"field rules")
        base = {"type": "file", "title": "Rules", "sha256": sha}
        cases = [
            ({"type": "podcast"}, "invalid_type"),
            ({"access": "secret"}, "invalid_field"),
            ({"shareable": "yes"}, "invalid_field"),
            ({"share_access_seconds": 0}, "invalid_field"),
            ({"share_access_seconds": -5}, "invalid_field"),
            ({"share_access_seconds": "60"}, "invalid_field"),
            ({"share_access_seconds": 1.5}, "invalid_field"),
            ({"description": "x" * 4001}, "field_too_long"),
            ({"tags": ["t%d" % n for n in range(21)]}, "too_many_items"),
            ({"tags": ["x" * 33]}, "field_too_long"),
        ]
        listed = len(self.ok(self.call("GET", "/v1/resources?limit=200", who="alice"))["resources"])
        for change, code in cases:
            with self.subTest(change=change):
                self.assertError(self.call("POST", "/v1/resources", dict(base, **change), "studio"), 400, code)
        self.assertEqual(len(self.ok(self.call("GET", "/v1/resources?limit=200", who="alice"))["resources"]), listed)
        # The limits themselves are allowed; null share_access_seconds means "as long as the share stands".
        r = self.ok(self.call("POST", "/v1/resources",
                              dict(base, description="é" * 2000, tags=["y" * 32] * 20, share_access_seconds=None),
                              "studio"), 201)["resource"]
        self.assertEqual(len(r["description"].encode()), 4000)
        self.assertIsNone(r["share_access_seconds"])

    def test_patch_changes_the_fields_and_updated_at(self):
        r = self.publish(self.wav, type="music", title="Old tone", tags=["old"], description="first cut")
        time.sleep(0.01)
        change = {"title": "Zephyr tone", "description": "second cut", "tags": ["new", "tone"],
                  "access": "restricted", "shareable": False, "share_access_seconds": 60,
                  "attributes": {"duration_ms": 500, "format": {"container": "wav"}}}
        patched = self.ok(self.call("PATCH", "/v1/resources/" + r["id"], change, "studio"))["resource"]
        for key, value in change.items():
            self.assertEqual(patched[key], value, key)
        self.assertGreater(patched["updated_at"], r["updated_at"])
        for key in ("id", "created_at", "sha256", "size", "type", "mime", "filename", "publisher"):
            self.assertEqual(patched[key], r[key], key)
        self.assertEqual(self.record(r["id"], who="alice"), patched)
        # Search follows the change at once.
        found = self.ok(self.call("GET", q(q="zephyr"), who="alice"))["resources"]
        self.assertEqual([x["id"] for x in found], [r["id"]])
        for old in ("old", "first cut"):
            found = self.ok(self.call("GET", q(q=old), who="alice"))["resources"]
            self.assertNotIn(r["id"], [x["id"] for x in found], old)
        found = self.ok(self.call("GET", q(tag="new"), who="alice"))["resources"]
        self.assertIn(r["id"], [x["id"] for x in found])
        # One field alone; share_access_seconds back to null.
        again = self.ok(self.call("PATCH", "/v1/resources/" + r["id"], {"share_access_seconds": None},
                                  "studio"))["resource"]
        self.assertIsNone(again["share_access_seconds"])
        self.assertEqual(again["title"], "Zephyr tone")

    def test_rejected_patches_change_nothing(self):
        r = self.publish(self.novel, type="novel", title="Unchanging", tags=["still"], description="as it was")
        rid = r["id"]
        before = self.record(rid)
        cases = [
            ({"sha256": "0" * 64}, 400, "invalid_field"),
            ({"type": "video"}, 400, "invalid_field"),
            ({"title": "New", "publisher": "rival"}, 400, "invalid_field"),
            ({"title": "New", "attributes": {"chapters": [{"title": "x", "offset": 10 ** 9}]}},
             400, "invalid_attributes"),
            ({"title": "New", "access": "private"}, 400, "invalid_field"),
            ({"title": ""}, 400, "invalid_field"),
            ({"description": "d" * 4001}, 400, "field_too_long"),
        ]
        for body, status, code in cases:
            with self.subTest(body=body):
                self.assertError(self.call("PATCH", "/v1/resources/" + rid, body, "studio"), status, code)
        self.assertError(self.call("PATCH", "/v1/resources/" + rid, {"title": "Stolen"}, "rival"),
                         403, "not_publisher")
        self.assertError(self.call("DELETE", "/v1/resources/" + rid, None, "rival"), 403, "not_publisher")
        self.assertError(self.call("PATCH", "/v1/resources/r_" + "1" * 28, {"title": "x"}, "studio"),
                         404, "resource_not_found")
        self.assertEqual(self.record(rid), before)

    def test_patch_by_a_plain_user_is_refused(self):
        rid = self.publish(b"not yours", title="Not yours")["id"]
        before = self.record(rid)
        # A plain user's account may not change resources at all: 403 forbidden
        # (the role check, as for every provider route); another provider gets not_publisher.
        self.assertError(self.call("PATCH", "/v1/resources/" + rid, {"title": "Mine"}, "alice"),
                         403, "forbidden")
        self.assertEqual(self.record(rid), before)

    def test_blobs_get_and_head(self):
        sha = self.upload(self.wav)
        status, headers, body = self.call("GET", "/v1/blobs/" + sha, who="studio")
        self.assertEqual(status, 200)
        self.assertEqual(body, self.wav)
        status, headers, body = self.call("HEAD", "/v1/blobs/" + sha, who="studio")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(int(headers["content-length"]), len(self.wav))
        missing = hashlib.sha256(b"never uploaded").hexdigest()
        self.assertError(self.call("GET", "/v1/blobs/" + missing, who="studio"), 404, "blob_not_found")
        self.assertEqual(self.call("HEAD", "/v1/blobs/" + missing, who="studio")[0], 404)
        self.assertError(self.call("GET", "/v1/blobs/not-hex-at-all", who="studio"), 400, "invalid_digest")
        self.assertError(self.call("GET", "/v1/blobs/" + "g" * 64, who="studio"), 400, "invalid_digest")
        self.assertEqual(self.call("GET", "/v1/blobs/" + sha, who="alice")[0], 403)

    def test_a_hash_alone_publishes_nothing(self):
        # Every user sees a resource's sha256; another provider that never
        # uploaded the bytes can neither fetch them nor publish them.
        secret = self.publish(b"restricted bytes " * 10, title="Secret", access="restricted")
        self.assertError(self.call("GET", "/v1/blobs/" + secret["sha256"], who="rival"), 404, "blob_not_found")
        self.assertEqual(self.call("HEAD", "/v1/blobs/" + secret["sha256"], who="rival")[0], 404)
        self.assertError(self.call("POST", "/v1/resources", {"type": "file", "title": "Mine now", "access": "public",
                                                              "sha256": secret["sha256"]}, "rival"),
                         404, "blob_not_found")
        # Uploading the same bytes proves it holds them: then it may.
        status, _, body = self.server.request("POST", "/v1/blobs", b"restricted bytes " * 10, token=self.tok["rival"])
        self.assertEqual(status, 201, body)
        self.ok(self.call("POST", "/v1/resources", {"type": "file", "title": "Also mine", "sha256": secret["sha256"]},
                          "rival"), 201)


# ---- unpublishing -----------------------------------------------------------------

class UnpublishTest(CatalogCase):
    USERS = ("alice", "bob")

    @classmethod
    def set_up_catalog(cls):
        cls.text, _ = novel_text(salt=" (withdrawn)")
        cls.gone = cls.publish(cls.text, type="novel", title="Quixotic Withdrawn Saga", tags=["withdrawn"],
                               description="to be taken down")
        cls.kept = cls.publish(b"kept", type="novel", title="Quixotic Kept Saga", tags=["withdrawn"])
        # bob received it before it was unpublished: one share, one item.
        status, _, body = cls.call("POST", "/v1/shares", {"resource_id": cls.gone["id"], "to": ["bob"]}, "alice")
        assert status == 201, body
        cls.share_id = json.loads(body)["share"]["id"]
        cls.answer = cls.call("DELETE", "/v1/resources/" + cls.gone["id"], None, "studio")

    def test_delete_answers_the_gone_resource(self):
        r = self.ok(self.answer)["resource"]
        self.assertEqual(r["id"], self.gone["id"])
        self.assertIs(r["gone"], True)
        self.assertEqual(r["title"], self.gone["title"])

    def test_gone_from_every_listing_and_search(self):
        rid = self.gone["id"]
        paths = [q(), q(type="novel"), q(tag="withdrawn"), q(q="quixotic"), q(q="withdrawn"),
                 q(q="quixotic", sort="new"), q(sort="popular"), "/v1/resources?after=0&limit=200"]
        for path in paths:
            with self.subTest(path=path):
                ids = [r["id"] for r in self.ok(self.call("GET", path, who="alice"))["resources"]]
                self.assertNotIn(rid, ids)
                if "quixotic" in path or "tag=" in path:
                    self.assertIn(self.kept["id"], ids)
        # Not even to its provider in listings.
        ids = [r["id"] for r in self.ok(self.call("GET", q(q="quixotic"), who="studio"))["resources"]]
        self.assertEqual(ids, [self.kept["id"]])

    def test_others_get_410_the_provider_200(self):
        rid = self.gone["id"]
        self.assertError(self.call("GET", "/v1/resources/" + rid, who="bob"), 410, "resource_gone")
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="bob"), 410, "resource_gone")
        self.assertEqual(self.call("HEAD", "/v1/resources/%s/content" % rid, who="bob")[0], 410)
        self.assertIs(self.record(rid)["gone"], True)
        status, _, body = self.call("GET", "/v1/resources/%s/content" % rid, who="studio")
        self.assertEqual((status, body), (200, self.text))

    def test_no_new_shares_or_forwards(self):
        rid = self.gone["id"]
        self.assertError(self.share(rid, "alice", ["bob"], expect=410), 410, "resource_gone")
        self.assertError(self.share(rid, "studio", ["bob"], expect=410), 410, "resource_gone")
        item = [i for i in self.inbox("bob") if i["share_id"] == self.share_id][0]
        self.assertError(self.call("POST", "/v1/shares", {"forward_of": item["id"], "to": ["alice"]}, "bob"),
                         410, "resource_gone")
        self.assertEqual(self.inbox("alice"), [])

    def test_inbox_item_shows_it_gone(self):
        items = [i for i in self.inbox("bob") if i["share_id"] == self.share_id]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["resource_id"], self.gone["id"])
        self.assertEqual(items[0]["resource"]["id"], self.gone["id"])
        self.assertIs(items[0]["resource"]["gone"], True)
        item = self.ok(self.call("GET", "/v1/inbox/items/" + items[0]["id"], who="bob"))["item"]
        self.assertIs(item["resource"]["gone"], True)

    def test_a_ranked_snapshot_drops_a_resource_unpublished_between_pages(self):
        made = [self.publish(b"vellum %d" % n, type="file", title="Vellum scroll %d" % n)["id"] for n in range(4)]
        first = self.ok(self.call("GET", q(q="vellum", limit=2), who="alice"))
        self.assertEqual(len(first["resources"]), 2)
        self.assertIsNotNone(first["next_cursor"])
        later = [i for i in made if i not in [r["id"] for r in first["resources"]]]
        self.ok(self.call("DELETE", "/v1/resources/" + later[0], None, "studio"))
        rest = self.ok(self.call("GET", q(q="vellum", limit=2, cursor=first["next_cursor"]), who="alice"))
        self.assertNotIn(later[0], [r["id"] for r in rest["resources"]])
        self.assertIn(later[1], [r["id"] for r in rest["resources"]])


# ---- browse and search ------------------------------------------------------------

class SearchTest(CatalogCase):
    USERS = ("alice",)

    @classmethod
    def set_up_catalog(cls):
        cls.ordered = [cls.publish(b"ordered %d" % n, type="file", title="Ordered %d" % n, tags=["ordered"])["id"]
                       for n in range(5)]
        cls.in_title = cls.publish(b"harbour title", type="novel", title="Harbour Lights")["id"]
        cls.in_tags = cls.publish(b"harbour tag", type="music", title="Sea Shanties", tags=["harbour"])["id"]
        cls.in_description = cls.publish(b"harbour description", type="video", title="Evening Boats",
                                         description="Boats come back to the harbour")["id"]
        cls.santi = cls.publish("三体：地球往事。".encode() * 50, type="novel", title="三体：地球往事",
                                description="刘慈欣的科幻小说")["id"]
        cls.operators = cls.publish(b"ops", type="file", title='Operators NEAR( a" OR "b title:x')["id"]
        cls.lighthouses = [cls.publish(b"lighthouse %d" % n, type="file", title="Lighthouse keeper %d" % n,
                                       tags=["coast"])["id"] for n in range(5)]

    def test_default_sort_is_new_newest_first(self):
        page = self.ok(self.call("GET", q(tag="ordered"), who="alice"))
        self.assertEqual(set(page), {"resources", "next_cursor"})
        self.assertIsNone(page["next_cursor"])
        self.assertEqual([r["id"] for r in page["resources"]], self.ordered[::-1])
        explicit = self.ok(self.call("GET", q(tag="ordered", sort="new"), who="alice"))
        self.assertEqual(explicit["resources"], page["resources"])
        everything = self.ok(self.call("GET", q(limit=200), who="alice"))["resources"]
        stamps = [r["created_at"] for r in everything]
        self.assertEqual(stamps, sorted(stamps, reverse=True))

    def test_old_after_form_keeps_publishing_order(self):
        seen, after = [], 0
        while True:
            page = self.ok(self.call("GET", "/v1/resources?after=%d&limit=4" % after, who="alice"))
            self.assertEqual(set(page), {"resources", "next_after"})
            seen += [r["id"] for r in page["resources"]]
            if page["next_after"] is None:
                break
            after = page["next_after"]
        mine = [i for i in seen if i in self.ordered]
        self.assertEqual(mine, self.ordered)
        self.assertEqual(len(seen), len(set(seen)))

    def test_type_and_tag_filters(self):
        music = self.ok(self.call("GET", q(type="music"), who="alice"))["resources"]
        self.assertTrue(music)
        self.assertEqual({r["type"] for r in music}, {"music"})
        coast = self.ok(self.call("GET", q(tag="coast"), who="alice"))["resources"]
        self.assertEqual(sorted(r["id"] for r in coast), sorted(self.lighthouses))
        self.assertEqual(self.ok(self.call("GET", q(tag="coast", type="music"), who="alice"))["resources"], [])
        self.assertError(self.call("GET", q(type="podcast"), who="alice"), 400, "invalid_type")

    def test_search_covers_title_tags_description_with_title_first(self):
        page = self.ok(self.call("GET", q(q="harbour"), who="alice"))
        ids = [r["id"] for r in page["resources"]]
        self.assertEqual(sorted(ids), sorted([self.in_title, self.in_tags, self.in_description]))
        self.assertEqual(ids[0], self.in_title)
        self.assertEqual(self.ok(self.call("GET", q(q="harbour", sort="relevance"), who="alice")), page)
        # Several words: all must match.
        ids = [r["id"] for r in self.ok(self.call("GET", q(q="harbour lights"), who="alice"))["resources"]]
        self.assertEqual(ids, [self.in_title])
        self.assertEqual(self.ok(self.call("GET", q(q="nonexistentword"), who="alice"))["resources"], [])

    def test_chinese_two_or_more_consecutive_characters_find_the_title(self):
        for term in ("地球", "往事", "三体", "球往", "地球往事", "三体：地球往事", "科幻"):
            with self.subTest(q=term):
                ids = [r["id"] for r in self.ok(self.call("GET", q(q=term), who="alice"))["resources"]]
                self.assertEqual(ids, [self.santi])
        self.assertEqual(self.ok(self.call("GET", q(q="火星"), who="alice"))["resources"], [])

    def test_sort_and_query_errors(self):
        self.assertError(self.call("GET", q(sort="relevance"), who="alice"), 400, "invalid_sort")
        self.assertError(self.call("GET", q(sort="banana"), who="alice"), 400, "invalid_sort")
        self.assertError(self.call("GET", q(q="harbour", sort="oldest"), who="alice"), 400, "invalid_sort")
        self.assertError(self.call("GET", q(q="a" * 501), who="alice"), 400, "query_too_long")
        self.assertError(self.call("GET", q(q="地" * 167 + "ab"), who="alice"), 400, "query_too_long")  # 503 bytes
        self.ok(self.call("GET", q(q="a" * 500), who="alice"))
        for only_symbols in ('"', "*", "(((", '" * ( ) -', "   "):
            with self.subTest(q=only_symbols):
                self.assertError(self.call("GET", q(q=only_symbols), who="alice"), 400, "invalid_query")

    def test_query_syntax_is_text_and_never_a_500(self):
        for text in ("NEAR(", 'a" OR "b', "title:x", "(title", "title)", "NEAR(title x, 2)", "x*", "^title",
                     "-title", "title AND", "NOT title", '"title', "{a b}:x", "a' OR 1=1 --", "\\x"):
            with self.subTest(q=text):
                status, _, body = self.call("GET", q(q=text), who="alice")
                self.assertEqual(status, 200, body)
                json.loads(body)["resources"]
        for text in ("NEAR(", 'a" OR "b', "title:x", "(operators"):
            with self.subTest(q=text):
                ids = [r["id"] for r in self.ok(self.call("GET", q(q=text), who="alice"))["resources"]]
                self.assertIn(self.operators, ids)

    def test_new_paging_is_stable_while_publishing(self):
        existing = [self.publish(b"stable %d" % n, title="Stable %d" % n, tags=["stable"])["id"]
                    for n in range(7)][::-1]
        seen, cursor, n = [], None, 0
        while True:
            params = {"tag": "stable", "limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = self.ok(self.call("GET", q(**params), who="alice"))
            self.assertLessEqual(len(page["resources"]), 3)
            seen += [r["id"] for r in page["resources"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
            n += 1
            self.publish(b"interloper %d" % n, title="Interloper %d" % n, tags=["stable"])
        self.assertEqual(seen, existing)

    def test_relevance_paging_is_stable_through_the_snapshot(self):
        first = self.ok(self.call("GET", q(q="lighthouse", limit=2), who="alice"))
        self.assertIsNotNone(first["next_cursor"])
        newcomer = self.publish(b"new lighthouse", title="Lighthouse lighthouse", tags=["lighthouse"])["id"]
        seen = [r["id"] for r in first["resources"]]
        cursor = first["next_cursor"]
        while cursor:
            page = self.ok(self.call("GET", q(q="lighthouse", limit=2, cursor=cursor), who="alice"))
            seen += [r["id"] for r in page["resources"]]
            cursor = page["next_cursor"]
        self.assertEqual(sorted(seen), sorted(self.lighthouses))
        fresh, _ = self.all_pages(q(q="lighthouse"), limit=2)
        self.assertEqual(sorted(fresh), sorted(self.lighthouses + [newcomer]))

    def test_popular_sort_answers_and_pages(self):
        made = [self.publish(b"popular %d" % n, title="Popular %d" % n, tags=["popular"])["id"] for n in range(5)]
        for rid in made[:2]:  # a few downloads to count (ordering is not tested: written once a minute)
            self.assertEqual(self.content_status(rid, "alice"), 200)
        by_popular, pages = self.all_pages(q(tag="popular", sort="popular"), limit=2)
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(by_popular), sorted(made))
        # Later pages stay put while resources are published between pages.
        first = self.ok(self.call("GET", q(tag="popular", sort="popular", limit=2), who="alice"))
        seen = [r["id"] for r in first["resources"]]
        cursor = first["next_cursor"]
        while cursor:
            self.publish(b"late %d" % len(seen), title="Late popular", tags=["popular"])
            page = self.ok(self.call("GET", q(tag="popular", sort="popular", limit=2, cursor=cursor), who="alice"))
            seen += [r["id"] for r in page["resources"]]
            cursor = page["next_cursor"]
        self.assertEqual(sorted(seen), sorted(made))
        searched, _ = self.all_pages(q(q="lighthouse keeper", sort="popular"), limit=2)
        self.assertEqual(sorted(searched), sorted(self.lighthouses))

    def test_changed_or_moved_cursors_are_refused(self):
        first = self.ok(self.call("GET", q(tag="coast", limit=2), who="alice"))
        cursor = first["next_cursor"]
        self.assertIsNotNone(cursor)
        self.ok(self.call("GET", q(tag="coast", limit=2, cursor=cursor), who="alice"))
        for bad in (flipped(cursor), cursor[:-3], "garbage", cursor + "x"):
            with self.subTest(cursor=bad):
                self.assertError(self.call("GET", q(tag="coast", limit=2, cursor=bad), who="alice"),
                                 400, "invalid_cursor")
        moved_on = forged(cursor, lambda o: o.update({k: v + 1 for k, v in o.items() if isinstance(v, int)}))
        if moved_on:
            self.assertError(self.call("GET", q(tag="coast", limit=2, cursor=moved_on), who="alice"),
                             400, "invalid_cursor")
        for other in ({"tag": "ordered"}, {"tag": "coast", "type": "file"}, {"tag": "coast", "sort": "popular"},
                      {"tag": "coast", "q": "lighthouse"}, {}):
            with self.subTest(other=other):
                self.assertError(self.call("GET", q(limit=2, cursor=cursor, **other), who="alice"),
                                 400, "invalid_cursor")
        ranked = self.ok(self.call("GET", q(q="lighthouse", limit=2), who="alice"))["next_cursor"]
        self.assertError(self.call("GET", q(q="keeper", limit=2, cursor=ranked), who="alice"), 400, "invalid_cursor")
        self.assertError(self.call("GET", q(q="lighthouse", sort="popular", limit=2, cursor=ranked), who="alice"),
                         400, "invalid_cursor")
        self.assertError(self.call("GET", q(q="lighthouse", limit=2, cursor=flipped(ranked)), who="alice"),
                         400, "invalid_cursor")


# ---- access: restricted resources, grants, shares, revocation ------------------------

class AccessTest(CatalogCase):
    USERS = ("alice", "bob", "carol", "dave", "erin")

    @classmethod
    def set_up_catalog(cls):
        cls.text, _ = novel_text(salt=" (members only)")

    def restricted(self, title, **fields):
        return self.publish(self.text + title.encode(), type="novel", title=title, access="restricted", **fields)

    def test_public_resources_are_readable_by_any_user(self):
        r = self.publish(b"for everyone", title="Public notice")
        for who in ("alice", "erin", "studio", "rival"):
            status, _, body = self.call("GET", "/v1/resources/%s/content" % r["id"], who=who)
            self.assertEqual((status, body), (200, b"for everyone"), who)
        self.assertEqual(self.call("GET", "/v1/resources/%s/content" % r["id"])[0], 401)

    def test_restricted_record_is_visible_its_content_is_not(self):
        r = self.restricted("Members Only Almanac")
        rid = r["id"]
        self.assertEqual(self.record(rid, who="bob")["access"], "restricted")
        self.assertIn(rid, [x["id"] for x in self.ok(self.call("GET", q(limit=200), who="bob"))["resources"]])
        self.assertIn(rid, [x["id"] for x in self.ok(self.call("GET", q(q="almanac"), who="bob"))["resources"]])
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="bob"), 403, "access_denied")
        self.assertEqual(self.call("HEAD", "/v1/resources/%s/content" % rid, who="bob")[0], 403)
        self.assertError(self.call("POST", "/v1/resources/%s/link" % rid, {}, "bob"), 403, "access_denied")
        items = len(self.inbox("carol"))
        self.assertError(self.share(rid, "bob", ["carol"], expect=403), 403, "access_denied")
        self.assertEqual(len(self.inbox("carol")), items)
        self.assertEqual(self.content_status(rid, "rival"), 403)  # another provider is nobody special
        status, _, body = self.call("GET", "/v1/resources/%s/content" % rid, who="studio")
        self.assertEqual((status, body), (200, self.text + b"Members Only Almanac"))

    def test_turning_a_public_resource_restricted_takes_effect_at_once(self):
        rid = self.publish(b"soon restricted", title="Soon restricted")["id"]
        self.assertEqual(self.content_status(rid, "bob"), 200)
        self.ok(self.call("PATCH", "/v1/resources/" + rid, {"access": "restricted"}, "studio"))
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="bob"), 403, "access_denied")
        self.assertError(self.share(rid, "bob", ["carol"], expect=403), 403, "access_denied")
        self.ok(self.call("PATCH", "/v1/resources/" + rid, {"access": "public"}, "studio"))
        self.assertEqual(self.content_status(rid, "bob"), 200)

    def test_grants_give_and_take_access(self):
        rid = self.restricted("Granted Almanac")["id"]
        grants = "/v1/resources/%s/grants" % rid
        self.assertEqual(self.ok(self.call("GET", grants, who="studio"))["grants"], [])
        self.ok(self.call("POST", grants, {"network_id": "bob"}, "studio"), 201)
        self.assertEqual(self.ok(self.call("GET", grants, who="studio"))["grants"], ["bob"])
        self.assertEqual(self.content_status(rid, "bob"), 200)
        self.assertEqual(self.call("HEAD", "/v1/resources/%s/content" % rid, who="bob")[0], 200)
        self.assertEqual(self.content_status(rid, "carol"), 403)
        link = self.ok(self.call("POST", "/v1/resources/%s/link" % rid, {}, "bob"), 201)
        self.assertEqual(self.call("GET", link["path"])[0], 200)
        # Only its provider manages grants.
        self.assertError(self.call("POST", grants, {"network_id": "carol"}, "rival"), 403, "not_publisher")
        self.assertError(self.call("DELETE", grants + "/bob", None, "rival"), 403, "not_publisher")
        self.assertEqual(self.call("POST", grants, {"network_id": "carol"}, "bob")[0], 403)
        self.assertEqual(self.call("POST", grants, {"network_id": "nobody-here"}, "studio")[0], 404)
        self.assertEqual(self.ok(self.call("GET", grants, who="studio"))["grants"], ["bob"])
        # Withdrawn: the content and the link he made stop working.
        self.ok(self.call("DELETE", grants + "/bob", None, "studio"))
        self.assertError(self.call("DELETE", grants + "/bob", None, "studio"), 404, "grant_not_found")
        self.assertEqual(self.ok(self.call("GET", grants, who="studio"))["grants"], [])
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="bob"), 403, "access_denied")
        self.assertError(self.call("GET", link["path"]), 403, "link_revoked")

    def test_a_share_gives_access_while_shareable(self):
        rid = self.restricted("Shared Almanac")["id"]
        self.share(rid, "studio", ["carol"])
        self.assertEqual(self.content_status(rid, "carol"), 200)
        self.assertEqual(self.content_status(rid, "dave"), 403)
        # carol may pass it on (it is shareable and she can read it), as a
        # forward of what she received: a share of her own is refused.
        self.assertError(self.share(rid, "carol", ["dave"], expect=403), 403, "access_denied", "forward")
        self.forward(rid, "carol", ["dave"])
        self.assertEqual(self.content_status(rid, "dave"), 200)
        self.ok(self.call("PATCH", "/v1/resources/" + rid, {"shareable": False}, "studio"))
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="carol"), 403, "access_denied")
        self.assertEqual(self.content_status(rid, "dave"), 403)
        self.ok(self.call("PATCH", "/v1/resources/" + rid, {"shareable": True}, "studio"))
        self.assertEqual(self.content_status(rid, "carol"), 200)

    def item_of(self, rid, who):
        """WHO's newest inbox item of resource RID."""
        items = [i for i in self.inbox(who) if i["resource"]["id"] == rid and i["kind"] in ("share", "forward")]
        self.assertTrue(items, "no item of %s for %s" % (rid, who))
        return items[-1]

    def forward(self, rid, who, to, expect=201):
        answer = self.call("POST", "/v1/shares", {"forward_of": self.item_of(rid, who)["id"], "to": to}, who)
        if expect != 201:
            return answer
        return self.ok(answer, 201)["share"]

    def test_a_recipient_cannot_escape_a_revocation_by_sharing_again(self):
        rid = self.restricted("Escape Almanac")["id"]
        share = self.share(rid, "studio", ["bob"])
        # A share of his own, even to himself, would be a new root outside the
        # provider's share: refused; a forward to himself stays inside it.
        self.assertError(self.share(rid, "bob", ["bob"], expect=403), 403, "access_denied")
        self.forward(rid, "bob", ["bob"])
        self.ok(self.call("DELETE", "/v1/shares/" + share["id"], who="studio"))
        self.assertEqual(self.content_status(rid, "bob"), 403)
        # And what was revoked cannot be forwarded any more.
        self.assertError(self.forward(rid, "bob", ["erin"], expect=403), 403, "share_revoked")

    def test_a_forward_does_not_renew_the_time_limit(self):
        rid = self.restricted("Hourglass Almanac", share_access_seconds=2)["id"]
        self.share(rid, "studio", ["carol"])
        time.sleep(1.2)
        self.forward(rid, "carol", ["dave"])
        self.assertEqual(self.content_status(rid, "dave"), 200)
        time.sleep(1.0)  # 2.2 s after the provider's share, 1 s after the forward
        self.assertEqual(self.content_status(rid, "dave"), 403)
        self.assertEqual(self.content_status(rid, "carol"), 403)

    def test_a_non_shareable_resource_is_not_shared_by_others(self):
        rid = self.restricted("Private Almanac", shareable=False)["id"]
        self.ok(self.call("POST", "/v1/resources/%s/grants" % rid, {"network_id": "alice"}, "studio"), 201)
        self.assertEqual(self.content_status(rid, "alice"), 200)
        items = len(self.inbox("erin"))
        self.assertError(self.share(rid, "alice", ["erin"], expect=403), 403, "not_shareable")
        self.assertEqual(len(self.inbox("erin")), items)
        # Its provider may send it, but the share gives no access.
        self.share(rid, "studio", ["erin"])
        self.assertEqual(len(self.inbox("erin")), items + 1)
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="erin"), 403, "access_denied")

    def test_share_access_seconds_limits_a_share(self):
        rid = self.restricted("Brief Almanac", share_access_seconds=1)["id"]
        self.share(rid, "studio", ["dave"])
        self.assertEqual(self.content_status(rid, "dave"), 200)
        time.sleep(1.1)
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="dave"), 403, "access_denied")
        # A new share starts a new period.
        self.share(rid, "studio", ["dave"])
        self.assertEqual(self.content_status(rid, "dave"), 200)
        time.sleep(1.1)
        self.assertEqual(self.content_status(rid, "dave"), 403)
        # Decided at read time: lifting the limit gives it back.
        self.ok(self.call("PATCH", "/v1/resources/" + rid, {"share_access_seconds": None}, "studio"))
        self.assertEqual(self.content_status(rid, "dave"), 200)

    def test_revoking_a_share_withdraws_it_and_its_forwards(self):
        rid = self.restricted("Revocable Almanac")["id"]
        share = self.share(rid, "studio", ["alice"])
        item = [i for i in self.inbox("alice") if i["share_id"] == share["id"]][0]
        forward = self.ok(self.call("POST", "/v1/shares", {"forward_of": item["id"], "to": ["bob"]}, "alice"),
                          201)["share"]
        self.assertEqual(forward["kind"], "forward")
        self.assertEqual(self.content_status(rid, "alice"), 200)
        self.assertEqual(self.content_status(rid, "bob"), 200)
        link = self.ok(self.call("POST", "/v1/resources/%s/link" % rid, {}, "alice"), 201)
        # Only its sender can revoke it; to anyone else it does not exist.
        self.assertError(self.call("DELETE", "/v1/shares/" + share["id"], None, "alice"), 404, "share_not_found")
        self.assertError(self.call("DELETE", "/v1/shares/" + share["id"], None, "rival"), 404, "share_not_found")
        self.assertEqual(self.content_status(rid, "bob"), 200)
        before = int(time.time() * 1000)
        answer = self.ok(self.call("DELETE", "/v1/shares/" + share["id"], None, "studio"))
        self.assertEqual(answer["share"]["id"], share["id"])
        self.assertIsInstance(answer["revoked_at"], int)
        self.assertLess(abs(answer["revoked_at"] - before), 10000)
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="alice"), 403, "access_denied")
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="bob"), 403, "access_denied")
        self.assertError(self.call("GET", link["path"]), 403, "link_revoked")
        # The items stay in the inboxes.
        self.assertIn(share["id"], [i["share_id"] for i in self.inbox("alice")])
        self.assertIn(forward["id"], [i["share_id"] for i in self.inbox("bob")])

    def test_one_revoked_share_leaves_another_standing(self):
        rid = self.restricted("Twice Shared Almanac")["id"]
        first = self.share(rid, "studio", ["erin"])
        second = self.share(rid, "studio", ["erin"])
        self.ok(self.call("DELETE", "/v1/shares/" + first["id"], None, "studio"))
        self.assertEqual(self.content_status(rid, "erin"), 200)
        self.ok(self.call("DELETE", "/v1/shares/" + second["id"], None, "studio"))
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="erin"), 403, "access_denied")

    def test_revoking_a_forward_leaves_the_share_it_came_from(self):
        rid = self.restricted("Forwarded Almanac")["id"]
        share = self.share(rid, "studio", ["carol"])
        item = [i for i in self.inbox("carol") if i["share_id"] == share["id"]][0]
        forward = self.ok(self.call("POST", "/v1/shares", {"forward_of": item["id"], "to": ["erin"]}, "carol"),
                          201)["share"]
        self.assertEqual(self.content_status(rid, "erin"), 200)
        self.assertError(self.call("DELETE", "/v1/shares/" + forward["id"], None, "studio"), 404, "share_not_found")
        self.ok(self.call("DELETE", "/v1/shares/" + forward["id"], None, "carol"))
        self.assertError(self.call("GET", "/v1/resources/%s/content" % rid, who="erin"), 403, "access_denied")
        self.assertEqual(self.content_status(rid, "carol"), 200)


# ---- signed links ------------------------------------------------------------------

class LinkTest(CatalogCase):
    USERS = ("alice",)

    @classmethod
    def set_up_catalog(cls):
        cls.data = os.urandom(300 * 1024 + 7)
        cls.sha = hashlib.sha256(cls.data).hexdigest()
        cls.resource = cls.publish(cls.data, type="file", title="Big file", filename="big.bin")
        cls.link = json.loads(cls.call("POST", "/v1/resources/%s/link" % cls.resource["id"], None, "alice")[2])

    def test_a_providers_link_to_an_unpublished_resource_is_gone(self):
        r = self.publish(b"withdrawn", type="file", title="Withdrawn")
        link = self.ok(self.call("POST", "/v1/resources/%s/link" % r["id"], None, "studio"), 201)
        self.assertEqual(self.server.request("GET", link["path"])[0], 200)
        self.ok(self.call("DELETE", "/v1/resources/" + r["id"], who="studio"))
        self.assertError(self.server.request("GET", link["path"]), 410, "resource_gone")

    def test_link_answer(self):
        link = self.link
        self.assertEqual(set(link), {"url", "path", "expires_at", "resource_id"})
        self.assertEqual(link["resource_id"], self.resource["id"])
        self.assertTrue(link["path"].startswith("/v1/links/"))
        self.assertEqual(link["url"], "http://127.0.0.1:%d%s" % (self.server.port, link["path"]))
        now = time.time() * 1000
        self.assertLess(abs(link["expires_at"] - (now + 86400 * 1000)), 60 * 1000)  # default: 24 h
        short = self.ok(self.call("POST", "/v1/resources/%s/link" % self.resource["id"], {"expires_in": 60},
                                  "alice"), 201)
        self.assertLess(abs(short["expires_at"] - (now + 60 * 1000)), 10 * 1000)
        for bad in (0, 86401, "60", 1.5, -1):
            with self.subTest(expires_in=bad):
                status, _, body = self.call("POST", "/v1/resources/%s/link" % self.resource["id"],
                                            {"expires_in": bad}, "alice")
                self.assertEqual(status, 400, body)
                self.assertTrue(json.loads(body)["error"]["code"])
        self.assertEqual(self.call("POST", "/v1/resources/%s/link" % self.resource["id"], {})[0], 401)

    def test_link_serves_the_content_without_authorization(self):
        path = self.link["path"]
        status, headers, body = self.call("GET", path)
        self.assertEqual((status, len(body)), (200, len(self.data)))
        self.assertEqual(body, self.data)
        self.assertEqual(headers["etag"], '"%s"' % self.sha)
        status, headers, body = self.call("HEAD", path)
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(int(headers["content-length"]), len(self.data))
        status, headers, body = self.call("GET", path, headers={"Range": "bytes=1000-1999"})
        self.assertEqual((status, body), (206, self.data[1000:2000]))
        self.assertEqual(headers["content-range"], "bytes 1000-1999/%d" % len(self.data))
        status, _, body = self.call("GET", path, headers={"Range": "bytes=1000-", "If-Range": '"%s"' % self.sha})
        self.assertEqual((status, body), (206, self.data[1000:]))
        status, _, body = self.call("GET", path, headers={"Range": "bytes=1000-", "If-Range": '"stale"'})
        self.assertEqual((status, body), (200, self.data))

    def test_tampered_links_are_invalid(self):
        path = self.link["path"]
        token = path[len("/v1/links/"):]
        other = self.publish(b"other", title="Other")["id"]
        bad = [flipped(token), token[:-2], "not-a-token", token + "A"]
        for change in (lambda o: o.update({k: v + 3600 * 1000 for k, v in o.items() if isinstance(v, int)}),
                       lambda o: o.update({k: other for k, v in o.items() if v == self.resource["id"]})):
            f = forged(token, change)
            if f:
                bad.append(f)
        for t in bad:
            with self.subTest(token=t):
                self.assertError(self.call("GET", "/v1/links/" + t), 403, "link_invalid")
        self.assertEqual(self.call("HEAD", "/v1/links/" + flipped(token))[0], 403)
        self.assertEqual(self.call("GET", path)[0], 200)

    def test_expired_link(self):
        link = self.ok(self.call("POST", "/v1/resources/%s/link" % self.resource["id"], {"expires_in": 1},
                                 "alice"), 201)
        self.assertEqual(self.call("GET", link["path"])[0], 200)
        time.sleep(1.2)
        self.assertError(self.call("GET", link["path"]), 403, "link_expired")
        self.assertEqual(self.call("HEAD", link["path"])[0], 403)

    def test_curl_resumes_a_download_through_the_link(self):
        target = os.path.join(self.ws.path, "resumed.bin")
        with open(target, "wb") as f:
            f.write(self.data[:123457])
        r = subprocess.run(["curl", "-sS", "-f", "-C", "-", "-o", target, "-w", "%{http_code}", self.link["url"]],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "206")
        self.assertEqual(sha256_file(target), self.sha)
        # And a whole download from nothing.
        fresh = os.path.join(self.ws.path, "fresh.bin")
        r = subprocess.run(["curl", "-sS", "-f", "-o", fresh, "-w", "%{http_code}", self.link["url"]],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout), (0, "200"), r.stderr)
        self.assertEqual(sha256_file(fresh), self.sha)



class BlobCollectionTest(CatalogCase):
    """msgcenterd gc beside the running server: blobs no resource names go once
    older than the grace period; named ones (also of unpublished resources),
    young ones and handler packages stay."""

    def gc(self, *args):
        from tests.e2e.harness import MSGCENTERD
        r = subprocess.run([MSGCENTERD, "--data", self.server.data, "gc"] + list(args),
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout + r.stderr  # the summary, and the log's lines

    def blob_path(self, sha):
        return os.path.join(self.server.data, "blobs", sha[:2], sha)

    def test_only_unnamed_blobs_past_the_grace_are_removed(self):
        named = self.publish(b"named bytes " * 100, title="Named")
        gone = self.publish(b"unpublished bytes " * 100, title="Unpublished")
        self.ok(self.call("DELETE", "/v1/resources/" + gone["id"], who="studio"))
        orphan = self.upload(b"never published " * 100)
        handlers_dir = os.path.join(self.server.data, "blobs", "handlers", "demo")
        os.makedirs(handlers_dir, exist_ok=True)
        package = os.path.join(handlers_dir, "1.0.0-x.mch")
        with open(package, "wb") as f:
            f.write(b"a handler package")
        # With the default grace (24 h) a fresh orphan is kept: it may be about to be published.
        self.assertIn("removed 0 blobs", self.gc())
        self.assertTrue(os.path.exists(self.blob_path(orphan)))
        out = self.gc("--grace-hours", "0")
        # (Other tests of this class may leave unnamed blobs too: each is logged.)
        self.assertIn("event=blob_collected sha256=%s size=%d" % (orphan, len(b"never published " * 100)), out)
        self.assertRegex(out, r"removed [1-9]\d* blobs")
        self.assertFalse(os.path.exists(self.blob_path(orphan)))
        self.assertEqual(self.call("HEAD", "/v1/blobs/" + orphan, who="studio")[0], 404)
        for r in (named, gone):
            self.assertTrue(os.path.exists(self.blob_path(r["sha256"])))
            self.assertEqual(self.call("HEAD", "/v1/blobs/" + r["sha256"], who="studio")[0], 200)
        self.assertEqual(self.call("GET", "/v1/resources/%s/content" % gone["id"], who="studio")[0], 200)
        self.assertTrue(os.path.exists(package))
        # Uploaded again after collection: stored afresh and publishable.
        again = self.upload(b"never published " * 100)
        self.assertEqual(again, orphan)
        self.assertTrue(os.path.exists(self.blob_path(orphan)))
        self.publish(b"never published " * 100, title="Published at last")

    def test_a_blob_stored_again_is_young_again(self):
        sha = self.upload(b"re-uploaded " * 50)
        self.server.sql("UPDATE blobs SET created_at = 0 WHERE sha256 = '%s'" % sha)
        self.upload(b"re-uploaded " * 50)  # the provider is about to publish it
        self.assertIn("removed 0 blobs", self.gc("--grace-hours", "1"))
        self.assertTrue(os.path.exists(self.blob_path(sha)))

    def test_bad_grace_is_refused(self):
        from tests.e2e.harness import MSGCENTERD
        r = subprocess.run([MSGCENTERD, "--data", self.server.data, "gc", "--grace-hours", "-1"],
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("grace-hours", r.stderr)


class MsgcCatalogTest(CatalogCase):
    """The catalog through msgc, as the README documents it."""

    def setUp(self):
        from tests.e2e.harness import Msgc
        self.prov = Msgc(self.server, self.ws.sub("prov-%s" % self._testMethodName))
        self.prov.run("login", "studio", stdin="studio-password\n")
        self.alice = Msgc(self.server, self.ws.sub("alice-%s" % self._testMethodName))
        self.alice.run("login", "alice", stdin="alice-password\n")
        self.file = os.path.join(self.ws.sub("files-%s" % self._testMethodName), "novel.txt")
        text, self.offsets = novel_text(salt=self._testMethodName)
        with open(self.file, "wb") as f:
            f.write(text)

    def test_publish_uploads_once_and_takes_the_model_flags(self):
        first = self.prov.json_lines("publish", self.file, "--type", "novel", "--title", "港口的灯 Harbour lamps",
                                     "--description", "A keeper's year", "--access", "restricted",
                                     "--not-shareable", "--share-access-seconds", "600", "--attributes",
                                     json.dumps({"chapters": [{"title": "One", "offset": 0}]}))[0]
        self.assertTrue(first["uploaded"])
        self.assertEqual(first["access"], "restricted")
        self.assertFalse(first["shareable"])
        self.assertEqual(first["share_access_seconds"], 600)
        self.assertEqual(first["attributes"], {"chapters": [{"title": "One", "offset": 0}]})
        again = self.prov.run("publish", self.file, "--type", "novel", "--title", "Again")
        self.assertIn("nothing was uploaded", again.stderr)
        bad = self.prov.run("publish", self.file, "--type", "novel", "--title", "Bad", "--attributes", "[1]",
                            check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("attributes", bad.stderr)
        contradiction = self.prov.run("publish", self.file, "--type", "novel", "--title", "X", "--shareable",
                                      "--not-shareable", check=False)
        self.assertEqual(contradiction.returncode, 2)

    def test_search_update_unpublish_link_and_revoke(self):
        rid = self.prov.run("publish", self.file, "--type", "novel", "--title", "灯塔守护者 The Lighthouse",
                            "--tags", "sea").stdout.strip()
        found = self.alice.run("catalog", "--search", "灯塔", "-q").stdout.split()
        self.assertIn(rid, found)
        self.assertIn(rid, self.alice.run("catalog", "--tag", "sea", "--sort", "new", "-q").stdout.split())
        self.prov.run("resource", "update", rid, "--title", "The Keeper", "--access", "restricted")
        shown = self.alice.run("resource", rid).stdout
        self.assertIn("title: The Keeper", shown)
        self.assertIn("access: restricted", shown)
        denied = self.alice.run("link", rid, check=False)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("access_denied", denied.stderr)
        self.prov.run("resource", "grant", rid, "alice")
        self.assertEqual(self.prov.run("resource", "grants", rid).stdout.split(), ["alice"])
        url = self.alice.run("link", rid, "--expires-in", "600").stdout.strip()
        out = os.path.join(self.ws.sub("dl-%s" % self._testMethodName), "got.txt")
        subprocess.run(["curl", "-sf", "-o", out, url], check=True, timeout=30)
        self.assertEqual(sha256_file(out), sha256_file(self.file))
        share_id = self.prov.run("share", rid, "--to", "bob").stdout.strip()
        self.assertIn("revoked", self.prov.run("revoke", share_id).stdout)
        self.prov.run("resource", "unpublish", rid)
        gone = self.alice.run("resource", rid, check=False)
        self.assertIn("resource_gone", gone.stderr)
        self.assertNotIn(rid, self.alice.run("catalog", "--search", "keeper", "-q", check=False).stdout.split())
        usage = self.prov.run("resource", "grant", rid, check=False)
        self.assertEqual(usage.returncode, 2)


class DemoCatalogTest(unittest.TestCase):
    """msgcenterd --demo seeds a resource of every kind that needs no encoder
    (make run adds a video and an Ogg sound made with ffmpeg), each with its
    attributes, one titled in Chinese."""

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.server = Server(cls.ws.sub("server"), "--demo").start()
        cls.addClassCleanup(cls.server.kill)
        cls.token = cls.server.login_token("alice", "alice-pass")

    def get(self, path):
        status, _, body = self.server.request("GET", path, token=self.token)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_every_kind_with_its_attributes(self):
        rs = self.get("/v1/resources?limit=200")["resources"]
        by_type = {}
        for r in rs:
            by_type.setdefault(r["type"], []).append(r)
        for kind in ("novel", "music", "product", "game", "webpage", "file"):
            self.assertIn(kind, by_type)
        product = by_type["product"][0]
        self.assertEqual(product["attributes"]["currency"], "EUR")
        image = self.get("/v1/resources/" + product["attributes"]["images"][0])["resource"]
        self.assertEqual(image["mime"], "image/svg+xml")
        page = by_type["webpage"][0]
        for rid in page["attributes"]["assets"]:
            self.get("/v1/resources/" + rid)
        self.assertEqual(by_type["game"][0]["attributes"], {"handler": "sudoku"})
        self.assertEqual(by_type["music"][0]["attributes"]["format"]["container"], "wav")

    def test_the_chinese_novel_is_in_chapters_and_found_by_two_characters(self):
        found = self.get("/v1/resources?q=" + urllib.parse.quote("港的"))["resources"]
        self.assertEqual([r["title"] for r in found], ["海港的灯"])
        novel = found[0]
        status, _, text = self.server.request("GET", "/v1/resources/%s/content" % novel["id"], token=self.token)
        self.assertEqual(status, 200)
        raw = text.encode() if isinstance(text, str) else text
        chapters = novel["attributes"]["chapters"]
        self.assertEqual(len(chapters), 3)
        for c in chapters:
            self.assertTrue(raw[c["offset"]:].startswith(c["title"].encode()), c)

if __name__ == "__main__":
    unittest.main()
