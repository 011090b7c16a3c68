"""The msgc commands for personal pushes, as a user types them, against a
real msgcenterd: `campaign create|list|show|pause|resume|cancel|stats`,
`push settings`, `why`, `dismiss [--not-interested]`, `recommendations`,
and push items in `inbox` (README "msgc", `msgc COMMAND --help`,
docs/protocol.md "Pushes", docs/pushes.md).

Exit codes as for every msgc command: 0 ok, 1 the command failed (the
server's error code in parentheses on stderr), 2 the command line is wrong.

One msgcenterd with a fast push scheduler and a fake push clock
(--push-clock-file) fixed at 2027-03-01 12:00 UTC: campaigns "now" fire at
once, campaigns in 2030 never fire while the tests run, and a past time is
past whatever the date of the run. Each test uses users of its own, since a
user takes at most 3 pushes a (fake, never ending) day. msgc runs with
TZ=UTC so that the times it prints can be compared."""

import calendar
import json
import os
import re
import subprocess
import time
import unittest

from tests.e2e import harness
from tests.e2e.harness import Msgc, Server, Workspace, utc_ms, wait_for

NOW = calendar.timegm((2027, 3, 1, 12, 0, 0, 0, 0, 0)) * 1000
DAY = 86400000
REASON = re.compile(r'^(because you (opened|downloaded|shared|forwarded|looked at) ".+"'
                    r'|new in .+ you read|new in the .+ kind you read|popular now)$')
READABLE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
RAW_MS = re.compile(r"\b1\d{12}\b")


class Term(Msgc):
    """msgc with its own --home, printing times in UTC."""

    def env(self):
        e = super().env()
        e["TZ"] = "UTC"
        return e

    def token(self):
        with open(os.path.join(self.home, "profile.json")) as f:
            return json.load(f)["token"]

    def one_json(self, *args):
        r = self.run("--json", *args)
        lines = [line for line in r.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, "msgc --json %s printed %r" % (" ".join(args), r.stdout)
        return json.loads(lines[0])

    def signals(self):
        status, _, body = self.server.request("GET", "/v1/me/signals", token=self.token())
        assert status == 200, body
        return json.loads(body)["signals"]


class PushCliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.clock = os.path.join(cls.ws.path, "clock")
        with open(cls.clock, "w") as f:
            f.write("%d\n" % NOW)
        cls.server = Server(cls.ws.sub("server"), "--push-tick-ms", "50", "--recommend-every-seconds", "0",
                            "--push-clock-file", cls.clock).start()
        cls.addClassCleanup(cls.server.kill)
        cls.server.add_user("studio", "studio-password", role="provider")
        cls.studio = Term(cls.server, cls.ws.sub("studio"))
        cls.studio.run("login", "studio", stdin="studio-password\n")
        cls.files = cls.ws.sub("files")
        cls.n = 0
        cls.book = cls.publish("Harbour Lights", tags=["sea", "fiction"])
        cls.game = cls.publish("Goal Rush", type_="game", tags=["sport"])
        cls.someone = cls.user("someone")

    # ---- helpers ---------------------------------------------------------------------------

    @classmethod
    def publish(cls, title, type_="novel", tags=()):
        cls.n += 1
        path = os.path.join(cls.files, "f%d.txt" % cls.n)
        with open(path, "w") as f:
            f.write("%s, file %d\n" % (title, cls.n))
        args = ["publish", path, "--type", type_, "--title", title]
        if tags:
            args += ["--tags", ",".join(tags)]
        rid = cls.studio.run(*args).stdout.strip()
        assert re.fullmatch(r"r_[0-9a-f]+", rid), rid
        return rid

    @classmethod
    def user(cls, name):
        return Term.registered(cls.server, cls.ws.sub("home-" + name), name)

    def create(self, *args, who=None):
        """`msgc --json campaign create ARGS`: the campaign printed."""
        out = (who or self.studio).one_json("campaign", "create", *args)
        self.assertIn("campaign", out, out)
        return out["campaign"]

    def stats(self, cid):
        return self.studio.one_json("campaign", "stats", cid)

    def wait_stats(self, cid, **expected):
        last = {}

        def check():
            last.clear()
            last.update(self.stats(cid))
            return all(last.get(k) == v for k, v in expected.items())
        try:
            wait_for("stats", check, timeout=10)
        except AssertionError:
            self.fail("msgc campaign stats %s never reached %r; last: %r" % (cid, expected, last))
        return dict(last)

    def pushes(self, who, cid=None):
        items = [json.loads(line) for line in who.run("--json", "inbox").stdout.splitlines() if line.strip()]
        return [i for i in items
                if i.get("kind") == "push" and (cid is None or i.get("push", {}).get("campaign_id") == cid)]

    def push_to(self, names, message, resource=None):
        """A campaign now to users:NAMES; waits until each has it. Returns
        (campaign, {name: inbox item})."""
        camp = self.create("--resource", resource or self.book, "--message", message,
                           "--audience", "users:" + ",".join(u.home.rsplit("home-", 1)[1] for u in names),
                           "--at", "now")
        self.wait_stats(camp["id"], delivered=len(names))
        items = {}
        for u in names:
            got = self.pushes(u, camp["id"])
            self.assertEqual(len(got), 1, got)
            items[u] = got[0]
        return camp, items

    def assertFails(self, who, args, code, exit_code=1):
        r = who.run(*args, check=False)
        self.assertEqual(r.returncode, exit_code, "msgc %s: stdout %r stderr %r" % (" ".join(args), r.stdout, r.stderr))
        if code:
            self.assertIn("(%s)" % code, r.stderr, "msgc %s" % " ".join(args))
        self.assertTrue(r.stderr.strip(), "msgc %s says nothing on stderr" % " ".join(args))
        return r

    def assertReadable(self, text, what):
        self.assertTrue(text.strip(), what + " printed nothing")
        self.assertNotIn("{", text, what + " prints raw JSON:\n" + text)
        self.assertIsNone(RAW_MS.search(text), what + " prints a raw millisecond time:\n" + text)
        self.assertIsNone(re.search(r"(?<![0-9A-Za-z_])\d+(\.\d+)?[eE][-+]?\d+\b", text), what + " prints a number in E notation:\n" + text)

    def campaign_count(self):
        return len(self.studio.one_json("campaign", "list")["campaigns"])

    # ---- campaign create ---------------------------------------------------------------------

    def test_create_prints_the_campaign_readably(self):
        self.user("cr_a")
        r = self.studio.run("campaign", "create", "--resource", self.book, "--message", "fresh from the harbour",
                            "--audience", "users:cr_a", "--at", "now")
        out = r.stdout
        self.assertReadable(out, "msgc campaign create")
        self.assertRegex(out, r"\bc_[0-9a-f]+\b")
        self.assertIn("fresh from the harbour", out)
        self.assertIn("users:cr_a", out)
        # Times in readable form: the fake clock's now, expiring 7 days later.
        self.assertIn("2027-03-01 12:00", out)
        self.assertIn("2027-03-08 12:00", out)

    def test_create_at_times_give_the_right_starts_at(self):
        cases = [
            ("2030-01-01T09:00:00Z", utc_ms(2030, 1, 1, 9)),
            ("2030-01-01T10:00+01:00", utc_ms(2030, 1, 1, 9)),
            ("2030-01-01", utc_ms(2030, 1, 1)),
            ("2030-06-15T23:30:00", utc_ms(2030, 6, 15, 23, 30)),  # UTC without an offset
        ]
        for at, ms in cases:
            c = self.create("--resource", self.book, "--message", "at " + at, "--audience", "users:someone",
                            "--at", at)
            self.assertEqual(c["starts_at"], ms, at)
            self.assertEqual(c["next_run_at"], ms, at)
            self.assertEqual(c["expires_at"], ms + 7 * DAY, "default expiry: 7 days after the start (%s)" % at)
            self.assertIsNone(c["every"], at)
            self.assertEqual((c["state"], c["occurrences"], c["audience"]), ("active", 0, "users:someone"))
            self.assertEqual(c["message"], "at " + at)
            self.assertEqual(c["resource_ids"], [self.book])

    def test_create_with_two_resources_every_week_and_an_expiry(self):
        c = self.create("--resource", self.book, "--resource", self.game, "--message", "weekly",
                        "--audience", "everyone", "--at", "2030-02-01T08:00:00Z", "--every", "week",
                        "--expires", "2030-03-01T00:00:00Z")
        self.assertEqual(c["resource_ids"], [self.book, self.game])
        self.assertEqual(c["every"], "week")
        self.assertEqual(c["starts_at"], utc_ms(2030, 2, 1, 8))
        self.assertEqual(c["expires_at"], utc_ms(2030, 3, 1))
        self.assertEqual(c["creator"], "studio")
        self.assertGreaterEqual(c["audience_size"], 1)
        d = self.create("--resource", self.book, "--message", "daily", "--audience", "users:someone",
                        "--at", "2030-02-01T08:00:00Z", "--every", "day")
        self.assertEqual(d["every"], "day")

    def test_create_usage_errors_exit_2_and_store_nothing(self):
        before = self.campaign_count()
        base = ["campaign", "create", "--message", "m", "--audience", "users:someone"]
        cases = [
            base + ["--resource", self.book, "--at", "tomorrow"],
            base + ["--resource", self.book, "--at", "2030-13-01"],
            base + ["--resource", self.book, "--at", "2030-01-01T25:00:00Z"],
            base + ["--resource", self.book, "--at", "2030-01-01T09:00:00Z", "--expires", "soon"],
            base + ["--resource", self.book, "--every", "month"],
            base,  # no --resource
        ]
        for args in cases:
            r = self.studio.run(*args, check=False)
            self.assertEqual(r.returncode, 2, "msgc %s: %r %r" % (" ".join(args), r.stdout, r.stderr))
            self.assertTrue(r.stderr.strip(), "msgc %s says nothing on stderr" % " ".join(args))
            self.assertEqual(r.stdout, "", "msgc %s" % " ".join(args))
        self.assertEqual(self.campaign_count(), before)

    def test_server_refusals_exit_1_with_the_code(self):
        before = self.campaign_count()
        args = ["campaign", "create", "--resource", self.book, "--message", "m"]
        self.assertFails(self.studio, args + ["--audience", "tag:nobody-has-this-tag"], "empty_audience")
        self.assertFails(self.studio, args + ["--audience", "users:someone", "--at", "2027-01-01T00:00:00Z"],
                         "schedule_in_past")
        self.assertFails(self.studio, args + ["--audience", "users:ghost-user"], "unknown_user")
        self.assertFails(self.studio, args + ["--audience", "bogus"], "invalid_audience")
        self.assertFails(self.studio, args + ["--audience", "users:someone", "--at", "2030-01-02T00:00:00Z",
                                              "--expires", "2030-01-01T00:00:00Z"], "invalid_expiry")
        self.assertFails(self.studio, ["campaign", "create", "--resource", "r_0000", "--message", "m",
                                       "--audience", "users:someone"], "unknown_resource")
        self.assertFails(self.someone, args + ["--audience", "users:someone"], "forbidden")
        self.assertEqual(self.campaign_count(), before)

    # ---- list, show, pause, resume, cancel ---------------------------------------------------

    def test_list_pause_resume_cancel(self):
        c = self.create("--resource", self.book, "--message", "lifecycle", "--audience", "users:someone",
                        "--at", "2030-05-01T10:00:00Z", "--every", "day")
        listed = self.studio.one_json("campaign", "list")["campaigns"]
        self.assertEqual(listed[0]["id"], c["id"], "newest first")
        self.assertEqual(listed[0]["message"], "lifecycle")
        human = self.studio.run("campaign", "list").stdout
        self.assertReadable(human, "msgc campaign list")
        line = [l for l in human.splitlines() if c["id"] in l]
        self.assertEqual(len(line), 1, human)
        self.assertIn("lifecycle", line[0])
        self.assertIn("2030-05-01 10:00", line[0])
        self.assertEqual(self.studio.one_json("campaign", "show", c["id"])["campaign"]["id"], c["id"])

        self.assertEqual(self.studio.one_json("campaign", "pause", c["id"])["campaign"]["state"], "paused")
        self.assertFails(self.studio, ["campaign", "pause", c["id"]], "campaign_state")
        self.assertEqual(self.studio.one_json("campaign", "resume", c["id"])["campaign"]["state"], "active")
        self.assertFails(self.studio, ["campaign", "resume", c["id"]], "campaign_state")
        r = self.studio.run("campaign", "cancel", c["id"])
        self.assertReadable(r.stdout, "msgc campaign cancel")
        self.assertIn("cancelled", r.stdout)
        self.assertFails(self.studio, ["campaign", "cancel", c["id"]], "campaign_state")
        states = {x["id"]: x["state"] for x in self.studio.one_json("campaign", "list")["campaigns"]}
        self.assertEqual(states[c["id"]], "cancelled")
        # Not a campaign, not one of yours, or no ID at all.
        self.assertFails(self.studio, ["campaign", "stats", "c_nope"], "campaign_not_found")
        other = Term(self.server, self.ws.sub("home-studio2"))
        self.server.add_user("studio2", "studio2-password", role="provider")
        other.run("login", "studio2", stdin="studio2-password\n")
        self.assertFails(other, ["campaign", "pause", c["id"]], "campaign_not_found")
        self.assertFails(self.studio, ["campaign", "pause"], None, exit_code=2)

    # ---- pushes in the inbox, why, dismiss, stats ---------------------------------------------

    def test_inbox_shows_a_push_readably(self):
        u = self.user("inb_a")
        camp, items = self.push_to([u], "a lighthouse story")
        item = items[u]
        self.assertEqual((item["sender"], item["note"], item["resource_id"]), ("studio", "a lighthouse story", self.book))
        self.assertEqual(item["push"]["reason"], "from the provider")
        out = u.run("inbox").stdout
        self.assertReadable(out, "msgc inbox")
        line = [l for l in out.splitlines() if item["id"] in l]
        self.assertTrue(line, out)
        text = "\n".join(line)
        for want in ("studio", "Harbour Lights", "a lighthouse story", "from the provider", "why", "dismiss"):
            self.assertIn(want, text, "msgc inbox shows the push as %r" % text)
        self.assertRegex(text, READABLE_TIME)

    def test_why_prints_the_reason(self):
        u = self.user("why_a")
        tagged = self.publish("Tide Tables", tags=["whytag"])
        u.run("resource", tagged)  # a look at its detail is a signal on tag whytag
        wait_for("viewed signal", lambda: any(s["kind"] == "viewed" for s in u.signals()))
        news = self.publish("More Tides", tags=["whytag"])
        camp = self.create("--resource", news, "--message", "tides again", "--audience", "tag:whytag", "--at", "now")
        self.assertEqual(camp["audience_size"], 1)
        self.wait_stats(camp["id"], delivered=1)
        item = self.pushes(u, camp["id"])[0]
        out = u.run("why", item["id"]).stdout
        self.assertReadable(out, "msgc why")
        self.assertIn("new in whytag you read", out)
        self.assertIn(camp["id"], out)
        why = u.one_json("why", item["id"])["push"]
        self.assertEqual((why["item_id"], why["campaign_id"], why["resource_id"], why["occurrence"], why["reason"]),
                         (item["id"], camp["id"], news, 1, "new in whytag you read"))
        self.assertIsNotNone(why["delivered_at"])
        # Not a push of yours.
        self.assertFails(self.someone, ["why", item["id"]], "push_not_found")
        self.assertFails(self.someone, ["dismiss", item["id"]], "push_not_found")
        self.assertFails(u, ["why"], None, exit_code=2)

    def test_stats_count_delivered_opened_and_dismissed(self):
        a, b, c = self.user("st_a"), self.user("st_b"), self.user("st_c")
        res = self.publish("Lighthouse Keeper", tags=["stats"])
        camp, items = self.push_to([a, b, c], "keep the light", resource=res)
        st = self.stats(camp["id"])
        self.assertEqual((st["campaign_id"], st["occurrences"], st["targeted"], st["delivered"], st["opened"],
                          st["dismissed"]), (camp["id"], 1, 3, 3, 0, 0), st)
        a.run("open", items[a]["id"])
        r = b.run("dismiss", items[b]["id"])
        self.assertIn(items[b]["id"], r.stdout)
        r = c.run("dismiss", items[c]["id"], "--not-interested")
        self.assertIn(items[c]["id"], r.stdout)
        st = self.wait_stats(camp["id"], opened=1, dismissed=2)
        self.assertEqual((st["delivered"], st["held"], st["expired"], st["skipped"]), (3, 0, 0, 0), st)
        self.assertAlmostEqual(st["open_rate"], 1 / 3, places=3)
        self.assertEqual(sum(h["delivered"] for h in st["hours"]), 3, st)
        self.assertEqual(sum(h["opened"] for h in st["hours"]), 1, st)
        self.assertIsNotNone(b.one_json("why", items[b]["id"])["push"]["dismissed_at"])
        # The signals: not interested for c (recorded before the answer), a plain dismissal for b.
        kinds_c = {s["kind"] for s in c.signals() if s["resource_id"] == res}
        self.assertIn("not_interested", kinds_c)
        kinds_b = wait_for("b's push_dismissed signal",
                           lambda: {s["kind"] for s in b.signals() if s["resource_id"] == res} & {"push_dismissed"}
                           and {s["kind"] for s in b.signals() if s["resource_id"] == res}, timeout=5)
        self.assertNotIn("not_interested", kinds_b)

    def test_stats_human_output_is_readable(self):
        a, b = self.user("sh_a"), self.user("sh_b")
        camp, items = self.push_to([a, b], "read me")
        a.run("open", items[a]["id"])
        self.wait_stats(camp["id"], opened=1)
        out = self.studio.run("campaign", "stats", camp["id"]).stdout
        self.assertIn(camp["id"], out)
        self.assertRegex(out, r"delivered:? 2\b")
        self.assertRegex(out, r"opened:? 1\b")
        self.assertIn("open rate", out)
        # One of two opened: 50 % or 0.5, not a raw float in E notation.
        self.assertReadable(out, "msgc campaign stats")
        self.assertRegex(out, r"open rate:? (50(\.0+)? ?%|0\.50*\b)")

    # ---- closing an account -------------------------------------------------------------------

    def test_close_account_takes_the_password_and_forgets_the_login(self):
        u = self.user("closing")
        u.run("resource", self.publish("Before closing"))
        wrong = u.run("close-account", stdin="not-the-password\n", check=False)
        self.assertEqual(wrong.returncode, 1, wrong)
        self.assertIn("wrong_password", wrong.stderr)
        done = u.run("close-account", stdin="closing-password\n", check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("closed the account closing", done.stdout)
        again = u.run("whoami", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("not_logged_in", again.stderr)
        login = u.run("login", "closing", stdin="closing-password\n", check=False)
        self.assertEqual(login.returncode, 1)
        self.assertIn("invalid_credentials", login.stderr)

    # ---- push settings -----------------------------------------------------------------------

    def test_push_settings_show_the_defaults(self):
        u = self.user("ps_show")
        s = u.one_json("push", "settings")["settings"]
        self.assertEqual((s["per_day"], s["max_per_day"], s["per_week"], s["max_per_week"]), (3, 3, 10, 10), s)
        self.assertEqual(s["time_zone"], "UTC")
        self.assertIsNone(s["quiet_hours"])
        self.assertEqual(s["opt_out"], {"all": False, "kinds": [], "tags": []})
        out = u.run("push", "settings").stdout
        self.assertReadable(out, "msgc push settings")
        self.assertRegex(out, r"(?i)per day:? 3\b")
        self.assertRegex(out, r"(?i)per week:? 10\b")
        self.assertIn("UTC", out)

    def test_push_settings_change_and_show(self):
        u = self.user("ps_change")
        out = u.run("push", "settings", "--per-day", "1", "--time-zone", "Europe/Berlin",
                    "--quiet-hours", "22:00-07:00").stdout
        self.assertReadable(out, "msgc push settings --per-day ...")
        self.assertRegex(out, r"(?i)per day:? 1\b")
        self.assertIn("Europe/Berlin", out)
        self.assertIn("22:00", out)
        self.assertIn("07:00", out)
        s = u.one_json("push", "settings")["settings"]
        self.assertEqual((s["per_day"], s["per_week"], s["time_zone"], s["quiet_hours"]),
                         (1, 10, "Europe/Berlin", {"start": "22:00", "end": "07:00"}))
        s = u.one_json("push", "settings", "--per-week", "4", "--no-quiet-hours")["settings"]
        self.assertEqual((s["per_day"], s["per_week"], s["time_zone"], s["quiet_hours"]),
                         (1, 4, "Europe/Berlin", None))
        self.assertEqual(u.one_json("push", "settings")["settings"], s)

    def test_push_settings_opt_outs(self):
        u = self.user("ps_opt")
        s = u.one_json("push", "settings", "--opt-out-kind", "game", "--opt-out-tag", "sport")["settings"]
        self.assertEqual(s["opt_out"], {"all": False, "kinds": ["game"], "tags": ["sport"]})
        out = u.run("push", "settings").stdout
        self.assertReadable(out, "msgc push settings")
        self.assertIn("game", out)
        self.assertIn("sport", out)
        # Repeating replaces the list; a field left out stays.
        s = u.one_json("push", "settings", "--opt-out-kind", "video", "--opt-out-kind", "music")["settings"]
        self.assertEqual(s["opt_out"], {"all": False, "kinds": ["video", "music"], "tags": ["sport"]})
        s = u.one_json("push", "settings", "--opt-out-all")["settings"]
        self.assertEqual(s["opt_out"], {"all": True, "kinds": ["video", "music"], "tags": ["sport"]})
        s = u.one_json("push", "settings", "--opt-in-all")["settings"]
        self.assertFalse(s["opt_out"]["all"])
        s = u.one_json("push", "settings", "--clear-kinds")["settings"]
        self.assertEqual(s["opt_out"], {"all": False, "kinds": [], "tags": ["sport"]})
        s = u.one_json("push", "settings", "--clear-tags")["settings"]
        self.assertEqual(s["opt_out"], {"all": False, "kinds": [], "tags": []})

    def test_an_opted_out_user_is_skipped(self):
        u = self.user("ps_skip")
        u.run("push", "settings", "--opt-out-tag", "sport")
        camp = self.create("--resource", self.game, "--message", "kick off", "--audience", "users:ps_skip",
                           "--at", "now")
        st = self.wait_stats(camp["id"], targeted=1)
        self.assertEqual((st["skipped"], st["delivered"]), (1, 0), st)
        self.assertEqual(self.pushes(u, camp["id"]), [])

    def test_push_settings_refusals(self):
        u = self.user("ps_bad")
        self.assertFails(u, ["push", "settings", "--time-zone", "Mars/Olympus"], "unknown_time_zone")
        self.assertFails(u, ["push", "settings", "--quiet-hours", "25:00-07:00"], "invalid_quiet_hours")
        self.assertFails(u, ["push", "settings", "--quiet-hours", "07:00-07:00"], "invalid_quiet_hours")
        self.assertFails(u, ["push", "settings", "--per-day", "4"], "invalid_field")
        self.assertFails(u, ["push", "settings", "--per-week", "11"], "invalid_field")
        self.assertFails(u, ["push", "settings", "--quiet-hours", "late"], None, exit_code=2)
        self.assertFails(u, ["push", "settings", "--per-day", "many"], None, exit_code=2)
        s = u.one_json("push", "settings")["settings"]
        self.assertEqual((s["per_day"], s["per_week"], s["time_zone"], s["quiet_hours"]), (3, 10, "UTC", None))

    # ---- recommendations ---------------------------------------------------------------------

    def test_recommendations_list_resources_with_reasons(self):
        sea = [self.publish("Reef %d" % i, tags=["reef"]) for i in range(4)]
        arcade = [self.publish("Pinball %d" % i, type_="game", tags=["pinball"]) for i in range(3)]
        s = self.server
        for i in range(4):
            name = "rec_reader%d" % i
            status, _, body = s.request("POST", "/v1/accounts", {"network_id": name, "password": name + "-pw"})
            self.assertEqual(status, 201, body)
            tok = s.login_token(name, name + "-pw")
            for r in sea + ([arcade[0]] if i == 0 else []):
                self.assertEqual(s.request("GET", "/v1/resources/%s/content" % r, token=tok)[0], 200)
        for i in range(3):
            name = "rec_player%d" % i
            status, _, body = s.request("POST", "/v1/accounts", {"network_id": name, "password": name + "-pw"})
            self.assertEqual(status, 201, body)
            tok = s.login_token(name, name + "-pw")
            for r in arcade:
                self.assertEqual(s.request("GET", "/v1/resources/%s/content" % r, token=tok)[0], 200)
        tess = self.user("rec_tess")
        for r in sea[:2]:
            tess.run("get", r, "-o", os.path.join(self.files, "tess-%s" % r))
        wait_for("tess's signals", lambda: len({x["resource_id"] for x in tess.signals()
                                                if x["kind"] == "downloaded"}) == 2)
        time.sleep(0.3)  # the crowd's signals are written in the next group commit
        r = subprocess.run([harness.MSGCENTERD, "--data", s.data, "recommend"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

        items = tess.one_json("recommendations")["items"]
        self.assertTrue(items, "tess has no recommendations")
        for it in items:
            self.assertRegex(it["reason"], REASON)
            self.assertNotIn(it["resource"]["id"], sea[:2], "a resource tess downloaded is recommended")
        self.assertIn(items[0]["resource"]["id"], sea[2:], [(i["resource"]["title"], i["reason"]) for i in items])
        self.assertEqual([i["score"] for i in items], sorted([i["score"] for i in items], reverse=True))
        out = tess.run("recommendations").stdout
        self.assertReadable(out, "msgc recommendations")
        for it in items:
            self.assertIn(it["resource"]["title"], out)
            self.assertIn(it["reason"], out)
        # Someone with no signals at all gets what is popular.
        fresh = self.user("rec_fresh")
        r = subprocess.run([harness.MSGCENTERD, "--data", s.data, "recommend"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        popular = fresh.one_json("recommendations")["items"]
        self.assertTrue(popular, "a user with no signals gets no recommendations")
        self.assertEqual({i["reason"] for i in popular}, {"popular now"})


if __name__ == "__main__":
    unittest.main()
