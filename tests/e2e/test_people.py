"""People, end to end against the real msgcenterd and msgc (docs/protocol.md,
"People", "Shares and forwards", "The inbox"): the user's own phone number
and e-mail address and their codes, private address-book matching from real
address-book exports (tests/data/address_books/) with a check that no
number or address of a non-user ever reaches the server, the discovery
settings, friend requests, who may share with whom, blocking, the
enumeration limits and bad input.

Each class runs its own msgcenterd. Its log (stderr, in server.log_path) is
where the verification codes (`event=verification_code ... code=NNNNNN`) are
read from, and part of what the privacy check searches."""

import base64
import csv
import io
import json
import os
import re
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from tests.e2e import harness
from tests.e2e.harness import Msgc, RawStream, Server, Workspace

BOOKS = os.path.join(harness.ROOT, "tests", "data", "address_books")

# The ristretto255 generator (RFC 9496): a valid point for /v1/contacts/evaluate.
GENERATOR = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def error_code(body):
    return json.loads(body)["error"]["code"]


# ---- a server whose log is read ---------------------------------------------

class LoggedServer(Server):
    """msgcenterd, with what its log (stderr, in log_path) says."""

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def codes(self, network_id, kind):
        return re.findall(r"event=verification_code network_id=%s kind=%s to=(\S+) code=(\d{6})"
                          % (re.escape(network_id), kind), self.log_text())

    def wait_for_code(self, network_id, kind, seen, timeout=5):
        """The code of the (seen+1)th code line for NETWORK_ID and KIND: (to, code)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.codes(network_id, kind)
            if len(found) > seen:
                return found[seen]
            time.sleep(0.02)
        raise AssertionError("no verification code for %s (%s) in %s" % (network_id, kind, self.log_path))


# ---- a user: msgc with its own home, and its token for raw requests ------------

class Person:
    def __init__(self, server, ws, network_id):
        self.server = server
        self.id = network_id
        self.cli = Msgc.registered(server, ws.sub("home-" + network_id), network_id)
        with open(os.path.join(self.cli.home, "profile.json")) as f:
            self.token = json.load(f)["token"]

    # raw HTTP
    def call(self, method, path, body=None, headers=None):
        return self.server.request(method, path, body, token=self.token, headers=headers)

    def ok(self, method, path, body=None, status=200):
        got, _, data = self.call(method, path, body)
        assert got == status, "%s %s: %d %s" % (method, path, got, data)
        return json.loads(data) if data else None

    def profile(self):
        return self.ok("GET", "/v1/me/profile")["profile"]

    def set_profile(self, **fields):
        return self.ok("PUT", "/v1/me/profile", fields)["profile"]

    def contact_ids(self):
        return sorted(p["network_id"] for p in self.ok("GET", "/v1/contacts")["contacts"])

    def friend_ids(self):
        return sorted(p["network_id"] for p in self.ok("GET", "/v1/friends")["friends"])

    def directory(self):
        """The directory's entries (one-way hashes of tags, not tags)."""
        return set(self.ok("GET", "/v1/contacts/directory")["entries"])

    def cached_tags(self):
        """The tags this terminal evaluated in its imports (HOME/contacts.json)."""
        with open(os.path.join(self.cli.home, "contacts.json")) as f:
            return sorted(json.load(f)["tags"].values())

    def inbox(self):
        return self.ok("GET", "/v1/inbox?limit=1000")

    # msgc
    def run(self, *args, check=True):
        return self.cli.run(*args, check=check)

    def json(self, *args):
        lines = self.cli.json_lines(*args)
        assert len(lines) == 1, lines
        return lines[0]

    def confirm(self, kind, value):
        """Adds KIND VALUE with msgc and confirms it with the code from the log;
        returns the normalised value."""
        seen = len(self.server.codes(self.id, kind))
        added = self.json("identity", "add", kind, value)["identifier"]
        _, code = self.server.wait_for_code(self.id, kind, seen)
        verified = self.json("identity", "verify", code)["identifier"]
        assert verified["status"] == "verified", verified
        assert verified["value"] == added["value"], (added, verified)
        return verified["value"]

    def import_book(self, path, *args):
        """`msgc --json contacts import`: the summary."""
        return self.json("contacts", "import", path, *args)


class PeopleCase(unittest.TestCase):
    """One LoggedServer per class (SERVER_ARGS), people made by person()."""

    SERVER_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.server = LoggedServer(cls.ws.sub("server"), *cls.SERVER_ARGS).start()
        cls.addClassCleanup(cls.server.kill)
        cls.set_up_people()

    @classmethod
    def set_up_people(cls):
        pass

    @classmethod
    def person(cls, network_id, region=None, **profile):
        p = Person(cls.server, cls.ws, network_id)
        if region is not None:
            profile["region"] = region
        if profile:
            p.set_profile(**profile)
        return p

    def assertError(self, answer, status, code):
        got, _, body = answer
        self.assertEqual((got, error_code(body) if got >= 400 else body), (status, code), body)
        return json.loads(body)

    def assertCliFails(self, result, code):
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(code, result.stderr)
        self.assertTrue(result.stderr.startswith("error: "), result.stderr)


# ---- address books: copies of the fixtures with one more person ---------------

def fixture_bytes(name):
    with open(os.path.join(BOOKS, name), "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def ios_card(given, family, tel=None, email=None):
    """A card as the iPhone exports it (vCard 3.0, CRLF, item groups)."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.2//EN",
             "N:%s;%s;;;" % (family, given), "FN:%s %s" % (given, family)]
    if email:
        lines += ["item1.EMAIL;type=INTERNET;type=pref:" + email, "item1.X-ABLabel:_$!<Home>!$_"]
    if tel:
        lines += ["TEL;type=CELL;type=VOICE;type=pref:" + tel]
    lines += ["END:VCARD"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def android_card(given, family, tel=None, email=None):
    """A card as Android exports it (vCard 2.1, quoted-printable UTF-8 names, CRLF)."""
    def qp(s):
        return "".join("=%02X" % c for c in s.encode("utf-8"))
    lines = ["BEGIN:VCARD", "VERSION:2.1",
             "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:%s;%s;;;" % (qp(family), qp(given)),
             "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp(given + " " + family)]
    if tel:
        lines += ["TEL;CELL:" + tel]
    if email:
        lines += ["EMAIL;HOME:" + email]
    lines += ["END:VCARD"]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def vcard4_card(name, tel=None, email=None):
    lines = ["BEGIN:VCARD", "VERSION:4.0", "FN:" + name]
    if tel:
        lines += ['TEL;VALUE=uri;TYPE="voice,cell":tel:' + tel]
    if email:
        lines += ["EMAIL;TYPE=home:mailto:" + email]
    lines += ["END:VCARD"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def csv_rows(fixture, encoding, rows, quote_all, newline):
    """FIXTURE (a CSV export) with ROWS ({column: value}) added in its own
    format: same header, encoding, quoting and line ends."""
    data = fixture_bytes(fixture)
    text = data.decode(encoding)
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=newline)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, unknown
        writer.writerow([row.get(col, "") for col in header])
    return data + out.getvalue().encode(encoding)


def google_csv(rows):
    """google_contacts.csv (older Google CSV header, UTF-8, CRLF) plus ROWS."""
    return csv_rows("google_contacts.csv", "utf-8", rows, quote_all=False, newline="\r\n")


def outlook_csv(rows):
    """outlook_contacts.csv (windows-1252, every field quoted, CRLF) plus ROWS."""
    return csv_rows("outlook_contacts.csv", "cp1252", rows, quote_all=True, newline="\r\n")


def thunderbird_csv(rows):
    return csv_rows("thunderbird.csv", "utf-8", rows, quote_all=False, newline="\n")


# ==== 1. identity ===============================================================

class IdentityTest(PeopleCase):
    """Your phone number and e-mail address: normalised, pending until the
    code comes back, errors that say what is wrong."""

    def test_national_number_is_read_in_region_and_confirmed_by_code(self):
        ida = self.person("ida")
        ida.run("settings", "--region", "DE")
        seen = len(self.server.codes("ida", "phone"))
        added = ida.json("identity", "add", "phone", "0151 2345 6789")["identifier"]
        self.assertEqual(added["kind"], "phone")
        self.assertEqual(added["value"], "+4915123456789")
        self.assertEqual(added["status"], "pending")
        self.assertGreater(added["expires_at"], time.time() * 1000)
        to, code = self.server.wait_for_code("ida", "phone", seen)
        self.assertEqual(to, "+4915123456789")

        wrong = "%06d" % ((int(code) + 1) % 1000000)
        r = ida.run("identity", "verify", wrong, check=False)
        self.assertCliFails(r, "invalid_code")
        self.assertIn("4 attempts left", r.stderr)
        self.assertEqual(ida.json("identity", "list")["identifiers"][0]["status"], "pending")

        verified = ida.json("identity", "verify", code)["identifier"]
        self.assertEqual((verified["value"], verified["status"]), ("+4915123456789", "verified"))
        self.assertIn("verified_at", verified)
        listed = ida.json("identity", "list")["identifiers"]
        self.assertEqual([(i["kind"], i["value"], i["status"]) for i in listed],
                         [("phone", "+4915123456789", "verified")])
        self.assertIn("+4915123456789: verified", ida.run("identity", "list").stdout)
        self.assertEqual(ida.profile()["identifiers"], listed)
        # The code is used up.
        self.assertCliFails(ida.run("identity", "verify", code, check=False), "no_pending_code")

    def test_email_is_trimmed_lower_cased_and_mailto_dropped(self):
        eve = self.person("eve")
        value = eve.confirm("email", "  mailto:Eve.Example@Example.ORG ")
        self.assertEqual(value, "eve.example@example.org")
        listed = eve.json("identity", "list")["identifiers"]
        self.assertEqual([(i["kind"], i["value"], i["status"]) for i in listed],
                         [("email", "eve.example@example.org", "verified")])

    def test_invalid_numbers_addresses_and_regions_are_refused(self):
        nora = self.person("nora")  # no region yet
        post = lambda kind, value: nora.call("POST", "/v1/me/identifiers", {"kind": kind, "value": value})
        self.assertError(post("phone", "0151 2345 6789"), 400, "region_required")
        self.assertError(post("phone", "+49 12"), 400, "invalid_phone")
        self.assertError(post("phone", "call me maybe"), 400, "invalid_phone")
        self.assertError(post("phone", "+1 415 555 01"), 400, "invalid_phone")
        self.assertError(post("email", "nora@"), 400, "invalid_email")
        self.assertError(post("email", "nora at example.org"), 400, "invalid_email")
        self.assertError(post("email", "a@b@example.org"), 400, "invalid_email")
        self.assertError(nora.call("PUT", "/v1/me/profile", {"region": "XX"}), 400, "invalid_region")
        self.assertError(nora.call("PUT", "/v1/me/profile", {"region": "Germany"}), 400, "invalid_region")
        self.assertEqual(nora.profile()["identifiers"], [])
        self.assertEqual(nora.profile()["region"], "")

        self.assertCliFails(nora.run("identity", "add", "phone", "0151 2345 6789", check=False), "region_required")
        self.assertCliFails(nora.run("identity", "add", "phone", "call me maybe", check=False), "invalid_phone")
        self.assertCliFails(nora.run("identity", "add", "email", "nora@", check=False), "invalid_email")
        self.assertCliFails(nora.run("settings", "--region", "ZZ", check=False), "invalid_region")
        # Any case, stored upper case.
        self.assertEqual(nora.set_profile(region="de")["region"], "DE")
        self.assertEqual(nora.json("identity", "add", "phone", "0151 2345 6789")["identifier"]["value"],
                         "+4915123456789")

    def test_five_wrong_codes_drop_the_code(self):
        wes = self.person("wes")
        seen = len(self.server.codes("wes", "email"))
        wes.json("identity", "add", "email", "wes@example.net")
        _, code = self.server.wait_for_code("wes", "email", seen)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        lefts = []
        for _ in range(5):
            status, _, body = wes.call("POST", "/v1/me/identifiers/verify", {"code": wrong})
            lefts.append((status, error_code(body)))
        self.assertEqual(lefts[:4], [(400, "invalid_code")] * 4)
        # The fifth wrong code drops it: now even the right one finds nothing.
        self.assertError(wes.call("POST", "/v1/me/identifiers/verify", {"code": code}), 404, "no_pending_code")
        self.assertEqual(wes.profile()["identifiers"], [])

    def test_attempts_left_count_down(self):
        val = self.person("val")
        seen = len(self.server.codes("val", "email"))
        val.json("identity", "add", "email", "val@example.net")
        _, code = self.server.wait_for_code("val", "email", seen)
        wrong = "%06d" % ((int(code) + 7) % 1000000)
        messages = [json.loads(val.call("POST", "/v1/me/identifiers/verify", {"code": wrong})[2])["error"]["message"]
                    for _ in range(3)]
        for left, message in zip((4, 3, 2), messages):
            self.assertIn("%d attempts left" % left, message)
        self.assertEqual(val.ok("POST", "/v1/me/identifiers/verify", {"code": code})["identifier"]["status"],
                         "verified")

    def test_a_code_confirms_the_identifier_it_was_sent_to(self):
        ivy = self.person("ivy", region="DE")
        seen = len(self.server.codes("ivy", "email"))
        ivy.json("identity", "add", "phone", "0171 2223334")
        ivy.json("identity", "add", "email", "ivy@example.net")
        _, code = self.server.wait_for_code("ivy", "email", seen)
        self.assertEqual(ivy.json("identity", "verify", code)["identifier"]["value"], "ivy@example.net")
        listed = {i["kind"]: i["status"] for i in ivy.json("identity", "list")["identifiers"]}
        self.assertEqual(listed, {"email": "verified", "phone": "pending"})

    def test_a_new_number_replaces_the_old_once_confirmed(self):
        rob = self.person("rob", region="DE")
        rob.confirm("phone", "0151 2345 6789")
        seen = len(self.server.codes("rob", "phone"))
        rob.json("identity", "add", "phone", "+49 172 3456789")
        listed = {(i["value"], i["status"]) for i in rob.json("identity", "list")["identifiers"]}
        self.assertIn(("+4915123456789", "verified"), listed)  # the old one holds until the new is confirmed
        self.assertIn(("+491723456789", "pending"), listed)
        _, code = self.server.wait_for_code("rob", "phone", seen)
        rob.json("identity", "verify", code)
        listed = [(i["kind"], i["value"], i["status"]) for i in rob.json("identity", "list")["identifiers"]]
        self.assertEqual(listed, [("phone", "+491723456789", "verified")])

    def test_whoever_confirms_a_number_holds_it(self):
        old = self.person("old-owner", region="US")
        new = self.person("new-owner", region="US")
        old.confirm("phone", "(650) 234-5678")
        self.assertEqual(new.confirm("phone", "+1 650-234-5678"), "+16502345678")
        self.assertEqual(old.profile()["identifiers"], [])
        self.assertEqual([i["value"] for i in new.profile()["identifiers"]], ["+16502345678"])

    def test_remove_an_identifier(self):
        rae = self.person("rae")
        rae.confirm("email", "rae@example.net")
        self.assertEqual(rae.call("DELETE", "/v1/me/identifiers/email")[0], 204)
        self.assertEqual(rae.profile()["identifiers"], [])
        self.assertError(rae.call("DELETE", "/v1/me/identifiers/email"), 404, "identifier_not_found")
        self.assertCliFails(rae.run("identity", "remove", "phone", check=False), "identifier_not_found")

    def test_five_codes_an_hour(self):
        cod = self.person("cody")
        for n in range(5):
            cod.ok("POST", "/v1/me/identifiers", {"kind": "email", "value": "cody%d@example.net" % n}, status=202)
        status, headers, body = cod.call("POST", "/v1/me/identifiers", {"kind": "email", "value": "cody@example.net"})
        self.assertEqual((status, error_code(body)), (429, "rate_limited"), body)
        self.assertGreater(int(headers["retry-after"]), 0)
        self.assertEqual(len(self.server.codes("cody", "email")), 5)  # no sixth code went out

    def test_parallel_guesses_each_spend_an_attempt(self):
        # Twenty wrong guesses at once still get five tries between them.
        eve = self.person("eva", region="DE")
        seen = len(self.server.codes("eva", "phone"))
        eve.json("identity", "add", "phone", "0176 12345678")
        _, code = self.server.wait_for_code("eva", "phone", seen)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        guess = lambda _: eve.call("POST", "/v1/me/identifiers/verify", {"code": wrong})[0]
        with ThreadPoolExecutor(20) as pool:
            statuses = sorted(pool.map(guess, range(20)))
        self.assertEqual(statuses, [400] * 5 + [404] * 15)
        self.assertError(eve.call("POST", "/v1/me/identifiers/verify", {"code": code}), 404, "no_pending_code")

    def test_codes_to_one_number_are_limited_whoever_asks(self):
        # Ten codes a day to one number, however many accounts ask for it.
        askers = [self.person("ask%d" % i, region="DE") for i in range(4)]
        statuses = []
        for who in askers:
            for _ in range(3):
                statuses.append(who.call("POST", "/v1/me/identifiers", {"kind": "phone", "value": "0177 7654321"})[0])
        self.assertEqual(statuses, [202] * 10 + [429] * 2)


# ==== 2. private matching from real address books ================================

AVA_PHONE, AVA_EMAIL = "+491719876543", "ava.adler@example.net"
BEN_PHONE, BEN_EMAIL = "+14152345678", "ben.brandt@example.net"

# Every number (as written) and address in ios_3.0.vcf, google_contacts.csv
# and android_2.1.vcf, with the E.164 forms it may be read as. None of them
# belongs to a user.
STRANGER_NUMBERS = [
    ("+33 6 12 34 56 78", "+33612345678"),
    ("00 33 1 23 45 67 89", "+33123456789"),
    ("+1 (415) 555-0132", "+14155550132"),
    ("555.0199", None),
    ("+44 20 7946 0958 ext. 123", "+442079460958"),
    ("090-1234-5678", "+819012345678"),
    ("090-1234-5678", "+499012345678"),
    ("+39 081 553 9204", "+390815539204"),
    ("0151 2345 6789", "+4915123456789"),
    ("+49 160 1234567", "+491601234567"),
    ("(030) 123 456-78", "+493012345678"),
    ("+81 90-1234-5678", "+819012345678"),
    ("+81 3-1234-5678", "+81312345678"),
    ("+86 10 6552 9988", "+861065529988"),
]
STRANGER_EMAILS = ["amelie.dupont@example.fr", "max@example.at", "juergen@example.de",
                   "anna.smith@example.com", "a.smith@example.org", "juergen.mueller@example.de",
                   "t.yamada@example.co.jp", "xiaoming.wang@example.cn"]


def stranger_needles():
    """Each way a stranger's number or address could be written down."""
    needles = set()
    for written, e164 in STRANGER_NUMBERS:
        needles.add(written)
        needles.add(re.sub(r"\D", "", written))
        if e164:
            needles.add(e164)
            needles.add(e164[1:])
    for email in STRANGER_EMAILS:
        needles.add(email)
        needles.add(email.upper())
    return sorted(needles)


def files_under(top):
    for root, _, names in os.walk(top):
        for name in names:
            yield os.path.join(root, name)


class PrivateMatchingTest(PeopleCase):
    """Ava (iPhone vCard, region DE) and Ben (Google CSV, region US) are new
    users; each has the other in an address book full of strangers. Cyd
    imports the Android vCard (region DE), strangers only."""

    @classmethod
    def set_up_people(cls):
        cls.ava = cls.person("ava", region="DE", display_name="Ava A.")
        cls.ben = cls.person("ben", region="US", display_name="Ben B.")
        # Typed the way people type them; stored normalised.
        assert cls.ava.confirm("phone", "0171 9876543") == AVA_PHONE
        assert cls.ava.confirm("email", "Ava.Adler@Example.NET") == AVA_EMAIL
        assert cls.ben.confirm("phone", "(415) 234-5678") == BEN_PHONE
        assert cls.ben.confirm("email", BEN_EMAIL) == BEN_EMAIL
        cls.ava.run("settings", "--findable", "phone,email")
        cls.ben.run("settings", "--findable", "phone,email")

        # Ava's phone knows Ben by his number, written the US way.
        cls.ava_book = write(os.path.join(cls.ws.path, "ava-contacts.vcf"),
                             fixture_bytes("ios_3.0.vcf") +
                             ios_card("Benjamin", "Brandt", tel="+1 (415) 234-5678"))
        # Ben's Google contacts know Ava by her address, in other case.
        cls.ben_book = write(os.path.join(cls.ws.path, "ben-contacts.csv"), google_csv([{
            "Name": "Ava Adler-Öztürk", "Given Name": "Ava", "Family Name": "Adler-Öztürk",
            "Group Membership": "* myContacts", "E-mail 1 - Type": "* Home",
            "E-mail 1 - Value": "AVA.ADLER@example.net", "Phone 1 - Type": "Mobile",
            "Phone 1 - Value": "+33 6 12 34 56 78"}]))
        cls.ava_import = cls.ava.import_book(cls.ava_book)
        cls.ben_import = cls.ben.import_book(cls.ben_book)
        cyd = cls.person("cyd", region="DE")
        assert cyd.import_book(os.path.join(BOOKS, "android_2.1.vcf"))["matches"] == []

    def test_each_finds_the_other_with_the_address_books_name(self):
        self.assertEqual(self.ava_import["format"], "vcard")
        self.assertEqual([(m["network_id"], m["names"]) for m in self.ava_import["matches"]],
                         [("ben", ["Benjamin Brandt"])])
        self.assertEqual([(m["network_id"], m["names"]) for m in self.ben_import["matches"]],
                         [("ava", ["Ava Adler-Öztürk"])])

        listed = self.ava.json("contacts")["contacts"]
        self.assertEqual([(c["network_id"], c["display_name"], c["names"]) for c in listed],
                         [("ben", "Ben B.", ["Benjamin Brandt"])])
        human = self.ben.run("contacts").stdout
        self.assertIn("ava", human)
        self.assertIn("Ava Adler-Öztürk", human)

        for me, other, name in ((self.ava, "ben", "Ben B."), (self.ben, "ava", "Ava A.")):
            people = me.ok("GET", "/v1/contacts")["contacts"]
            self.assertEqual([(p["network_id"], p["display_name"]) for p in people], [(other, name)])
            self.assertIsInstance(people[0]["since"], int)

    def test_directory_holds_the_others_entries_only(self):
        # Two findable identifiers of the other user; never the caller's own.
        for me in (self.ava, self.ben):
            answer = me.ok("GET", "/v1/contacts/directory")
            self.assertEqual(answer["entry_bytes"], 16)
            self.assertEqual(len(answer["entries"]), 2, answer)
            for entry in answer["entries"]:
                self.assertRegex(entry, r"^[A-Za-z0-9_-]{22}$")
        self.assertFalse(self.ava.directory() & self.ben.directory())

    def test_a_copy_of_the_directory_finds_no_one(self):
        # Entries are not tags: sent back, they match nobody, so the
        # directory cannot be turned into a list of the findable users.
        entries = sorted(self.ava.directory())
        answer = self.ava.ok("PUT", "/v1/contacts", {"tags": entries})
        self.assertEqual(answer["matched"], [])
        self.ava.import_book(self.ava_book)  # her contacts as they were

    def test_no_strangers_number_or_address_reaches_the_server(self):
        # Let the server write back its WAL and log; then read every byte it keeps.
        time.sleep(0.2)
        sources = list(files_under(self.server.data)) + [self.server.log_path]
        self.assertTrue(any(p.endswith("-wal") or p.endswith(".db") for p in sources), sources)
        leaks = []
        for path in sources:
            with open(path, "rb") as f:
                data = f.read()
            for needle in stranger_needles():
                for encoded in {needle.encode("utf-8"), needle.encode("utf-16-le")}:
                    if encoded in data:
                        leaks.append((os.path.relpath(path, self.ws.path), needle))
        self.assertEqual(leaks, [])
        # The check can fail: the users' own confirmed identifiers are there.
        with open(os.path.join(self.server.data, "msgcenter.db"), "rb") as f:
            db = f.read()
        wal = os.path.join(self.server.data, "msgcenter.db-wal")
        if os.path.exists(wal):
            with open(wal, "rb") as f:
                db += f.read()
        self.assertIn(AVA_PHONE.encode(), db + self.server.log_text().encode())

    def test_client_home_keeps_names_but_no_number_or_address(self):
        for me, name in ((self.ava, "Benjamin Brandt"), (self.ben, "Ava Adler-Öztürk")):
            kept = b""
            for path in files_under(me.cli.home):
                with open(path, "rb") as f:
                    data = f.read()
                kept += data
                for needle in stranger_needles() + [AVA_PHONE, BEN_PHONE, AVA_EMAIL, BEN_EMAIL]:
                    self.assertNotIn(needle.encode(), data, path)
            self.assertIn(name.encode(), kept)

    def test_reimport_evaluates_only_new_identifiers(self):
        self.assertGreater(self.ava_import["evaluated"], 0)
        again = self.ava.import_book(self.ava_book)
        self.assertEqual(again["evaluated"], 0)
        self.assertEqual([m["network_id"] for m in again["matches"]], ["ben"])
        self.assertEqual(self.ava.contact_ids(), ["ben"])

    def test_import_reads_numbers_without_country_code_in_region(self):
        # Ben's region is US: "(415) 234-5678" in an Android card is his number.
        book = write(os.path.join(self.ws.path, "android-ben.vcf"),
                     fixture_bytes("android_2.1.vcf") + android_card("Bénédicte", "Brandt", tel="(415) 234-5678"))
        cleo = self.person("cleo")
        no_region = cleo.import_book(book)
        self.assertEqual(no_region["matches"], [])
        self.assertTrue(any("region" in p["message"] for p in no_region["problems"]), no_region["problems"])
        found = cleo.import_book(book, "--region", "US")
        self.assertEqual([(m["network_id"], m["names"]) for m in found["matches"]],
                         [("ben", ["Bénédicte Brandt"])])
        cleo.set_profile(region="US")
        self.assertEqual([m["network_id"] for m in cleo.import_book(book)["matches"]], ["ben"])

    def test_bad_import_region_is_refused_or_harmless(self):
        # A region that does not exist must not silently drop numbers that
        # carry their own country code: refuse it, or read them anyway.
        book = write(os.path.join(self.ws.path, "intl-ben.vcf"),
                     fixture_bytes("android_2.1.vcf") + android_card("Ben", "Brandt", tel="+1 (415) 234-5678"))
        dora = self.person("dora")
        r = dora.run("--json", "contacts", "import", book, "--region", "ZZ", check=False)
        if r.returncode == 0:
            summary = json.loads(r.stdout.splitlines()[0])
            self.assertEqual([m["network_id"] for m in summary["matches"]], ["ben"],
                             "--region ZZ was accepted and +1 (415) 234-5678 was skipped: %s" % summary["problems"])
        else:
            self.assertCliFails(r, "region")


# ==== 3. discovery settings ==================================================

CARA_PHONE, CARA_EMAIL = "+491723456789", "cara@example.net"


class DiscoveryTest(PeopleCase):
    """Cara has a confirmed phone and address; Dan (Outlook CSV, Android vCard)
    finds her only as her `findable` says."""

    @classmethod
    def set_up_people(cls):
        cls.cara = cls.person("cara", region="DE", display_name="Cara C.")
        cls.cara.confirm("phone", "0172 3456789")
        cls.cara.confirm("email", CARA_EMAIL)
        cls.dan = cls.person("dan", region="DE")
        # Outlook knows Cara's mobile only; Android knows her address only.
        cls.phone_book = write(os.path.join(cls.ws.path, "dan-outlook.csv"), outlook_csv([{
            "First Name": "Carä", "Last Name": "Cäsar", "Mobile Phone": "0172 3456789",
            "E-mail Address": "", "Gender": "Unspecified", "Priority": "Normal", "Private": "False",
            "Sensitivity": "Normal"}]))
        cls.email_book = write(os.path.join(cls.ws.path, "dan-android.vcf"), fixture_bytes("android_2.1.vcf") +
                               android_card("Cara", "Cäsar", email="Cara@Example.net"))
        cls.plain_book = os.path.join(BOOKS, "android_2.1.vcf")

    def found(self, book):
        return [m["network_id"] for m in self.dan.import_book(book)["matches"]]

    def test_nobody_is_findable_by_default(self):
        fresh = self.person("fay", region="DE")
        fresh.confirm("phone", "0173 4567890")
        self.assertEqual(fresh.profile()["findable"], [])
        book = write(os.path.join(self.ws.path, "fay.vcf"), android_card("Fay", "F", tel="0173 4567890"))
        self.assertEqual(self.dan.import_book(book)["matches"], [])
        self.assertEqual(self.dan.contact_ids(), [])

    def test_findable_by_email_only_is_not_found_by_phone(self):
        self.cara.run("settings", "--findable", "email")
        self.assertEqual(self.found(self.phone_book), [])
        self.assertEqual(self.dan.contact_ids(), [])
        self.assertEqual(self.found(self.email_book), ["cara"])
        self.assertEqual(self.dan.contact_ids(), ["cara"])

    def test_findable_by_phone_only_is_not_found_by_email(self):
        self.cara.run("settings", "--findable", "phone")
        self.assertEqual(self.found(self.email_book), [])
        self.assertEqual(self.found(self.phone_book), ["cara"])
        listed = self.dan.json("contacts")["contacts"]
        self.assertEqual([(c["network_id"], c["names"]) for c in listed], [("cara", ["Carä Cäsar"])])

    def test_reimport_without_the_card_drops_the_contact(self):
        self.cara.run("settings", "--findable", "phone,email")
        self.assertEqual(self.found(self.phone_book), ["cara"])
        since = self.dan.ok("GET", "/v1/contacts")["contacts"][0]["since"]
        self.assertEqual(self.found(self.email_book), ["cara"])
        self.assertEqual(self.dan.ok("GET", "/v1/contacts")["contacts"][0]["since"], since)  # kept
        self.assertEqual(self.found(self.plain_book), [])
        self.assertEqual(self.dan.contact_ids(), [])
        self.assertEqual(self.dan.json("contacts")["contacts"], [])

    def test_turning_findable_off_stops_old_tags_matching(self):
        self.cara.run("settings", "--findable", "none")
        others = self.dan.directory()
        self.cara.run("settings", "--findable", "phone,email")
        self.assertEqual(len(self.dan.directory() - others), 2)
        self.assertEqual(self.found(self.phone_book), ["cara"])
        tags = self.dan.cached_tags()  # the tag of her number is among them
        matched = lambda: [m["network_id"] for m in self.dan.ok("PUT", "/v1/contacts", {"tags": tags})["matched"]]
        self.assertIn("cara", matched())
        self.cara.run("settings", "--findable", "none")
        self.assertEqual(self.cara.profile()["findable"], [])
        self.assertEqual(self.dan.directory(), others)
        self.assertNotIn("cara", matched())
        self.assertNotIn("cara", self.dan.contact_ids())

    def test_a_pending_identifier_is_never_found(self):
        gil = self.person("gil", region="DE")
        gil.json("identity", "add", "phone", "0174 5678901")
        gil.run("settings", "--findable", "phone")
        book = write(os.path.join(self.ws.path, "gil.vcf"), android_card("Gil", "G", tel="0174 5678901"))
        self.assertEqual(self.dan.import_book(book)["matches"], [])

    def test_a_number_that_moved_finds_its_new_holder(self):
        old = self.person("hal", region="DE", findable=["phone"])
        new = self.person("hank", region="DE", findable=["phone"])
        book = write(os.path.join(self.ws.path, "hal.vcf"), android_card("Hal", "H", tel="0175 6789012"))
        old.confirm("phone", "0175 6789012")
        self.assertEqual(self.dan.import_book(book)["matches"][0]["network_id"], "hal")
        new.confirm("phone", "+49 175 6789012")
        self.assertEqual([m["network_id"] for m in self.dan.import_book(book)["matches"]], ["hank"])


# ==== 4. friends ==============================================================

class FriendsTest(PeopleCase):
    """Friend requests: sent with a note, seen in the inbox and live, accepted,
    declined, cancelled, undone."""

    def pair(self, a, b):
        return self.person(a), self.person(b)

    def test_request_with_message_is_seen_and_accepted(self):
        ann, bob = self.pair("ann", "bob")
        ann.set_profile(display_name="Ann A.")
        out = ann.run("friends", "add", "bob", "--message", "hi, it's Ann").stdout
        self.assertIn("bob", out)

        items = bob.inbox()["items"]
        self.assertEqual([(i["kind"], i["sender"], i["note"]) for i in items],
                         [("friend_request", "ann", "hi, it's Ann")])
        self.assertEqual(items[0]["share_id"], "")
        # An empty resource, which clients from before friend items still read.
        self.assertEqual((items[0]["resource_id"], items[0]["resource"]["id"]), ("", ""))
        self.assertTrue(items[0]["id"].startswith("i_"))
        cli_items = bob.cli.json_lines("inbox")
        self.assertEqual([(i["kind"], i["sender"], i["note"]) for i in cli_items],
                         [("friend_request", "ann", "hi, it's Ann")])
        human = bob.run("inbox").stdout
        self.assertIn("ann", human)
        self.assertIn("hi, it's Ann", human)
        # A friend request has nothing to download or open.
        for command in ("get", "open"):
            self.assertCliFails(bob.run(command, items[0]["id"], check=False), "no_resource")

        requests = bob.json("friends", "requests")
        self.assertEqual([(r["from"], r["display_name"], r["message"]) for r in requests["incoming"]],
                         [("ann", "Ann A.", "hi, it's Ann")])
        self.assertEqual(requests["outgoing"], [])
        outgoing = ann.ok("GET", "/v1/friends/requests")["outgoing"]
        self.assertEqual([(r["to"], r["message"]) for r in outgoing], [("bob", "hi, it's Ann")])
        self.assertIn("hi, it's Ann", bob.run("friends", "requests").stdout)

        bob.run("friends", "accept", "ann")
        self.assertEqual(ann.friend_ids(), ["bob"])
        self.assertEqual(bob.friend_ids(), ["ann"])
        self.assertEqual([f["network_id"] for f in ann.json("friends")["friends"]], ["bob"])
        self.assertIn("ann", bob.run("friends").stdout)
        accepted = [i for i in ann.inbox()["items"] if i["kind"] == "friend_accepted"]
        self.assertEqual([(i["sender"], i["share_id"]) for i in accepted], [("bob", "")])
        self.assertEqual(bob.ok("GET", "/v1/friends/requests"), {"incoming": [], "outgoing": []})
        self.assertEqual(ann.ok("GET", "/v1/friends/requests"), {"incoming": [], "outgoing": []})

    def test_request_arrives_live_on_the_stream(self):
        liv, max_ = self.pair("liv", "max")
        stream = RawStream(self.server, max_.token)
        try:
            hello = stream.recv_json()
            self.assertEqual(hello["type"], "hello")
            ack_status = liv.ok("POST", "/v1/friends/requests", {"to": "max", "message": "live?"}, status=201)
            self.assertEqual(ack_status["status"], "sent")
            frame = stream.recv_json(timeout=5)
        finally:
            stream.close()
        self.assertEqual(frame["type"], "item")
        self.assertEqual((frame["item"]["kind"], frame["item"]["sender"], frame["item"]["note"]),
                         ("friend_request", "liv", "live?"))

    def test_http_answers_of_a_request_and_its_acceptance(self):
        kim, lou = self.pair("kim", "lou")
        sent = kim.ok("POST", "/v1/friends/requests", {"to": "lou", "message": "hello"}, status=201)
        self.assertEqual(sent["status"], "sent")
        self.assertEqual((sent["request"]["to"], sent["request"]["message"]), ("lou", "hello"))
        self.assertIsInstance(sent["request"]["created_at"], int)
        self.assertEqual(lou.ok("POST", "/v1/friends/requests/kim/accept"), {"status": "accepted", "friend": "kim"})
        friends = kim.ok("GET", "/v1/friends")["friends"]
        self.assertEqual([f["network_id"] for f in friends], ["lou"])
        self.assertIsInstance(friends[0]["since"], int)

    def test_decline_drops_the_request_silently(self):
        ned, ola = self.pair("ned", "ola")
        ned.run("friends", "add", "ola")
        ola.run("friends", "decline", "ned")
        self.assertEqual(ola.ok("GET", "/v1/friends/requests")["incoming"], [])
        self.assertEqual(ned.ok("GET", "/v1/friends/requests")["outgoing"], [])
        self.assertEqual((ned.friend_ids(), ola.friend_ids()), ([], []))
        self.assertFalse([i for i in ned.inbox()["items"] if i["kind"] != "friend_request"])
        # Declined is not blocked: ned may ask again.
        ned.run("friends", "add", "ola")
        self.assertEqual([r["from"] for r in ola.ok("GET", "/v1/friends/requests")["incoming"]], ["ned"])

    def test_cancel_withdraws_your_request(self):
        pia, quin = self.pair("pia", "quin")
        pia.run("friends", "add", "quin")
        pia.run("friends", "cancel", "quin")
        self.assertEqual(quin.ok("GET", "/v1/friends/requests")["incoming"], [])
        self.assertEqual(pia.ok("GET", "/v1/friends/requests")["outgoing"], [])
        self.assertCliFails(quin.run("friends", "accept", "pia", check=False), "request_not_found")
        self.assertEqual(quin.friend_ids(), [])

    def test_remove_ends_the_friendship_both_ways(self):
        ray, sue = self.pair("ray", "sue")
        ray.run("friends", "add", "sue")
        sue.run("friends", "accept", "ray")
        self.assertEqual(sue.call("DELETE", "/v1/friends/ray")[0], 204)
        self.assertEqual((ray.friend_ids(), sue.friend_ids()), ([], []))
        self.assertError(ray.call("DELETE", "/v1/friends/sue"), 404, "not_friends")
        self.assertCliFails(ray.run("friends", "remove", "sue", check=False), "not_friends")

    def test_asking_someone_who_asked_you_accepts(self):
        tom, uma = self.pair("tom", "uma")
        tom.run("friends", "add", "uma", "--message", "friends?")
        self.assertEqual(uma.ok("POST", "/v1/friends/requests", {"to": "tom"}), {"status": "accepted", "friend": "tom"})
        self.assertEqual((tom.friend_ids(), uma.friend_ids()), (["uma"], ["tom"]))
        accepted = [i["sender"] for i in tom.inbox()["items"] if i["kind"] == "friend_accepted"]
        self.assertEqual(accepted, ["uma"])
        self.assertEqual(uma.ok("GET", "/v1/friends/requests"), {"incoming": [], "outgoing": []})

    def test_requests_to_one_user_are_limited(self):
        ida, jon = self.pair("ida", "jon")
        for _ in range(3):
            self.assertEqual(ida.call("POST", "/v1/friends/requests", {"to": "jon"})[0], 201)
            self.assertEqual(ida.call("DELETE", "/v1/friends/requests/jon")[0], 204)
        status, headers, body = ida.call("POST", "/v1/friends/requests", {"to": "jon"})
        self.assertEqual((status, error_code(body)), (429, "rate_limited"), body)
        self.assertGreater(int(headers["retry-after"]), 0)
        requests = [i for i in jon.inbox()["items"] if i["kind"] == "friend_request"]
        self.assertEqual(len(requests), 3)

    def test_control_characters_are_refused(self):
        zoe, abe = self.pair("zoe", "abe")
        self.assertError(zoe.call("POST", "/v1/friends/requests", {"to": "abe", "message": "hi\x1b[2J"}),
                         400, "invalid_field")
        self.assertError(zoe.call("PUT", "/v1/me/profile", {"display_name": "Zoe\u009b"}), 400, "invalid_field")
        self.assertEqual(abe.ok("GET", "/v1/friends/requests")["incoming"], [])

    def test_errors(self):
        vic, wyn = self.pair("vic", "wyn")
        req = lambda who, to: who.call("POST", "/v1/friends/requests", {"to": to})
        self.assertError(req(vic, "vic"), 400, "is_yourself")
        self.assertError(req(vic, "nobody-here"), 404, "unknown_user")
        self.assertEqual(req(vic, "wyn")[0], 201)
        self.assertError(req(vic, "wyn"), 409, "request_pending")
        self.assertEqual(wyn.call("POST", "/v1/friends/requests/nobody-here/accept")[0], 404)
        self.assertError(vic.call("POST", "/v1/friends/requests/wyn/accept"), 404, "request_not_found")
        self.assertError(vic.call("POST", "/v1/friends/requests/wyn/decline"), 404, "request_not_found")
        self.assertError(wyn.call("DELETE", "/v1/friends/requests/vic"), 404, "request_not_found")
        self.assertEqual(wyn.call("POST", "/v1/friends/requests/vic/accept")[0], 200)
        self.assertError(req(vic, "wyn"), 409, "already_friends")
        self.assertError(req(wyn, "vic"), 409, "already_friends")
        self.assertError(vic.call("POST", "/v1/friends/requests", {"to": "wyn", "message": "x" * 501}),
                         400, "field_too_long")
        self.assertCliFails(vic.run("friends", "add", "wyn", check=False), "already_friends")
        self.assertCliFails(vic.run("friends", "add", "vic", check=False), "is_yourself")

    def test_who_may_request(self):
        xia, yan = self.pair("xia", "yan")
        yan.run("settings", "--who-may-request", "nobody")
        refused = xia.call("POST", "/v1/friends/requests", {"to": "yan"})
        self.assertError(refused, 403, "not_accepted")
        self.assertEqual(yan.inbox()["items"], [])
        yan.run("settings", "--who-may-request", "contacts")  # xia is no contact of yan's
        again = xia.call("POST", "/v1/friends/requests", {"to": "yan"})
        self.assertEqual((again[0], again[2]), (refused[0], refused[2]))
        yan.run("settings", "--who-may-request", "everyone")
        self.assertEqual(xia.call("POST", "/v1/friends/requests", {"to": "yan"})[0], 201)


# ==== 5. who may share ===========================================================

SAM_PHONE = "+491761234567"


class SharePolicyTest(PeopleCase):
    """Sam shares a provider's resource. The recipients' who_may_share:
    'eve' everyone, 'fred' friends (Sam's friend), 'fran' friends (a
    stranger), 'cody' contacts (has Sam in a vCard 4.0 book), 'cora'
    contacts (Sam has her in his Thunderbird book, she has not him)."""

    @classmethod
    def set_up_people(cls):
        studio = cls.server.add_provider("studio")
        cls.rid = cls.server.publish(studio, b"Chapter 1\n\nIt was a quiet harbour.\n", title="Harbour")
        cls.sam = cls.person("sam", region="DE", findable=["phone"])
        cls.sam.confirm("phone", "0176 1234567")
        cls.eve = cls.person("eve")
        cls.fred = cls.person("fred", who_may_share="friends")
        cls.fran = cls.person("fran", who_may_share="friends")
        cls.cody = cls.person("cody", who_may_share="contacts")
        cls.cora = cls.person("cora", who_may_share="contacts", region="US", findable=["email"])
        cls.cora.confirm("email", "cora@example.net")
        cls.pat = cls.person("pat", region="US", findable=["phone"])
        cls.pat.confirm("phone", "+1 212 234 5678")

        cls.sam.run("friends", "add", "fred")
        cls.fred.run("friends", "accept", "sam")
        cody_book = write(os.path.join(cls.ws.path, "cody.vcf"),
                          fixture_bytes("vcard_4.0.vcf") + vcard4_card("Sam S", tel="+49-176-1234567"))
        assert [m["network_id"] for m in cls.cody.import_book(cody_book)["matches"]] == ["sam"]
        sam_book = write(os.path.join(cls.ws.path, "sam.csv"), thunderbird_csv([
            {"First Name": "Cora", "Last Name": "C", "Display Name": "Cora C", "Primary Email": "cora@example.net"},
            {"First Name": "Pat", "Last Name": "P", "Display Name": "Pat P", "Mobile Number": "+1 (212) 234-5678"}]))
        assert sorted(m["network_id"] for m in cls.sam.import_book(sam_book)["matches"]) == ["cora", "pat"]

    def share(self, to, client_id=None, **extra):
        body = dict(resource_id=self.rid, to=to, **extra)
        if client_id:
            body["client_id"] = client_id
        return self.sam.call("POST", "/v1/shares", body)

    def heads(self, *people):
        return [p.inbox()["head"] for p in people]

    def test_everyone_accepts_a_stranger(self):
        status, _, body = self.share(["eve"])
        self.assertEqual(status, 201, body)
        share = json.loads(body)["share"]
        self.assertEqual(share["to"], ["eve"])
        self.assertEqual(share["recipients"], [{"network_id": "eve", "status": "delivered"}])
        self.assertNotIn("refused", share)

    def test_friends_policy_takes_friends_only(self):
        self.assertEqual(self.share(["fred"])[0], 201)
        self.assertError(self.share(["fran"]), 403, "not_accepted")

    def test_contacts_policy_takes_those_in_the_recipients_own_book(self):
        self.assertEqual(self.share(["cody"])[0], 201)  # cody's book has sam
        self.assertError(self.share(["cora"]), 403, "not_accepted")  # sam's book has cora, not hers

    def test_contacts_policy_takes_friends_too(self):
        gus = self.person("gus", who_may_share="contacts")
        self.assertError(self.share(["gus"]), 403, "not_accepted")
        gus.run("friends", "add", "sam")
        self.sam.run("friends", "accept", "gus")
        self.assertEqual(self.share(["gus"])[0], 201)

    def test_mixed_recipients_report_each_and_replay(self):
        before = self.heads(self.eve, self.fran, self.cora, self.fred)
        first = self.share(["fran", "eve", "cora", "fred"], client_id="mixed-1", note="for you")
        self.assertEqual(first[0], 201, first[2])
        share = json.loads(first[2])["share"]
        self.assertEqual(share["to"], ["eve", "fred"])
        self.assertEqual(sorted(share["refused"]), ["cora", "fran"])
        by_id = {r["network_id"]: r for r in share["recipients"]}
        self.assertEqual(len(share["recipients"]), 4)
        self.assertEqual(by_id["eve"], {"network_id": "eve", "status": "delivered"})
        self.assertEqual(by_id["fred"], {"network_id": "fred", "status": "delivered"})
        self.assertEqual(by_id["fran"], {"network_id": "fran", "status": "refused", "reason": "not_accepted"})
        self.assertEqual(by_id["cora"], {"network_id": "cora", "status": "refused", "reason": "not_accepted"})
        after = self.heads(self.eve, self.fran, self.cora, self.fred)
        self.assertEqual([a - b for a, b in zip(after, before)], [1, 0, 0, 1])
        item = self.eve.inbox()["items"][-1]
        self.assertEqual((item["kind"], item["share_id"], item["note"], item["resource_id"]),
                         ("share", share["id"], "for you", self.rid))

        again = self.share(["fran", "eve", "cora", "fred"], client_id="mixed-1", note="for you")
        self.assertEqual((again[0], again[2]), (first[0], first[2]))
        self.assertEqual(again[1].get("idempotent-replay"), "true")
        self.assertEqual(self.heads(self.eve, self.fran, self.cora, self.fred), after)
        self.assertEqual(self.sam.ok("GET", "/v1/shares/" + share["id"])["share"]["refused"], share["refused"])

    def test_all_refuse_is_403_and_stores_nothing(self):
        before = self.heads(self.fran, self.cora)
        refused = self.share(["fran", "cora"], client_id="nobody-takes-it")
        self.assertError(refused, 403, "not_accepted")
        self.assertEqual(self.heads(self.fran, self.cora), before)
        # Nothing was stored, not even the client_id: it is free for another send.
        reused = self.share(["eve"], client_id="nobody-takes-it")
        self.assertEqual(reused[0], 201, reused[2])
        self.assertNotEqual(reused[1].get("idempotent-replay"), "true")
        self.assertCliFails(self.sam.run("share", self.rid, "--to", "fran,cora", check=False), "not_accepted")

    def test_share_to_friends_and_to_contacts(self):
        friends = self.sam.friend_ids()
        self.assertIn("fred", friends)
        share = self.sam.json("share", self.rid, "--to-friends", "--note", "friends only")
        self.assertEqual(share["to"], friends)
        self.assertNotIn("refused", share)

        self.assertEqual(self.sam.contact_ids(), ["cora", "pat"])
        share = self.sam.json("share", self.rid, "--to-contacts")
        self.assertEqual(share["to"], ["pat"])
        self.assertEqual(share["refused"], ["cora"])
        self.assertEqual(sorted(r["network_id"] for r in share["recipients"]), ["cora", "pat"])
        human = self.sam.run("share", self.rid, "--to-contacts").stdout
        self.assertIn("cora", human)

    def test_cli_reports_refusals(self):
        out = self.sam.run("share", self.rid, "--to", "eve,fran").stdout
        self.assertRegex(out, r"s_\S+")
        self.assertIn("fran", out)


# ==== 6. blocking ===============================================================

class BlockTest(PeopleCase):
    """Bea blocks Mal. Mal's shares, forwards and friend requests get the
    answer a policy refusal gives (Pol: who_may_share friends, who_may_request
    nobody), and Bea leaves Mal's matching."""

    @classmethod
    def set_up_people(cls):
        studio = cls.server.add_provider("studio")
        cls.rid = cls.server.publish(studio, b"a short film", type_="video", title="Film")
        cls.bea = cls.person("bea", region="US", findable=["phone", "email"], display_name="Bea")
        cls.bea.confirm("phone", "(212) 234-5678")
        cls.bea.confirm("email", "bea@example.net")
        cls.mal = cls.person("mal", region="US")
        cls.pol = cls.person("pol", who_may_share="friends", who_may_request="nobody")
        cls.kit = cls.person("kit")
        # Mal's Outlook contacts hold Bea's number.
        cls.mal_book = write(os.path.join(cls.ws.path, "mal.csv"), outlook_csv([{
            "First Name": "Béatrice", "Last Name": "Bürgi", "Mobile Phone": "+1 (212) 234-5678",
            "Gender": "Unspecified", "Priority": "Normal", "Private": "False", "Sensitivity": "Normal"}]))

    def block(self, who, whom):
        self.assertEqual(who.call("PUT", "/v1/blocks/" + whom.id)[0], 204)
        self.addCleanup(lambda: who.call("DELETE", "/v1/blocks/" + whom.id))

    def share(self, sender, to, **extra):
        return sender.call("POST", "/v1/shares", dict(resource_id=self.rid, to=to, **extra))

    def test_a_blocked_share_looks_like_a_policy_refusal(self):
        policy = self.share(self.mal, ["pol"])
        self.assertEqual(policy[0], 403)
        self.assertEqual(self.share(self.mal, ["bea"])[0], 201)
        self.block(self.bea, self.mal)
        head = self.bea.inbox()["head"]
        blocked = self.share(self.mal, ["bea"])
        self.assertEqual((blocked[0], blocked[2]), (policy[0], policy[2]))
        self.assertEqual(blocked[1]["content-type"], policy[1]["content-type"])

        mixed = json.loads(self.share(self.mal, ["kit", "bea", "pol"])[2])["share"]
        self.assertEqual(mixed["to"], ["kit"])
        entries = {r["network_id"]: r for r in mixed["recipients"]}
        self.assertEqual({k: v for k, v in entries["bea"].items() if k != "network_id"},
                         {k: v for k, v in entries["pol"].items() if k != "network_id"})
        self.assertEqual(entries["bea"], {"network_id": "bea", "status": "refused", "reason": "not_accepted"})
        self.assertEqual(self.bea.inbox()["head"], head)
        self.assertCliFails(self.mal.run("share", self.rid, "--to", "bea", check=False), "not_accepted")

    def test_a_blocked_forward_looks_like_a_policy_refusal(self):
        self.assertEqual(self.share(self.kit, ["mal"])[0], 201)
        item = self.mal.inbox()["items"][-1]
        self.assertEqual(item["kind"], "share")
        policy = self.mal.call("POST", "/v1/shares", {"forward_of": item["id"], "to": ["pol"]})
        self.assertEqual(policy[0], 403, policy[2])
        self.block(self.bea, self.mal)
        blocked = self.mal.call("POST", "/v1/shares", {"forward_of": item["id"], "to": ["bea"]})
        self.assertEqual((blocked[0], blocked[2]), (policy[0], policy[2]))
        self.assertError(blocked, 403, "not_accepted")
        self.assertCliFails(self.mal.run("forward", item["id"], "--to", "bea", check=False), "not_accepted")

    def test_a_blocked_friend_request_looks_like_a_policy_refusal(self):
        policy = self.mal.call("POST", "/v1/friends/requests", {"to": "pol"})
        self.assertEqual(policy[0], 403)
        self.block(self.bea, self.mal)
        blocked = self.mal.call("POST", "/v1/friends/requests", {"to": "bea", "message": "please"})
        self.assertEqual((blocked[0], blocked[2]), (policy[0], policy[2]))
        self.assertEqual(self.bea.ok("GET", "/v1/friends/requests")["incoming"], [])

    def test_group_and_contact_shares_are_refused_too(self):
        lex = self.person("lex", region="US")
        book = write(os.path.join(self.ws.path, "lex.vcf"), android_card("Bea", "B", tel="(212) 234-5678"))
        self.assertEqual([m["network_id"] for m in lex.import_book(book)["matches"]], ["bea"])
        lex.ok("POST", "/v1/groups", {"name": "pals", "members": ["bea", "kit"]}, status=201)
        self.block(self.bea, lex)
        share = json.loads(self.share(lex, [], to_groups=["pals"])[2])["share"]
        self.assertEqual((share["to"], share["refused"]), (["kit"], ["bea"]))
        self.assertError(lex.call("POST", "/v1/shares", {"resource_id": self.rid, "to_contacts": True}),
                         403, "not_accepted")
        self.assertCliFails(lex.run("share", self.rid, "--to-contacts", check=False), "not_accepted")

    def test_blocking_ends_friendship_and_requests(self):
        ace, deb = self.person("ace"), self.person("deb")
        ace.run("friends", "add", "deb")
        deb.run("friends", "accept", "ace")
        deb.run("friends", "add", "bea")
        ace.run("block", "deb")
        self.assertEqual((ace.friend_ids(), deb.friend_ids()), ([], []))
        deb.ok("POST", "/v1/friends/requests", {"to": "kit"}, status=201)
        kit_requests = self.kit.ok("GET", "/v1/friends/requests")["incoming"]
        self.assertEqual([r["from"] for r in kit_requests], ["deb"])
        self.kit.run("block", "deb")
        self.addCleanup(lambda: self.kit.run("unblock", "deb", check=False))
        self.assertEqual(self.kit.ok("GET", "/v1/friends/requests")["incoming"], [])
        self.assertEqual(deb.ok("GET", "/v1/friends/requests")["outgoing"][0]["to"], "bea")

    def test_the_blocker_leaves_the_blocked_users_matching(self):
        self.assertEqual([m["network_id"] for m in self.mal.import_book(self.mal_book)["matches"]], ["bea"])
        entries = self.mal.directory()
        self.assertEqual(len(entries), 2)
        tags = self.mal.cached_tags()
        self.bea.run("block", "mal")
        try:
            self.assertEqual(self.mal.directory(), set())
            self.assertEqual(self.kit.directory(), entries)  # only mal is kept out
            self.assertEqual(self.mal.import_book(self.mal_book)["matches"], [])
            self.assertEqual(self.mal.contact_ids(), [])
            # Tags learnt before the block match no more either.
            answer = self.mal.ok("PUT", "/v1/contacts", {"tags": tags})
            self.assertEqual((answer["matched"], answer["contacts"]), ([], []))
        finally:
            self.bea.run("unblock", "mal")
        self.assertEqual([m["network_id"] for m in self.mal.import_book(self.mal_book)["matches"]], ["bea"])

    def test_block_list_and_unblock(self):
        self.addCleanup(lambda: self.bea.call("DELETE", "/v1/blocks/kit"))
        self.assertIn("kit", self.bea.run("block", "kit").stdout)
        self.bea.run("block", "kit")  # twice is harmless
        listed = self.bea.json("block", "--list")["blocked"]
        self.assertEqual([p["network_id"] for p in listed], ["kit"])
        self.assertIsInstance(listed[0]["since"], int)
        self.assertIn("kit", self.bea.run("block", "--list").stdout)
        self.assertEqual([p["network_id"] for p in self.bea.ok("GET", "/v1/blocks")["blocked"]], ["kit"])
        self.assertError(self.share(self.kit, ["bea"]), 403, "not_accepted")
        self.bea.run("unblock", "kit")
        self.assertEqual(self.bea.json("block", "--list")["blocked"], [])
        self.assertEqual(self.share(self.kit, ["bea"])[0], 201)
        self.assertCliFails(self.bea.run("unblock", "kit", check=False), "not_blocked")
        self.assertError(self.bea.call("DELETE", "/v1/blocks/kit"), 404, "not_blocked")
        self.assertError(self.bea.call("PUT", "/v1/blocks/bea"), 400, "is_yourself")
        self.assertError(self.bea.call("PUT", "/v1/blocks/no-such-user"), 404, "unknown_user")


# ==== 7. enumeration limits ======================================================

def us_numbers_book(path, count, first=1000):
    """A vCard of COUNT people with distinct valid US mobile numbers."""
    cards = []
    for n in range(count):
        cards += ["BEGIN:VCARD", "VERSION:3.0", "FN:Person %d" % n,
                  "TEL;TYPE=CELL:+1 (415) 234-%04d" % (first + n), "END:VCARD"]
    return write(path, ("\r\n".join(cards) + "\r\n").encode())


def points(count):
    return {"points": [b64url(GENERATOR)] * count}


class AccountLimitTest(PeopleCase):
    SERVER_ARGS = ("--evaluations-per-day-account", "1000")

    def test_an_import_past_the_account_limit_fails_and_the_server_answers_429(self):
        rex = self.person("rex")
        book = us_numbers_book(os.path.join(self.ws.path, "big.vcf"), 1200)
        r = rex.run("contacts", "import", book, check=False)
        self.assertCliFails(r, "rate_limited")
        self.assertRegex(r.stderr, r"try again in \d+ s")
        status, headers, body = rex.call("POST", "/v1/contacts/evaluate", points(1))
        self.assertEqual((status, error_code(body)), (429, "rate_limited"), body)
        self.assertGreater(int(headers["retry-after"]), 0)
        # Another account on the same address is not held back.
        self.assertEqual(self.person("sia").call("POST", "/v1/contacts/evaluate", points(1))[0], 200)


class AddressLimitTest(PeopleCase):
    SERVER_ARGS = ("--evaluations-per-day-address", "1000")

    def test_the_address_bucket_spans_accounts_and_takes_all_or_nothing(self):
        one, two = self.person("one"), self.person("two")
        self.assertEqual(one.call("POST", "/v1/contacts/evaluate", points(600))[0], 200)
        status, headers, body = two.call("POST", "/v1/contacts/evaluate", points(600))
        self.assertEqual((status, error_code(body)), (429, "rate_limited"), body)
        self.assertGreater(int(headers["retry-after"]), 0)
        # The refused request took nothing: 400 are still there.
        self.assertEqual(two.call("POST", "/v1/contacts/evaluate", points(400))[0], 200)
        self.assertEqual(two.call("POST", "/v1/contacts/evaluate", points(1))[0], 429)


# ==== 8. bad input ===============================================================

BAD_POINTS = {
    "non-canonical (0xff bytes)": b64url(b"\xff" * 32),
    "the identity": b64url(b"\0" * 32),
    "31 bytes": b64url(GENERATOR[:31]),
    "33 bytes": b64url(GENERATOR + b"\0"),
    "padded": b64url(GENERATOR) + "=",
    "standard base64": base64.b64encode(b"\xfb" * 32).decode().rstrip("="),
    "empty": "",
}


class BadInputTest(PeopleCase):
    SERVER_ARGS = ("--evaluations-per-day-account", "1000")

    @classmethod
    def set_up_people(cls):
        cls.zed = cls.person("zed")

    def evaluate(self, who, body):
        return who.call("POST", "/v1/contacts/evaluate", body)

    def test_evaluate_answers_each_point_in_order(self):
        first = self.zed.ok("POST", "/v1/contacts/evaluate", points(1))["points"]
        self.assertEqual(len(first), 1)
        self.assertRegex(first[0], r"^[A-Za-z0-9_-]{43}$")
        self.assertNotEqual(first[0], b64url(GENERATOR))
        # k·G is a point too; the answers come back in the order asked.
        both = self.zed.ok("POST", "/v1/contacts/evaluate", {"points": [first[0], b64url(GENERATOR)]})["points"]
        self.assertEqual(both[1], first[0])
        self.assertNotEqual(both[0], first[0])

    def test_bad_points_are_invalid_point(self):
        for name, point in BAD_POINTS.items():
            with self.subTest(name):
                status, _, body = self.evaluate(self.zed, {"points": [b64url(GENERATOR), point]})
                self.assertEqual((status, error_code(body)), (400, "invalid_point"), body)
                self.assertRegex(json.loads(body)["error"]["message"], r"\b1\b")  # names the index
        status, _, body = self.evaluate(self.zed, {"points": [b64url(GENERATOR), 7]})
        self.assertEqual(status, 400, body)
        self.assertIn(error_code(body), ("invalid_point", "invalid_field"))

    def test_point_counts_out_of_range(self):
        self.assertError(self.evaluate(self.zed, points(1001)), 400, "too_many_items")
        # 100,000 points are some 4.6 MB of JSON: over the 1 MiB body limit.
        self.assertError(self.evaluate(self.zed, points(100000)), 413, "body_too_large")
        self.assertError(self.evaluate(self.zed, {}), 400, "missing_field")
        self.assertError(self.evaluate(self.zed, {"points": "abc"}), 400, "invalid_field")

    def test_an_empty_point_list_is_refused(self):
        # "1 to 1,000 points"
        status, _, body = self.evaluate(self.zed, {"points": []})
        self.assertEqual(status, 400, body)

    def test_what_is_counted(self):
        amy = self.person("amy")
        # Refused before they are counted: too many points, too large a body, none.
        self.assertEqual(self.evaluate(amy, points(1001))[0], 400)
        self.assertEqual(self.evaluate(amy, points(100000))[0], 413)
        self.assertEqual(self.evaluate(amy, {"points": []})[0], 400)
        # Counted before they are read, a bad point among them too: garbage
        # is no free probe. The account's 1,000 are gone.
        bad = [b64url(GENERATOR)] * 999 + [BAD_POINTS["the identity"]]
        self.assertError(self.evaluate(amy, {"points": bad}), 400, "invalid_point")
        status, headers, _ = self.evaluate(amy, points(1))
        self.assertEqual(status, 429)
        self.assertGreater(int(headers["retry-after"]), 0)

    def test_binary_files_are_no_address_book(self):
        garbage = write(os.path.join(self.ws.path, "garbage.vcf"), bytes(range(256)) * 64 + os.urandom(4096))
        for path in ("/bin/ls", garbage):
            with self.subTest(path):
                self.assertCliFails(self.zed.run("contacts", "import", path, check=False), "not_an_address_book")
        self.assertCliFails(self.zed.run("contacts", "import", os.path.join(self.ws.path, "missing.vcf"),
                                         check=False), "not")

    def test_a_csv_with_10000_columns_fails_quickly(self):
        header = ["Name", "Mobile Phone"] + ["Custom %d" % n for n in range(9998)]
        row = ["Wide", "+1 415 234 9999"] + [""] * 9998
        text = ",".join(header) + "\r\n" + ",".join(row) + "\r\n"
        path = write(os.path.join(self.ws.path, "wide.csv"), text.encode())
        started = time.monotonic()
        r = self.zed.run("contacts", "import", path, check=False)
        self.assertLess(time.monotonic() - started, 5)
        self.assertCliFails(r, "too_many_columns")

    def test_people_endpoints_need_a_login(self):
        for method, path, body in (("POST", "/v1/contacts/evaluate", points(1)),
                                   ("GET", "/v1/contacts/directory", None), ("PUT", "/v1/contacts", {"tags": []}),
                                   ("GET", "/v1/me/profile", None), ("POST", "/v1/friends/requests", {"to": "zed"}),
                                   ("PUT", "/v1/blocks/zed", None)):
            with self.subTest(path):
                self.assertError(self.server.request(method, path, body), 401, "missing_token")

    def test_bad_tags(self):
        for name, tag in {"short": "abc", "17 bytes": b64url(b"\1" * 17), "15 bytes": b64url(b"\1" * 15),
                          "not base64url": "!" * 22, "padded": b64url(b"\1" * 16) + "=="}.items():
            with self.subTest(name):
                self.assertError(self.zed.call("PUT", "/v1/contacts", {"tags": [b64url(b"\2" * 16), tag]}),
                                 400, "invalid_tag")
        self.assertError(self.zed.call("PUT", "/v1/contacts", {"tags": [b64url(b"\2" * 16)] * 20001}),
                         400, "too_many_items")
        # A well-formed tag that matches no one is ignored.
        answer = self.zed.ok("PUT", "/v1/contacts", {"tags": [b64url(b"\2" * 16)]})
        self.assertEqual((answer["matched"], answer["contacts"]), ([], []))

    def test_bad_profile_fields(self):
        cases = [({"favourite_colour": "blue"}, "unknown_field"),
                 ({"who_may_share": "nobody"}, None),
                 ({"who_may_request": "friends"}, None),
                 ({"findable": ["fax"]}, None),
                 ({"findable": "phone"}, None),
                 ({"display_name": "x" * 65}, "field_too_long"),
                 ({"region": "DEU"}, "invalid_region")]
        before = self.zed.profile()
        for body, code in cases:
            with self.subTest(body=body):
                status, _, answer = self.zed.call("PUT", "/v1/me/profile", body)
                self.assertEqual(status, 400, answer)
                if code:
                    self.assertEqual(error_code(answer), code)
        self.assertEqual(self.zed.profile(), before)
        self.assertEqual(self.zed.set_profile(display_name="z" * 64)["display_name"], "z" * 64)
        self.assertCliFails(self.zed.run("settings", "--findable", "fax", check=False), "findable")


if __name__ == "__main__":
    unittest.main()
