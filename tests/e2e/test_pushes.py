"""Personal pushes, end to end against the real msgcenterd (docs/protocol.md
"Pushes" and the `push` inbox item kind, docs/pushes.md): campaigns to
segments, bad input that stores nothing, an occurrence that fires exactly
once across a kill -9, caps, quiet hours and time zones on a fake clock,
opt-outs, never pushing twice, why/dismiss/not interested, recommendations
and their reasons, the user's own signals, and `msgcenterd recommend eval`.

Each class runs its own msgcenterd with a fast push scheduler
(--push-tick-ms) and no in-server retraining (--recommend-every-seconds 0);
`msgcenterd recommend` is run by hand where a test needs fresh picks. The
clock classes give the server --push-clock-file and move that fake clock by
rewriting the file."""

import json
import os
import random
import re
import signal
import subprocess
import time
import unittest

from tests.e2e import harness
from tests.e2e.harness import RawStream, Server, Workspace, utc_ms, wait_for

TICK = ["--push-tick-ms", "50", "--recommend-every-seconds", "0"]

REASON = re.compile(r'^(because you (opened|downloaded|shared|forwarded|looked at) ".+"'
                    r'|new in .+ you read|new in the .+ kind you read|popular now)$')


def error_code(body):
    return json.loads(body)["error"]["code"]


class User:
    """An account with its token, for raw requests."""

    def __init__(self, server, network_id, token):
        self.server = server
        self.id = network_id
        self.token = token

    def call(self, method, path, body=None):
        return self.server.request(method, path, body, token=self.token)

    def ok(self, method, path, body=None, status=200):
        got, _, data = self.call(method, path, body)
        assert got == status, "%s %s as %s: %d %s" % (method, path, self.id, got, data)
        return json.loads(data) if data else None

    def inbox(self):
        return self.ok("GET", "/v1/inbox?limit=1000")["items"]

    def pushes(self, campaign_id=None):
        return [i for i in self.inbox() if i["kind"] == "push"
                and (campaign_id is None or i.get("push", {}).get("campaign_id") == campaign_id)]

    def signals(self):
        return self.ok("GET", "/v1/me/signals")["signals"]

    def wait_signal(self, resource_id, kind):
        return wait_for("signal %s on %s for %s" % (kind, resource_id, self.id),
                        lambda: [s for s in self.signals() if s["resource_id"] == resource_id and s["kind"] == kind],
                        timeout=5)

    def view(self, resource_id):
        self.ok("GET", "/v1/resources/" + resource_id)
        self.wait_signal(resource_id, "viewed")

    def download(self, resource_id):
        got, _, _ = self.call("GET", "/v1/resources/%s/content" % resource_id)
        assert got == 200, got
        self.wait_signal(resource_id, "downloaded")

    def settings(self, **fields):
        return self.ok("PUT", "/v1/me/push-settings", fields)["settings"]


class PushCase(unittest.TestCase):
    """One msgcenterd per class (SERVER_ARGS; with CLOCK a fake push clock),
    a provider 'studio', users made by user()."""

    SERVER_ARGS = ()
    CLOCK = None  # a Unix time in ms: the fake clock's start

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)
        args = list(TICK) + list(cls.SERVER_ARGS)
        cls.clock_path = None
        if cls.CLOCK is not None:
            cls.clock_path = os.path.join(cls.ws.path, "clock")
            cls.set_clock(cls.CLOCK)
            args += ["--push-clock-file", cls.clock_path]
        cls.server = Server(cls.ws.sub("server"), *args)
        cls.before_start()
        cls.server.start()
        cls.addClassCleanup(cls.server.kill)
        cls.studio = User(cls.server, "studio", cls.server.add_provider("studio"))
        cls.counter = 0

    @classmethod
    def before_start(cls):
        pass

    @classmethod
    def set_clock(cls, ms):
        cls.now = ms
        tmp = cls.clock_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % ms)
        os.replace(tmp, cls.clock_path)

    @classmethod
    def user(cls, network_id):
        s = cls.server
        status, _, body = s.request("POST", "/v1/accounts", {"network_id": network_id,
                                                             "password": network_id + "-password"})
        assert status == 201, body
        return User(s, network_id, s.login_token(network_id, network_id + "-password"))

    @classmethod
    def publish(cls, title, type_="novel", tags=(), provider=None):
        provider = provider or cls.studio
        cls.counter += 1
        data = ("%s #%d %f" % (title, cls.counter, random.random())).encode()
        status, _, body = cls.server.request("POST", "/v1/blobs", data, token=provider.token)
        assert status == 201, body
        sha = json.loads(body)["sha256"]
        status, _, body = cls.server.request("POST", "/v1/resources", {"type": type_, "title": title, "sha256": sha,
                                                                       "tags": list(tags)}, token=provider.token)
        assert status == 201, body
        return json.loads(body)["resource"]["id"]

    def campaign(self, resource_ids, audience, message="new for you", provider=None, **extra):
        body = dict(resource_ids=list(resource_ids), message=message, audience=audience, **extra)
        got, _, data = (provider or self.studio).call("POST", "/v1/campaigns", body)
        self.assertEqual(got, 201, data)
        return json.loads(data)["campaign"]

    def stats(self, campaign_id):
        return self.studio.ok("GET", "/v1/campaigns/%s/stats" % campaign_id)

    def wait_stats(self, campaign_id, timeout=10, **expected):
        """The stats once each field named in EXPECTED has that value."""
        last = {}

        def check():
            last.update(self.stats(campaign_id))
            return all(last[k] == v for k, v in expected.items()) and last
        try:
            return wait_for("stats %r" % expected, check, timeout=timeout)
        except AssertionError:
            self.fail("stats of %s never reached %r; last: %r" % (campaign_id, expected, last))

    def settle(self, ticks=6):
        """Long enough for the scheduler to tick a few times."""
        time.sleep(ticks * 0.05 + 0.05)

    def campaign_ids(self):
        return [c["id"] for c in self.studio.ok("GET", "/v1/campaigns")["campaigns"]]

    def assertError(self, answer, status, code):
        got, _, body = answer
        self.assertEqual((got, error_code(body) if got >= 400 else body), (status, code), body)


# ==== 1. segments ================================================================

class SegmentTest(PushCase):

    def assertPushItem(self, item, campaign, resource_id, message):
        self.assertEqual(item["kind"], "push")
        self.assertEqual(item["sender"], "studio")
        self.assertEqual(item["note"], message)
        self.assertEqual(item["resource_id"], resource_id)
        self.assertEqual(item["resource"]["id"], resource_id)
        self.assertEqual(item["push"]["campaign_id"], campaign["id"])
        self.assertIsInstance(item["push"]["reason"], str)
        self.assertTrue(item["push"]["reason"], item)

    def run_segment(self, audience, inside, outside, resource_id, message):
        camp = self.campaign([resource_id], audience, message=message)
        self.assertEqual(camp["audience"], audience)
        self.assertEqual(camp["creator"], "studio")
        self.assertEqual(camp["audience_size"], len(inside), camp)
        st = self.wait_stats(camp["id"], targeted=len(inside), delivered=len(inside))
        self.assertEqual((st["held"], st["skipped"], st["expired"], st["occurrences"]), (0, 0, 0, 1), st)
        for u in inside:
            items = u.pushes(camp["id"])
            self.assertEqual(len(items), 1, (u.id, items))
            self.assertPushItem(items[0], camp, resource_id, message)
        for u in outside:
            self.assertEqual(u.pushes(camp["id"]), [], u.id)
        return camp

    def test_tag_segment(self):
        sea = self.publish("Harbour", tags=["tagseg-sea"])
        other = self.publish("Desert", tags=["tagseg-sand"])
        a, b, c = self.user("tag_a"), self.user("tag_b"), self.user("tag_c")
        a.view(sea)
        b.download(sea)
        c.download(other)
        news = self.publish("More harbour", tags=["tagseg-sea"])
        camp = self.run_segment("tag:tagseg-sea", [a, b], [c], news, "more of the sea")
        self.assertEqual(a.pushes(camp["id"])[0]["push"]["reason"], "new in tagseg-sea you read")

    def test_kind_segment(self):
        game = self.publish("Arcade", type_="game")
        page = self.publish("Homepage", type_="webpage")
        a, b = self.user("kind_a"), self.user("kind_b")
        a.download(game)
        b.download(page)
        c = self.user("kind_c")  # no signal at all
        news = self.publish("Arcade II", type_="game")
        # Other classes' users on this server may have game signals too; only
        # this class uses games, and only kind_a touched one.
        self.run_segment("kind:game", [a], [b, c], news, "a new game")

    def test_consumed_segment_counts_downloads_not_views(self):
        r = self.publish("Dune")
        a, b, c = self.user("cons_a"), self.user("cons_b"), self.user("cons_c")
        a.download(r)
        b.view(r)  # looked at is not consumed (docs: downloaded, opened, shared or forwarded)
        news = self.publish("Dune Messiah")
        camp = self.run_segment("consumed:" + r, [a], [b, c], news, "the sequel")
        self.assertEqual(a.pushes(camp["id"])[0]["push"]["reason"], 'because you opened "Dune"')

    def test_users_segment_and_live_delivery(self):
        a, b, c = self.user("list_a"), self.user("list_b"), self.user("list_c")
        r = self.publish("For two")
        stream = RawStream(self.server, a.token)
        try:
            self.assertEqual(stream.recv_json()["type"], "hello")
            camp = self.run_segment("users:list_a,list_b", [a, b], [c], r, "just for you two")
            frame = stream.recv_json(timeout=5)
        finally:
            stream.close()
        self.assertEqual(frame["type"], "item")
        self.assertPushItem(frame["item"], camp, r, "just for you two")

    def test_campaign_is_listed_and_read_back(self):
        u = self.user("read_back")
        r = self.publish("Listed")
        camp = self.campaign([r], "users:read_back", message="listed")
        self.assertEqual(self.campaign_ids()[0], camp["id"])  # newest first
        got = self.studio.ok("GET", "/v1/campaigns/" + camp["id"])["campaign"]
        for k in ("id", "creator", "resource_ids", "message", "audience", "starts_at", "every", "expires_at"):
            self.assertEqual(got[k], camp[k], k)
        self.assertEqual(camp["expires_at"] - camp["starts_at"], 7 * 86400000)  # default: 7 days
        self.wait_stats(camp["id"], delivered=1)
        other = User(self.server, "rival", self.server.add_provider("rival"))
        self.assertError(other.call("GET", "/v1/campaigns/" + camp["id"]), 404, "campaign_not_found")
        self.assertError(other.call("GET", "/v1/campaigns/%s/stats" % camp["id"]), 404, "campaign_not_found")
        self.assertNotIn(camp["id"], [c["id"] for c in other.ok("GET", "/v1/campaigns")["campaigns"]])
        self.assertEqual(len(u.pushes(camp["id"])), 1)


# ==== 2. bad input =================================================================

class BadInputTest(PushCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls.user("alice")
        cls.r = cls.publish("Something", tags=["badin"])
        cls.alice.view(cls.r)

    def assertRefused(self, body, status, code, who=None):
        before, pushes_before = self.campaign_ids(), self.alice.pushes()
        self.assertError((who or self.studio).call("POST", "/v1/campaigns", body), status, code)
        self.assertEqual(self.campaign_ids(), before, "a refused campaign was stored: %r" % (body,))
        self.settle(2)
        self.assertEqual(self.alice.pushes(), pushes_before, "a refused campaign pushed: %r" % (body,))

    def body(self, **over):
        b = {"resource_ids": [self.r], "message": "hello", "audience": "users:alice"}
        b.update(over)
        return {k: v for k, v in b.items() if v is not None}

    def test_audience_errors(self):
        self.assertRefused(self.body(audience="tag:nobody-reads-this"), 400, "empty_audience")
        self.assertRefused(self.body(audience="kind:video"), 400, "empty_audience")
        self.assertRefused(self.body(audience="friends:alice"), 400, "invalid_audience")
        self.assertRefused(self.body(audience="all"), 400, "invalid_audience")
        self.assertRefused(self.body(audience="consumed:r_0000000000000000000000000000"), 400, "unknown_resource")
        self.assertRefused(self.body(audience="users:"), 400, "invalid_audience")

    def test_unknown_user_in_audience(self):
        self.assertRefused(self.body(audience="users:alice,ghost_user"), 404, "unknown_user")

    def test_resource_errors(self):
        self.assertRefused(self.body(resource_ids=["r_0000000000000000000000000000"]), 400, "unknown_resource")
        self.assertRefused(self.body(resource_ids=[self.r, "r_nope"]), 400, "unknown_resource")
        self.assertRefused(self.body(resource_ids=None), 400, "missing_field")

    def test_schedule_errors(self):
        now = int(time.time() * 1000)
        self.assertRefused(self.body(starts_at=now - 10 * 60000), 400, "schedule_in_past")
        self.assertRefused(self.body(starts_at=now + 3600000, expires_at=now + 1800000), 400, "invalid_expiry")
        self.assertRefused(self.body(starts_at=now + 3600000, expires_at=now + 3600000), 400, "invalid_expiry")
        self.assertRefused(self.body(every="month"), 400, "invalid_schedule")
        self.assertRefused(self.body(every="hour"), 400, "invalid_schedule")

    def test_message_errors(self):
        self.assertRefused(self.body(message="hi\x07there"), 400, "invalid_field")
        self.assertRefused(self.body(message="line\nbreak\x00"), 400, "invalid_field")
        self.assertRefused(self.body(message="x" * 501), 400, "field_too_long")
        self.assertRefused(self.body(message=None), 400, "missing_field")

    def test_only_providers_make_campaigns(self):
        self.assertRefused(self.body(), 403, "forbidden", who=self.alice)
        self.assertError(self.alice.call("GET", "/v1/campaigns"), 403, "forbidden")

    def test_a_good_campaign_is_stored(self):
        """The control: the body the other tests spoil is accepted."""
        before = self.campaign_ids()
        camp = self.campaign([self.r], "tag:badin", message="fine")
        self.assertEqual(self.campaign_ids(), [camp["id"]] + before)
        self.wait_stats(camp["id"], delivered=1)
        self.assertEqual(len(self.alice.pushes(camp["id"])), 1)

    def test_push_settings_errors(self):
        bob = self.user("bob_settings")
        before = bob.ok("GET", "/v1/me/push-settings")["settings"]
        self.assertError(bob.call("PUT", "/v1/me/push-settings", {"time_zone": "Mars/Olympus_Mons"}),
                         400, "unknown_time_zone")
        self.assertError(bob.call("PUT", "/v1/me/push-settings", {"quiet_hours": {"start": "22:00", "end": "22:00"}}),
                         400, "invalid_quiet_hours")
        self.assertError(bob.call("PUT", "/v1/me/push-settings", {"quiet_hours": {"start": "25:00", "end": "07:00"}}),
                         400, "invalid_quiet_hours")
        self.assertError(bob.call("PUT", "/v1/me/push-settings", {"quiet_hours": {"start": "7am", "end": "09:00"}}),
                         400, "invalid_quiet_hours")
        self.assertError(bob.call("PUT", "/v1/me/push-settings", {"colour": "blue"}), 400, "unknown_field")
        got, _, _ = bob.call("PUT", "/v1/me/push-settings", {"per_day": before["max_per_day"] + 1})
        self.assertEqual(got, 400)
        self.assertEqual(bob.ok("GET", "/v1/me/push-settings")["settings"], before)

    def test_push_settings_round_trip(self):
        carl = self.user("carl_settings")
        s = carl.ok("GET", "/v1/me/push-settings")["settings"]
        self.assertEqual((s["per_day"], s["per_week"], s["max_per_day"], s["max_per_week"]), (3, 10, 3, 10))
        s = carl.settings(time_zone="Asia/Tokyo", quiet_hours={"start": "22:00", "end": "07:00"})
        self.assertEqual((s["time_zone"], s["quiet_hours"]), ("Asia/Tokyo", {"start": "22:00", "end": "07:00"}))
        s = carl.settings(per_day=1, opt_out={"kinds": ["game"]})
        self.assertEqual((s["per_day"], s["time_zone"], s["opt_out"]["kinds"], s["opt_out"]["all"]),
                         (1, "Asia/Tokyo", ["game"], False))  # fields left out stay
        self.assertEqual(carl.ok("GET", "/v1/me/push-settings")["settings"], s)
        s = carl.settings(quiet_hours=None)
        self.assertIsNone(s["quiet_hours"])


# ==== 3. exactly once across a kill ===================================================

class FiresOnceAcrossKillTest(PushCase):
    USERS = 3000
    SERVER_ARGS = ("--push-chunk", "100", "--push-per-day", "50", "--push-per-week", "50")

    @classmethod
    def before_start(cls):
        cls.tokens_path = os.path.join(cls.ws.path, "tokens.txt")
        cls.server.add_many("crowd", cls.USERS, "crowd-password", cls.tokens_path)
        with open(cls.tokens_path) as f:
            cls.tokens = [line.split() for line in f if line.strip()]

    def mid_way(self, action, label, **extra):
        """A campaign to everyone; ACTION(campaign) once its occurrence has
        delivered to some users but not all (a new campaign and resource if
        one finished before it was caught). Returns (campaign, delivered then)."""
        for attempt in range(4):
            r = self.publish("%s %d" % (label, attempt))
            camp = self.campaign([r], "everyone", message=label, **extra)
            self.assertEqual(camp["audience_size"], self.USERS)
            deadline = time.time() + 15
            while time.time() < deadline:
                delivered = self.stats(camp["id"])["delivered"]
                if 0 < delivered < self.USERS:
                    action(camp)
                    return camp, delivered
                if delivered >= self.USERS:
                    break
                time.sleep(0.002)
            self.wait_stats(camp["id"], delivered=self.USERS)
        self.fail("never caught an occurrence mid-way")

    def each_has_one(self, camp):
        wrong = []
        for network_id, token in self.tokens:
            n = len(User(self.server, network_id, token).pushes(camp["id"]))
            if n != 1:
                wrong.append((network_id, n))
        return wrong

    def test_a_campaign_to_everyone_reaches_each_user_once_across_kill_9(self):
        self.assertEqual(len(self.tokens), self.USERS)
        camp, killed_at = self.mid_way(lambda c: self.server.kill(signal.SIGKILL), "Big news")
        self.server.start()
        st = self.wait_stats(camp["id"], timeout=20, delivered=self.USERS)
        self.assertEqual((st["targeted"], st["delivered"], st["skipped"], st["held"], st["occurrences"]),
                         (self.USERS, self.USERS, 0, 0, 1), st)
        self.settle()
        self.assertEqual(self.stats(camp["id"])["delivered"], self.USERS)
        # Every user's inbox: exactly one push of this campaign.
        self.assertEqual(self.each_has_one(camp), [],
                         "users without exactly one push (killed at delivered=%d)" % killed_at)

    def test_pausing_stops_a_one_shot_occurrence_and_resuming_finishes_it(self):
        self.pause_and_resume(every=None)

    def test_pausing_stops_a_daily_occurrence_and_resuming_finishes_it(self):
        self.pause_and_resume(every="day")

    def pause_and_resume(self, every):
        paused = {}

        def pause(c):
            got, _, body = self.studio.call("POST", "/v1/campaigns/%s/pause" % c["id"])
            paused["answer"] = (got, json.loads(body))
        camp, _ = self.mid_way(pause, "Paused news", every=every)
        got, body = paused["answer"]
        self.assertEqual(got, 200, "pausing a campaign whose occurrence is being sent: %r" % (body,))
        self.assertEqual(body["campaign"]["state"], "paused")
        self.settle(2)
        held_at = self.stats(camp["id"])["delivered"]
        self.settle(4)
        st = self.stats(camp["id"])
        self.assertEqual(st["delivered"], held_at, "a paused occurrence went on")
        self.assertLess(st["delivered"], self.USERS)
        self.assertEqual(self.studio.ok("POST", "/v1/campaigns/%s/resume" % camp["id"])["campaign"]["state"],
                         "active")
        st = self.wait_stats(camp["id"], timeout=20, delivered=self.USERS)
        self.assertEqual((st["targeted"], st["occurrences"]), (self.USERS, 1), st)


class ScheduleTest(PushCase):
    CLOCK = utc_ms(2027, 3, 1, 12)

    def test_a_future_campaign_waits_for_its_time_and_fires_once(self):
        u = self.user("future_u")
        r = self.publish("Tomorrow")
        start = self.now + 3600000
        camp = self.campaign([r], "users:future_u", starts_at=start, expires_at=start + 86400000)
        self.assertEqual((camp["starts_at"], camp["next_run_at"], camp["occurrences"]), (start, start, 0))
        self.set_clock(start - 60000)  # one minute early
        self.settle()
        st = self.stats(camp["id"])
        self.assertEqual((st["occurrences"], st["targeted"], st["delivered"]), (0, 0, 0), st)
        self.assertEqual(u.pushes(), [])
        self.set_clock(start + 1000)
        self.wait_stats(camp["id"], delivered=1, occurrences=1)
        self.set_clock(start + 2 * 3600000)
        self.settle()
        st = self.stats(camp["id"])
        self.assertEqual((st["occurrences"], st["targeted"], st["delivered"]), (1, 1, 1), st)
        self.assertEqual(len(u.pushes(camp["id"])), 1)
        self.assertEqual(self.studio.ok("GET", "/v1/campaigns/" + camp["id"])["campaign"]["state"], "finished")

    def test_a_campaign_in_the_past_by_the_fake_clock_is_refused(self):
        self.user("past_u")
        r = self.publish("Yesterday")
        self.assertError(self.studio.call("POST", "/v1/campaigns", {
            "resource_ids": [r], "message": "late", "audience": "users:past_u", "starts_at": self.now - 3600000}),
            400, "schedule_in_past")


# ==== 4. caps, quiet hours, time zones =================================================

class RespectTest(PushCase):
    # Monday 2027-01-04, 23:00 UTC.
    CLOCK = utc_ms(2027, 1, 4, 23)

    def test_quiet_hours_hold_then_deliver_and_daily_cap(self):
        self.set_clock(utc_ms(2027, 1, 4, 23))
        u = self.user("quiet_utc")
        u.settings(time_zone="UTC", per_day=1, quiet_hours={"start": "22:00", "end": "07:00"})
        r1, r2 = self.publish("Night one"), self.publish("Night two")
        c1 = self.campaign([r1], "users:quiet_utc")
        self.wait_stats(c1["id"], targeted=1, held=1)
        self.settle()
        st = self.stats(c1["id"])
        self.assertEqual((st["held"], st["delivered"]), (1, 0), st)
        self.assertEqual(u.pushes(), [])
        self.set_clock(utc_ms(2027, 1, 5, 6, 59))  # still quiet
        self.settle()
        self.assertEqual(u.pushes(), [])
        self.set_clock(utc_ms(2027, 1, 5, 7, 1))  # quiet hours over
        self.wait_stats(c1["id"], delivered=1, held=0)
        self.assertEqual([i["resource_id"] for i in u.pushes()], [r1])
        # The same local day: a second campaign is held by the cap of 1.
        self.set_clock(utc_ms(2027, 1, 5, 12))
        c2 = self.campaign([r2], "users:quiet_utc")
        self.wait_stats(c2["id"], targeted=1, held=1)
        self.set_clock(utc_ms(2027, 1, 5, 21, 59))
        self.settle()
        self.assertEqual(self.stats(c2["id"])["delivered"], 0)
        self.set_clock(utc_ms(2027, 1, 6, 0, 30))  # next day, but quiet hours
        self.settle()
        self.assertEqual(self.stats(c2["id"])["delivered"], 0)
        self.assertEqual(len(u.pushes()), 1)
        self.set_clock(utc_ms(2027, 1, 6, 7, 5))
        self.wait_stats(c2["id"], delivered=1, held=0)
        self.assertEqual([i["resource_id"] for i in u.pushes()], [r1, r2])

    def test_quiet_hours_follow_the_users_time_zone(self):
        # 14:00 UTC is 23:00 in Tokyo: quiet there, not in London.
        self.set_clock(utc_ms(2027, 1, 12, 14))
        tokyo, london = self.user("tz_tokyo"), self.user("tz_london")
        for u, tz in ((tokyo, "Asia/Tokyo"), (london, "Europe/London")):
            u.settings(time_zone=tz, quiet_hours={"start": "22:00", "end": "07:00"})
        r = self.publish("Around the world")
        c = self.campaign([r], "users:tz_tokyo,tz_london")
        self.wait_stats(c["id"], targeted=2, delivered=1, held=1)
        self.assertEqual(len(london.pushes(c["id"])), 1)
        self.assertEqual(tokyo.pushes(c["id"]), [])
        self.set_clock(utc_ms(2027, 1, 12, 21, 50))  # 06:50 in Tokyo
        self.settle()
        self.assertEqual(tokyo.pushes(c["id"]), [])
        self.set_clock(utc_ms(2027, 1, 12, 22, 1))  # 07:01 in Tokyo
        self.wait_stats(c["id"], delivered=2, held=0)
        self.assertEqual(len(tokyo.pushes(c["id"])), 1)

    def test_daily_cap_follows_the_users_local_day(self):
        # 10:00 UTC is 19:00 in Tokyo; 15:01 UTC is already tomorrow there.
        self.set_clock(utc_ms(2027, 1, 20, 10))
        tokyo, utc = self.user("cap_tokyo"), self.user("cap_utc")
        tokyo.settings(time_zone="Asia/Tokyo", per_day=1)
        utc.settings(time_zone="UTC", per_day=1)
        r1, r2 = self.publish("Cap one"), self.publish("Cap two")
        c1 = self.campaign([r1], "users:cap_tokyo,cap_utc")
        self.wait_stats(c1["id"], delivered=2)
        c2 = self.campaign([r2], "users:cap_tokyo,cap_utc")
        self.wait_stats(c2["id"], targeted=2, held=2)
        self.set_clock(utc_ms(2027, 1, 20, 14, 50))  # 23:50 in Tokyo
        self.settle()
        self.assertEqual(self.stats(c2["id"])["delivered"], 0)
        self.set_clock(utc_ms(2027, 1, 20, 15, 1))  # 00:01 tomorrow in Tokyo, same day in UTC
        self.wait_stats(c2["id"], delivered=1, held=1)
        self.assertEqual(len(tokyo.pushes(c2["id"])), 1)
        self.assertEqual(utc.pushes(c2["id"]), [])
        self.set_clock(utc_ms(2027, 1, 21, 0, 1))
        self.wait_stats(c2["id"], delivered=2, held=0)
        self.assertEqual(len(utc.pushes(c2["id"])), 1)

    def test_a_push_held_past_the_expiry_expires(self):
        self.set_clock(utc_ms(2027, 2, 1, 23))
        u = self.user("exp_u")
        u.settings(time_zone="UTC", quiet_hours={"start": "22:00", "end": "07:00"})
        r = self.publish("Short-lived")
        # Quiet until 07:00, the campaign ends at 03:00: it can never go.
        c = self.campaign([r], "users:exp_u", expires_at=utc_ms(2027, 2, 2, 3))
        st = self.wait_stats(c["id"], targeted=1, expired=1)
        self.assertEqual((st["held"], st["delivered"]), (0, 0), st)
        self.set_clock(utc_ms(2027, 2, 2, 7, 30))
        self.settle()
        self.assertEqual(self.stats(c["id"])["delivered"], 0)
        self.assertEqual(u.pushes(), [])

    def test_cancelling_a_one_shot_campaign_expires_its_held_pushes(self):
        self.cancel_held(utc_ms(2027, 2, 10, 23), "cancel_once", every=None)

    def test_cancelling_a_daily_campaign_expires_its_held_pushes(self):
        self.cancel_held(utc_ms(2027, 2, 14, 23), "cancel_daily", every="day")

    def cancel_held(self, now, name, every):
        self.set_clock(now)
        u = self.user(name)
        u.settings(time_zone="UTC", quiet_hours={"start": "22:00", "end": "07:00"})
        r = self.publish("Called off")
        c = self.campaign([r], "users:" + name, every=every)
        self.wait_stats(c["id"], targeted=1, held=1)
        self.assertEqual(self.studio.ok("POST", "/v1/campaigns/%s/cancel" % c["id"])["campaign"]["state"],
                         "cancelled")
        self.wait_stats(c["id"], held=0, expired=1)
        self.assertError(self.studio.call("POST", "/v1/campaigns/%s/cancel" % c["id"]), 400, "campaign_state")
        self.set_clock(now + 8 * 3600000 + 30 * 60000)  # quiet hours over
        self.settle()
        self.assertEqual(self.stats(c["id"])["delivered"], 0)
        self.assertEqual(u.pushes(), [])


# ==== 5, 6, 7. opt-outs, never twice, why and dismiss ======================================

class UserChoiceTest(PushCase):

    def test_opt_outs_skip_the_user(self):
        users = [self.user(n) for n in ("opt_all", "opt_kind", "opt_tag", "opt_none")]
        users[0].settings(opt_out={"all": True})
        users[1].settings(opt_out={"kinds": ["game"]})
        users[2].settings(opt_out={"tags": ["sport"]})
        r = self.publish("Football manager", type_="game", tags=["sport", "strategy"])
        c = self.campaign([r], "users:" + ",".join(u.id for u in users))
        st = self.wait_stats(c["id"], targeted=4, skipped=3, delivered=1)
        self.assertEqual(st["held"], 0)
        for u in users[:3]:
            self.assertEqual(u.pushes(), [], u.id)
        self.assertEqual(len(users[3].pushes(c["id"])), 1)

    def test_never_the_same_resource_twice(self):
        a, b = self.user("twice_a"), self.user("twice_b")
        r = self.publish("Once only")
        c1 = self.campaign([r], "users:twice_a")
        self.wait_stats(c1["id"], delivered=1)
        c2 = self.campaign([r], "users:twice_a,twice_b")
        st = self.wait_stats(c2["id"], targeted=2)
        self.assertEqual((st["delivered"], st["skipped"]), (1, 1), st)
        self.assertEqual([i["push"]["campaign_id"] for i in a.pushes()], [c1["id"]])
        self.assertEqual(len(b.pushes(c2["id"])), 1)

    def test_a_downloaded_resource_is_not_pushed(self):
        a, b = self.user("had_a"), self.user("had_b")
        r = self.publish("Already mine")
        a.download(r)
        c = self.campaign([r], "users:had_a,had_b")
        st = self.wait_stats(c["id"], targeted=2)
        self.assertEqual((st["delivered"], st["skipped"]), (1, 1), st)
        self.assertEqual(a.pushes(), [])
        self.assertEqual(len(b.pushes(c["id"])), 1)

    def test_why_dismiss_open_and_someone_elses_push(self):
        a, b = self.user("why_a"), self.user("why_b")
        r = self.publish("Why me", tags=["whytag"])
        a.view(r)
        b.view(r)
        news = self.publish("Why me too", tags=["whytag"])
        c = self.campaign([news], "tag:whytag", message="see why")
        self.wait_stats(c["id"], delivered=2)
        ia, ib = a.pushes(c["id"])[0], b.pushes(c["id"])[0]
        why = a.ok("GET", "/v1/pushes/" + ia["id"])["push"]
        self.assertEqual((why["item_id"], why["campaign_id"], why["occurrence"], why["resource_id"]),
                         (ia["id"], c["id"], 1, news))
        self.assertEqual(why["reason"], ia["push"]["reason"])
        self.assertEqual(why["reason"], "new in whytag you read")
        self.assertIsNotNone(why["delivered_at"])
        self.assertIsNone(why["opened_at"])
        self.assertIsNone(why["dismissed_at"])
        # Someone else's push, and an unknown id.
        self.assertError(b.call("GET", "/v1/pushes/" + ia["id"]), 404, "push_not_found")
        self.assertError(b.call("POST", "/v1/pushes/%s/dismiss" % ia["id"]), 404, "push_not_found")
        self.assertError(a.call("GET", "/v1/pushes/i_0000000000000000000000000000"), 404, "push_not_found")
        self.assertEqual(self.stats(c["id"])["dismissed"], 0)
        # a dismisses.
        got, _, body = a.call("POST", "/v1/pushes/%s/dismiss" % ia["id"])
        self.assertEqual(got, 204, body)
        st = self.wait_stats(c["id"], dismissed=1)
        self.assertEqual(st["opened"], 0)
        self.assertIsNotNone(a.ok("GET", "/v1/pushes/" + ia["id"])["push"]["dismissed_at"])
        a.wait_signal(news, "push_dismissed")

    def test_opening_a_push_counts_for_the_campaign(self):
        a, b = self.user("open_a"), self.user("open_b")
        news = self.publish("Open me")
        c = self.campaign([news], "users:open_a,open_b", message="open it")
        self.wait_stats(c["id"], delivered=2)
        ib = b.pushes(c["id"])[0]
        self.assertEqual(b.ok("GET", "/v1/inbox/items/" + ib["id"])["item"]["kind"], "push")
        # Another user cannot open it.
        self.assertError(a.call("POST", "/v1/inbox/items/%s/opened" % ib["id"]), 404, "item_not_found")
        # b opens (docs: "Opening it (POST /v1/inbox/items/{id}/opened) counts for the campaign").
        self.assertEqual(b.ok("POST", "/v1/inbox/items/%s/opened" % ib["id"])["first_open"], True)
        st = self.wait_stats(c["id"], opened=1)
        self.assertEqual((st["delivered"], st["dismissed"]), (2, 0), st)
        self.assertAlmostEqual(st["open_rate"], 0.5)
        self.assertEqual(sum(h["opened"] for h in st["hours"]), 1, st)
        self.assertEqual(sum(h["delivered"] for h in st["hours"]), 2, st)
        self.assertAlmostEqual(st["hours"][-1]["open_rate"], 0.5)
        self.assertIsNotNone(b.ok("GET", "/v1/pushes/" + ib["id"])["push"]["opened_at"])
        b.wait_signal(news, "push_opened")
        # Opening again does not count twice.
        b.ok("POST", "/v1/inbox/items/%s/opened" % ib["id"])
        self.settle()
        self.assertEqual(self.stats(c["id"])["opened"], 1)

    def test_not_interested_is_recorded_at_once(self):
        a = self.user("noint_a")
        r = self.publish("Not for me")
        c1 = self.campaign([r], "users:noint_a")
        self.wait_stats(c1["id"], delivered=1)
        item = a.pushes(c1["id"])[0]
        got, _, body = a.call("POST", "/v1/pushes/%s/dismiss" % item["id"], {"not_interested": True})
        self.assertEqual(got, 204, body)
        kinds = {s["kind"] for s in a.signals() if s["resource_id"] == r}
        self.assertIn("not_interested", kinds)  # written before the answer
        self.assertError(a.call("POST", "/v1/pushes/%s/dismiss" % item["id"], {"not_interested": "yes"}),
                         400, "invalid_field")

    def test_signals_are_ones_own_and_deleted(self):
        a, b = self.user("sig_a"), self.user("sig_b")
        r1, r2 = self.publish("Signal one"), self.publish("Signal two")
        a.view(r1)
        a.download(r2)
        b.download(r1)
        sa = a.signals()
        self.assertEqual({(s["resource_id"], s["kind"]) for s in sa}, {(r1, "viewed"), (r2, "downloaded")})
        self.assertEqual(sorted([s["at"] for s in sa], reverse=True), [s["at"] for s in sa])  # newest first
        for s in sa:
            self.assertEqual(set(s), {"resource_id", "kind", "at"})
        self.assertEqual({(s["resource_id"], s["kind"]) for s in b.signals()}, {(r1, "downloaded")})
        got, _, body = a.call("DELETE", "/v1/me/signals")
        self.assertEqual(got, 204, body)
        self.assertEqual(a.signals(), [])
        self.assertEqual({(s["resource_id"], s["kind"]) for s in b.signals()}, {(r1, "downloaded")})
        self.assertError(self.server.request("GET", "/v1/me/signals"), 401, "missing_token")


# ==== 7, 8. recommendations ===================================================================

class RecommendTest(PushCase):
    """Two clear taste groups: readers of the sea novels, players of the
    arcade games; a few users between them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sea = [cls.publish("Sea %d" % i, tags=["sea"]) for i in range(4)]
        cls.arcade = [cls.publish("Arcade %d" % i, type_="game", tags=["arcade"]) for i in range(4)]
        cls.title = {}
        for i, r in enumerate(cls.sea):
            cls.title[r] = "Sea %d" % i
        for i, r in enumerate(cls.arcade):
            cls.title[r] = "Arcade %d" % i
        cls.readers = [cls.user("reader%d" % i) for i in range(6)]
        cls.players = [cls.user("player%d" % i) for i in range(6)]
        for u in cls.readers:
            for r in cls.sea:
                u.download(r)
        for u in cls.players:
            for r in cls.arcade:
                u.download(r)
        cls.tess = cls.user("tess")  # read two sea novels
        cls.tess.download(cls.sea[0])
        cls.tess.download(cls.sea[1])
        cls.gus = cls.user("gus")  # played one game
        cls.gus.download(cls.arcade[0])
        cls.nina = cls.user("nina")  # read one sea novel
        cls.nina.download(cls.sea[0])
        cls.zed = cls.user("zed")  # nothing yet

    def recommend(self):
        r = subprocess.run([harness.MSGCENTERD, "--data", self.server.data] + self.server.store_args() +
                           ["recommend"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def recs(self, u):
        return u.ok("GET", "/v1/recommendations")["items"]

    def consumed(self, u):
        return {s["resource_id"] for s in u.signals()
                if s["kind"] in ("downloaded", "opened", "shared", "forwarded", "viewed", "push_opened")}

    def test_picks_have_reasons_and_never_what_was_consumed(self):
        self.recommend()
        for u in [self.tess, self.gus, self.nina] + self.readers[:2] + self.players[:2]:
            items = self.recs(u)
            mine = self.consumed(u)
            for it in items:
                self.assertNotIn(it["resource"]["id"], mine, (u.id, it))
                self.assertRegex(it["reason"], REASON)
                self.assertIsInstance(it["score"], (int, float))
            scores = [it["score"] for it in items]
            self.assertEqual(scores, sorted(scores, reverse=True), u.id)
        tess = self.recs(self.tess)
        self.assertTrue(tess, "tess has no recommendations")
        self.assertIn(tess[0]["resource"]["id"], self.sea[2:], [i["resource"]["title"] for i in tess])
        gus = self.recs(self.gus)
        self.assertTrue(gus, "gus has no recommendations")
        self.assertIn(gus[0]["resource"]["id"], self.arcade[1:], [i["resource"]["title"] for i in gus])
        self.assertRegex(gus[0]["reason"], r'^because you downloaded "Arcade 0"$|^new in (arcade|the game kind) ')

    def test_a_user_without_signals_gets_popular_picks(self):
        self.recommend()
        items = self.recs(self.zed)
        self.assertTrue(items, "zed (no signals) has no recommendations; docs/pushes.md: users with no signals "
                               "get the most popular resources")
        self.assertEqual({i["reason"] for i in items}, {"popular now"})

    def test_recommended_campaign_pushes_each_user_their_own_pick(self):
        self.recommend()
        top = {u.id: self.recs(u)[0] for u in (self.tess, self.gus)}
        fallback = self.publish("Fallback")
        c = self.campaign([fallback], "recommended", message="picked for you")
        self.assertGreaterEqual(c["audience_size"], 2)
        st = self.wait_stats(c["id"], targeted=c["audience_size"])
        self.assertEqual(st["delivered"] + st["skipped"] + st["held"], c["audience_size"], st)
        for u in (self.tess, self.gus):
            items = u.pushes(c["id"])
            self.assertEqual(len(items), 1, u.id)
            self.assertEqual(items[0]["resource_id"], top[u.id]["resource"]["id"], u.id)
            self.assertEqual(items[0]["push"]["reason"], top[u.id]["reason"], u.id)
            self.assertEqual(items[0]["note"], "picked for you")
            why = u.ok("GET", "/v1/pushes/" + items[0]["id"])["push"]
            self.assertEqual(why["reason"], top[u.id]["reason"])

    def test_not_interested_drops_the_pick(self):
        victim = self.user("nina2")
        victim.download(self.sea[0])
        self.recommend()
        before = [i["resource"]["id"] for i in self.recs(victim)]
        self.assertTrue(set(before) & set(self.sea[1:]), before)
        target = [r for r in before if r in self.sea[1:]][0]
        c = self.campaign([target], "users:nina2", message="try this")
        self.wait_stats(c["id"], delivered=1)
        item = victim.pushes(c["id"])[0]
        got, _, body = victim.call("POST", "/v1/pushes/%s/dismiss" % item["id"], {"not_interested": True})
        self.assertEqual(got, 204, body)
        self.recommend()
        after = [i["resource"]["id"] for i in self.recs(victim)]
        self.assertNotIn(target, after)
        st = self.stats(c["id"])
        self.assertEqual(st["dismissed"], 1, st)

    def test_deleting_signals_forgets_recommendations(self):
        u = self.user("forget_me")
        u.download(self.sea[0])
        self.recommend()
        self.assertTrue(self.recs(u))
        other_before = self.recs(self.tess)
        got, _, body = u.call("DELETE", "/v1/me/signals")
        self.assertEqual(got, 204, body)
        self.assertEqual(u.signals(), [])
        # Nothing personal is left: only what anyone new is offered.
        self.assertTrue(all(r["reason"] == "popular now" for r in self.recs(u)), self.recs(u))
        self.assertEqual(self.recs(self.tess), other_before)
        self.assertTrue(self.tess.signals())


    def test_a_closed_accounts_signals_are_gone(self):
        gone = self.user("closing_down")
        gone.download(self.sea[1])
        gone.view(self.arcade[2])
        gone.wait_signal(self.arcade[2], "viewed")
        gone.settings(per_day=1, time_zone="Asia/Tokyo")
        uid = self.server.sql("SELECT id FROM users WHERE network_id = 'closing_down'")
        self.assertEqual(self.server.sql("SELECT count(*) FROM signals WHERE user_id = %s" % uid), "2")
        # The wrong password closes nothing.
        got, _, body = gone.call("DELETE", "/v1/me", {"password": "not-it"})
        self.assertEqual((got, error_code(body)), (403, "wrong_password"))
        self.assertEqual(len(gone.signals()), 2)
        got, _, body = gone.call("DELETE", "/v1/me", {"password": "closing_down-password"})
        self.assertEqual(got, 204, body)
        for table in ("signals", "push_settings", "pushes", "recommendations", "sessions", "inbox_items"):
            self.assertEqual(self.server.sql("SELECT count(*) FROM %s WHERE user_id = %s" % (table, uid)), "0", table)
        # Nobody logs in as them, nor takes their name.
        status, _, body = self.server.request("POST", "/v1/sessions", {"network_id": "closing_down",
                                                                      "password": "closing_down-password"})
        self.assertEqual((status, error_code(body)), (401, "invalid_credentials"))
        status, _, body = self.server.request("POST", "/v1/accounts", {"network_id": "closing_down",
                                                                      "password": "someone-else"})
        self.assertEqual(status, 409, body)
        # Others keep theirs, and cannot share with the closed account.
        self.assertTrue(self.tess.signals())
        got, _, body = self.tess.call("POST", "/v1/shares", {"resource_id": self.sea[0], "to": ["closing_down"]})
        self.assertEqual((got, error_code(body)), (403, "not_accepted"))

# ==== 10. recommend eval ========================================================================

class EvalTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        cls.addClassCleanup(cls.ws.cleanup)

    def eval(self, path, *args):
        return subprocess.run([harness.MSGCENTERD, "recommend", "eval", "--events", path] + list(args),
                              capture_output=True, text=True, timeout=60)

    def write(self, name, text):
        path = os.path.join(self.ws.path, name)
        with open(path, "w" if isinstance(text, str) else "wb") as f:
            f.write(text)
        return path

    def test_eval_on_taste_groups(self):
        rnd = random.Random(7)
        lines = ["user,item,timestamp"]
        t = 1700000000000
        for u in range(300):
            group = u % 3
            items = rnd.sample(range(group * 20, group * 20 + 20), 8)
            for it in items:
                t += rnd.randint(1, 1000)
                lines.append("u%d,i%d,%d" % (u, it, t))
        path = self.write("events.csv", "\n".join(lines) + "\n")
        r = self.eval(path, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["users"], 300)
        self.assertEqual(out["items"], 60)
        names = [m["name"] for m in out["models"]]
        self.assertEqual(sorted(names), sorted(["random", "most-popular", "item-knn", "ease"]))
        by = {m["name"]: m for m in out["models"]}
        for m in out["models"]:
            for k in ("hr@10", "ndcg@10", "coverage", "train_seconds"):
                self.assertIsInstance(m[k], (int, float), (m["name"], k))
            for k in ("hr@10", "ndcg@10", "coverage"):
                self.assertTrue(0 <= m[k] <= 1, (m["name"], k, m[k]))
            self.assertLessEqual(m["ndcg@10"], m["hr@10"])
        # Three clear groups of 20: a model that learns them beats chance.
        self.assertGreater(by["ease"]["hr@10"], by["random"]["hr@10"] + 0.2, by)
        self.assertGreater(by["item-knn"]["hr@10"], by["random"]["hr@10"] + 0.2, by)
        # The table form names each model.
        r = self.eval(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in names:
            self.assertIn(n, r.stdout)

    def assertBadInput(self, path, line=None):
        r = self.eval(path, "--json")
        self.assertEqual((r.returncode, r.stdout), (2, ""), r.stderr)
        self.assertTrue(r.stderr.strip(), "no message")
        self.assertLess(len(r.stderr), 2000, "the message repeats the input")
        if line is not None:
            self.assertRegex(r.stderr, r"line %d\b" % line)
        return r.stderr

    def test_bad_input(self):
        good = "u1,i1,1000\nu1,i2,2000\nu2,i1,3000\n"
        self.assertBadInput(self.write("cols.csv", good + "u2,i3\n"), line=4)
        self.assertBadInput(self.write("cols4.csv", good + "u2,i3,4000,extra\n"), line=4)
        self.assertBadInput(self.write("time.csv", "user,item,timestamp\n" + good + "u2,i3,yesterday\n"), line=5)
        self.assertBadInput(self.write("long.csv", good + "u3,i" + "9" * (10 << 20) + ",5000\n"), line=4)
        msg = self.assertBadInput(os.path.join(self.ws.path, "no-such-file.csv"))
        self.assertIn("no-such-file.csv", msg)


if __name__ == "__main__":
    unittest.main()
