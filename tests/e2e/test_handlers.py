"""The five demo handlers (handlers/), run over real files the way the
message center runs them: `msgc --json handler run DIR FILE ...` runs a
handler package through the client's sandbox and prints its view.

Inputs are real: the WAV files of alsa-utils, the Ogg Vorbis sounds of
sound-theme-freedesktop, and MP3, Opus, Vorbis, FLAC, WAV, MP4 and MOV files
that ffmpeg writes at test time, plus truncated and corrupted copies of
them. Expected values come from ffprobe, not from the handlers' own
reading. Novels are generated: about 1 MiB of English (paragraphs of the
GPL from /usr/share/common-licenses) and of Chinese, with chapters."""

import json
import os
import random
import re
import shutil
import subprocess
import unittest

from tests.e2e.harness import MSGC, ROOT, Workspace

HANDLERS = os.path.join(ROOT, "handlers")
ALSA = "/usr/share/sounds/alsa"
FREEDESKTOP = "/usr/share/sounds/freedesktop/stereo"
DEMO_PUZZLE = "530070000600195000098000060800060003400803001700020006060000280000419005000080079"

WS = None
MEDIA = None


def setUpModule():
    global WS, MEDIA
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError("test_handlers needs %s: run scripts/install-deps (ffmpeg)" % ", ".join(missing))
    for d in (ALSA, FREEDESKTOP):
        if not os.path.isdir(d):
            raise RuntimeError("test_handlers needs %s: run scripts/install-deps (alsa-utils, sound-theme-freedesktop)" % d)
    WS = Workspace()
    MEDIA = WS.sub("media")


def tearDownModule():
    if WS:
        WS.cleanup()


# Running a handler ------------------------------------------------------------

def run_handler(name, path, kind, mime, title=None, page=None, stdin="", home=None):
    """Runs handler NAME over PATH. Returns the CompletedProcess."""
    home = home or WS.sub("home")
    opts = ["--type", kind, "--mime", mime]
    if title is not None:
        opts += ["--title", title]
    if page is not None:
        opts += ["--page", str(page)]
    env = dict(os.environ)
    cmd = [MSGC, "--json", "handler", "run", os.path.join(HANDLERS, name), path] + opts
    env["MSGC_HOME"] = home
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=120)


def open_view(test, name, path, kind, mime, **kw):
    """Runs a handler that must succeed; returns (shown views, final view)."""
    r = run_handler(name, path, kind, mime, **kw)
    test.assertEqual(r.returncode, 0, "%s on %s failed: %s" % (name, path, r.stderr))
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    test.assertTrue(lines, "no output from %s" % name)
    test.assertIn("view", lines[-1])
    shows = []
    for line in lines[:-1]:
        test.assertIn("show", line)
        shows.append(line["show"])
    view = lines[-1]["view"]
    for v in shows + [view]:
        test.assertEqual(v["view"], 1)
        test.assertEqual(v["kind"], kind)
        test.assertEqual(v["opener"], name)
        test.assertEqual(v["charset"], "UTF-8")
        test.assertIsInstance(v["title"], str)
        test.assertIsInstance(v["blocks"], list)
        test.assertIsInstance(v["notes"], list)
    return shows, view


def facts(view):
    rows = {}
    for b in view["blocks"]:
        if b["type"] == "facts":
            for k, v in b["rows"]:
                rows[k] = v
    return rows


def seconds(fact):
    """The exact seconds of a Duration fact ("0:03 (3.030 s)")."""
    m = re.search(r"\(([\d.]+) s\)", fact)
    assert m, fact
    return float(m.group(1))


def list_items(block):
    """A list block's items as text (each item is a list of blocks)."""
    out = []
    for item in block["items"]:
        if isinstance(item, str):
            out.append(item)
        else:
            out.append(" ".join(b.get("text", "") for b in item))
    return out


def ffmpeg(*args):
    r = subprocess.run(["ffmpeg", "-y", "-loglevel", "error"] + list(args), capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        raise AssertionError("ffmpeg %s failed: %s" % (" ".join(args), r.stderr))


def probe(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", path],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("ffprobe %s failed: %s" % (path, r.stderr))
    return json.loads(r.stdout)


def media(name):
    return os.path.join(MEDIA, name)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sine(duration, *extra):
    return ["-f", "lavfi", "-i", "sine=frequency=440:duration=%s" % duration] + list(extra)


# Audio ------------------------------------------------------------------------

class AudioInfoTest(unittest.TestCase):
    def info(self, path, mime="audio/wav"):
        _, view = open_view(self, "audio-info", path, "music", mime)
        return view, facts(view)

    def assert_matches_probe(self, path, mime, tolerance=0.02, bits=True):
        p = probe(path)
        audio = [s for s in p["streams"] if s["codec_type"] == "audio"][0]
        view, f = self.info(path, mime)
        self.assertEqual(view["notes"], [], path)
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=tolerance, msg=path)
        self.assertEqual(f["Sample rate"], "%s Hz" % audio["sample_rate"], path)
        self.assertEqual(int(f["Channels"].split()[0]), audio["channels"], path)
        if bits and audio.get("bits_per_sample"):
            self.assertEqual(int(f["Bits"]), audio["bits_per_sample"], path)
        return view, f, p

    def test_the_alsa_wav_files(self):
        wavs = sorted(n for n in os.listdir(ALSA) if n.endswith(".wav"))
        self.assertGreater(len(wavs), 3)
        for name in wavs:
            view, f, _ = self.assert_matches_probe(os.path.join(ALSA, name), "audio/wav", tolerance=0.002)
            self.assertTrue(f["Format"].startswith("WAV, PCM"), f)

    def test_ffmpeg_wavs_in_several_sample_formats_with_info_tags(self):
        s16 = media("s16.wav")
        ffmpeg(*sine(2.5, "-ac", "2", "-ar", "22050", "-c:a", "pcm_s16le", "-metadata", "title=Harbour Bell",
                     "-metadata", "artist=The Ferrymen", "-metadata", "comment=tuned to A", s16))
        view, f, _ = self.assert_matches_probe(s16, "audio/wav", tolerance=0.002)
        self.assertEqual(view["title"], "Harbour Bell")
        self.assertEqual((f["Title"], f["Artist"], f["Comment"]), ("Harbour Bell", "The Ferrymen", "tuned to A"))
        self.assertEqual(f["Channels"], "2 (stereo)")
        # 24-bit at 96 kHz: ffmpeg writes WAVE_FORMAT_EXTENSIBLE.
        s24 = media("s24.wav")
        ffmpeg(*sine(1.5, "-ar", "96000", "-c:a", "pcm_s24le", s24))
        _, f, _ = self.assert_matches_probe(s24, "audio/wav", tolerance=0.002)
        self.assertEqual((f["Format"], f["Bits"]), ("WAV, PCM", "24"))
        flt = media("float.wav")
        ffmpeg(*sine(1, "-c:a", "pcm_f32le", flt))
        _, f, _ = self.assert_matches_probe(flt, "audio/x-wav", tolerance=0.002)
        self.assertEqual(f["Format"], "WAV, IEEE float")
        # The demo tone's shape: 8 kHz, 8-bit unsigned, mono.
        u8 = media("u8.wav")
        ffmpeg(*sine(1, "-ar", "8000", "-c:a", "pcm_u8", u8))
        _, f, _ = self.assert_matches_probe(u8, "audio/wav", tolerance=0.002)
        self.assertEqual((f["Bits"], f["Channels"], f["Bitrate"]), ("8", "1 (mono)", "64 kb/s"))
        alaw = media("alaw.wav")
        ffmpeg(*sine(1, "-ar", "8000", "-c:a", "pcm_alaw", alaw))
        _, f = self.info(alaw)
        self.assertEqual(f["Format"], "WAV, A-law")
        self.assertAlmostEqual(seconds(f["Duration"]), 1.0, delta=0.002)

    def test_a_wav_with_an_odd_sized_chunk_is_padded_past(self):
        # ffmpeg's own WAV with one more chunk of odd size (and its pad byte)
        # put after fmt, as some recorders write them.
        src = media("pad-src.wav")
        ffmpeg(*sine(1, "-ar", "16000", "-metadata", "title=Padded", src))
        data = read(src)
        fmt_at = data.index(b"fmt ")
        fmt_size = int.from_bytes(data[fmt_at + 4:fmt_at + 8], "little")
        end = fmt_at + 8 + fmt_size + (fmt_size & 1)
        odd = b"junk" + (3).to_bytes(4, "little") + b"abc" + b"\0"
        out = data[:end] + odd + data[end:]
        out = out[:4] + (len(out) - 8).to_bytes(4, "little") + out[8:]
        path = write(media("padded.wav"), out)
        view, f = self.info(path)
        self.assertEqual(view["notes"], [])
        self.assertEqual((f["Title"], f["Sample rate"]), ("Padded", "16000 Hz"))
        self.assertAlmostEqual(seconds(f["Duration"]), 1.0, delta=0.002)

    def test_truncated_and_corrupt_wavs_give_a_view_with_notes(self):
        src = os.path.join(ALSA, "Front_Center.wav")
        data = read(src)
        cut = write(media("cut.wav"), data[:20000])
        view, f = self.info(cut)
        self.assertTrue(any("ends early" in n for n in view["notes"]), view["notes"])
        self.assertEqual(f["Sample rate"], "48000 Hz")
        self.assertLess(seconds(f["Duration"]), 0.25)
        # The first chunk's size overwritten: the chain of chunks is broken.
        bad = bytearray(data)
        bad[16:20] = b"\xff\xff\xff\x7f"
        view, f = self.info(write(media("badfmt.wav"), bytes(bad)))
        self.assertTrue(view["notes"], view)
        self.assertNotIn("Duration", f)
        # Only a header.
        view, _ = self.info(write(media("head.wav"), data[:30]))
        self.assertTrue(view["notes"])

    def test_the_freedesktop_ogg_vorbis_sounds(self):
        oggs = sorted(n for n in os.listdir(FREEDESKTOP) if n.endswith(".oga"))
        self.assertGreater(len(oggs), 10)
        for name in oggs:
            view, f, _ = self.assert_matches_probe(os.path.join(FREEDESKTOP, name), "audio/ogg", tolerance=0.01,
                                                   bits=False)
            self.assertEqual(f["Format"], "Ogg, Vorbis")

    def test_ogg_vorbis_and_opus_written_by_ffmpeg_with_tags(self):
        vorbis = media("tone.ogg")
        ffmpeg(*sine(2.5, "-ac", "2", "-c:a", "libvorbis", "-metadata", "title=Evening Tide",
                     "-metadata", "artist=Harbour Choir", "-metadata", "album=Coastlines", vorbis))
        view, f, _ = self.assert_matches_probe(vorbis, "audio/ogg", tolerance=0.01, bits=False)
        self.assertEqual((view["title"], f["Artist"], f["Album"]), ("Evening Tide", "Harbour Choir", "Coastlines"))
        self.assertEqual(f["Format"], "Ogg, Vorbis")
        opus = media("tone.opus")
        ffmpeg(*sine(3, "-c:a", "libopus", "-b:a", "48k", "-metadata", "title=Foghorn",
                     "-metadata", "artist=Lighthouse Keeper", opus))
        p = probe(opus)
        view, f = self.info(opus, "audio/ogg")
        self.assertEqual(view["notes"], [])
        self.assertEqual(f["Format"], "Ogg, Opus")
        # Opus decodes at 48 kHz whatever went in; the pre-skip is not music,
        # so the duration is within one pre-skip (at most 80 ms) of ffprobe's.
        self.assertEqual(f["Sample rate"], "48000 Hz")
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=0.08)
        self.assertAlmostEqual(seconds(f["Duration"]), 3.0, delta=0.03)
        self.assertEqual((f["Title"], f["Artist"], f["Channels"]), ("Foghorn", "Lighthouse Keeper", "1 (mono)"))

    def test_truncated_and_corrupt_oggs_give_a_view_with_notes(self):
        src = media("long.ogg")
        ffmpeg(*sine(6, "-c:a", "libvorbis", "-metadata", "title=Long Tone", src))
        data = read(src)
        # Cut 100 bytes into a page in the middle of the file.
        starts = [m.start() for m in re.finditer(b"OggS", data)]
        mid = starts[len(starts) // 2]
        view, f = self.info(write(media("cut.ogg"), data[:mid + 100]), "audio/ogg")
        self.assertTrue(any("ends early" in n for n in view["notes"]), view["notes"])
        self.assertEqual(f["Title"], "Long Tone")
        self.assertLess(seconds(f["Duration"]), 6.0)
        # The identification header overwritten.
        bad = bytearray(data)
        at = data.index(b"\x01vorbis")
        bad[at:at + 7] = b"garbage"
        view, f = self.info(write(media("bad.ogg"), bytes(bad)), "audio/ogg")
        self.assertTrue(view["notes"], view)
        # The capture pattern of the second page broken.
        bad = bytearray(data)
        bad[starts[1]:starts[1] + 4] = b"Xggs"
        view, f = self.info(write(media("bad2.ogg"), bytes(bad)), "audio/ogg")
        self.assertTrue(any("corrupt" in n for n in view["notes"]), view["notes"])

    def test_mp3_cbr_with_id3v24_tags(self):
        path = media("cbr.mp3")
        ffmpeg(*sine(3, "-b:a", "128k", "-metadata", "title=Tuning Tone", "-metadata", "artist=Test Artist",
                     "-metadata", "album=Test Album", "-metadata", "track=7", path))
        p = probe(path)
        view, f = self.info(path, "audio/mpeg")
        self.assertEqual(view["notes"], [])
        self.assertEqual(f["Format"], "MP3, MPEG-1 Layer III")
        self.assertEqual((f["Sample rate"], f["Channels"], f["Bitrate"]), ("44100 Hz", "1 (mono)", "128 kb/s"))
        # ffprobe counts the encoder delay and padding that the LAME tag
        # marks as not music; the handler leaves them out: 3 s of tone.
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=0.08)
        self.assertAlmostEqual(seconds(f["Duration"]), 3.0, delta=0.03)
        self.assertEqual((view["title"], f["Artist"], f["Album"], f["Track"]),
                         ("Tuning Tone", "Test Artist", "Test Album", "7"))

    def test_mp3_id3v23_with_utf16_text_and_an_id3v1_tag(self):
        path = media("v23.mp3")
        ffmpeg(*sine(2, "-ac", "2", "-b:a", "96k", "-id3v2_version", "3", "-write_id3v1", "1",
                     "-metadata", "title=Café – 夜の港", "-metadata", "artist=Ärger", "-metadata", "date=2019",
                     path))
        data = read(path)
        self.assertEqual(data[3], 3)
        self.assertEqual(data[-128:-125], b"TAG")
        view, f = self.info(path, "audio/mpeg")
        self.assertEqual(view["notes"], [])
        self.assertEqual((view["title"], f["Artist"], f["Channels"].split()[0]), ("Café – 夜の港", "Ärger", "2"))
        self.assertEqual(f["Bitrate"], "96 kb/s")
        self.assertAlmostEqual(seconds(f["Duration"]), float(probe(path)["format"]["duration"]), delta=0.08)

    def test_mp3_vbr_with_a_xing_header(self):
        path = media("vbr.mp3")
        ffmpeg(*sine(5, "-ac", "2", "-q:a", "2", path))
        p = probe(path)
        view, f = self.info(path, "audio/mpeg")
        self.assertEqual(view["notes"], [])
        self.assertIn("(average)", f["Bitrate"])
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=0.08)

    def test_mpeg2_mp3_without_a_xing_header_is_estimated_from_its_bitrate(self):
        path = media("m2.mp3")
        ffmpeg(*sine(4, "-ar", "22050", "-b:a", "32k", "-write_xing", "0", path))
        p = probe(path)
        view, f = self.info(path, "audio/mpeg")
        self.assertEqual(f["Format"], "MP3, MPEG-2 Layer III")
        self.assertEqual((f["Sample rate"], f["Bitrate"]), ("22050 Hz", "32 kb/s"))
        self.assertTrue(any("estimated" in n for n in view["notes"]), view["notes"])
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=0.1)

    def test_truncated_and_corrupt_mp3s_give_a_view_with_notes(self):
        src = media("src.mp3")
        ffmpeg(*sine(4, "-q:a", "4", "-metadata", "title=Cut Short", src))
        data = read(src)
        view, f = self.info(write(media("cut.mp3"), data[:len(data) // 2]), "audio/mpeg")
        self.assertTrue(any("ends early" in n for n in view["notes"]), view["notes"])
        self.assertEqual(view["title"], "Cut Short")
        # Every frame sync after the tag destroyed: no audio to describe.
        size = ((data[6] & 0x7F) << 21) | ((data[7] & 0x7F) << 14) | ((data[8] & 0x7F) << 7) | (data[9] & 0x7F)
        bad = data[:10 + size] + data[10 + size:].replace(b"\xff", b"\x00")
        view, f = self.info(write(media("nosync.mp3"), bad), "audio/mpeg")
        self.assertTrue(any("no MPEG audio frame" in n for n in view["notes"]), view["notes"])
        self.assertEqual(view["title"], "Cut Short")
        # The ID3 tag's size bytes made invalid (not synchsafe).
        bad = bytearray(data)
        bad[6:10] = b"\xff\xff\xff\xff"
        view, f = self.info(write(media("badtag.mp3"), bytes(bad)), "audio/mpeg")
        self.assertTrue(view["notes"], view)
        # Only the tag.
        view, f = self.info(write(media("tagonly.mp3"), data[:10 + size]), "audio/mpeg")
        self.assertTrue(view["notes"], view)

    def test_flac(self):
        path = media("tone.flac")
        ffmpeg(*sine(2, "-ac", "2", "-ar", "48000", "-c:a", "flac", "-sample_fmt", "s16",
                     "-metadata", "title=Lossless Tide", "-metadata", "artist=Archivist", path))
        view, f, _ = self.assert_matches_probe(path, "audio/flac", tolerance=0.002, bits=False)
        self.assertEqual((f["Format"], f["Bits"], f["Title"], f["Artist"]), ("FLAC", "16", "Lossless Tide", "Archivist"))
        view, f = self.info(write(media("cut.flac"), read(path)[:30]), "audio/flac")
        self.assertTrue(view["notes"])

    def test_randomly_damaged_files_still_open(self):
        # Seeded damage to real files: cut anywhere, or bytes overwritten in
        # the headers or anywhere. Each must give a view, never a failure.
        sources = [os.path.join(ALSA, "Front_Left.wav"), os.path.join(FREEDESKTOP, "bell.oga")]
        for name, args in (("d.mp3", sine(2, "-q:a", "5", "-metadata", "title=Damaged")),
                           ("d.opus", sine(2, "-c:a", "libopus", "-metadata", "title=Damaged")),
                           ("d.flac", sine(1, "-c:a", "flac"))):
            ffmpeg(*(args + [media(name)]))
            sources.append(media(name))
        rnd = random.Random(2024)
        for k in range(40):
            src = sources[k % len(sources)]
            data = bytearray(read(src))
            if k % 3 == 0:
                data = data[:rnd.randrange(len(data))]
            else:
                span = 4096 if k % 3 == 1 else len(data)
                for _ in range(rnd.randint(1, 16)):
                    data[rnd.randrange(min(span, len(data)))] = rnd.randrange(256)
            self.info(write(media("damaged-%d" % k), bytes(data)), "audio/mpeg")

    def test_not_audio_and_empty_files(self):
        rnd = random.Random(7)
        junk = write(media("junk.bin"), bytes(rnd.randrange(256) for _ in range(5000)))
        view, f = self.info(junk, "audio/mpeg")
        self.assertTrue(view["notes"])
        view, f = self.info(write(media("empty.wav"), b""))
        self.assertIn("the file is empty", view["notes"])
        # The demo's tone as the server seeds it, titled by its resource.
        _, view = open_view(self, "audio-info", os.path.join(ALSA, "Noise.wav"), "music", "audio/wav",
                            title="A 440 Hz tone")
        self.assertEqual(view["title"], "A 440 Hz tone")


# Video ------------------------------------------------------------------------

class VideoInfoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mp4 = media("clip.mp4")
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2", "-f", "lavfi", "-i",
               "sine=frequency=440:sample_rate=44100", "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-ac", "2", "-metadata", "title=Harbour at Dusk", cls.mp4)
        cls.faststart = media("clip-faststart.mp4")
        ffmpeg("-i", cls.mp4, "-c", "copy", "-movflags", "+faststart", cls.faststart)
        cls.mov = media("clip.mov")
        ffmpeg("-i", cls.mp4, "-c", "copy", cls.mov)

    def info(self, path, mime="video/mp4"):
        _, view = open_view(self, "video-info", path, "video", mime)
        return view, facts(view)

    def assert_clip(self, path, mime, brand):
        p = probe(path)
        view, f = self.info(path, mime)
        self.assertEqual(view["notes"], [], path)
        self.assertEqual(view["title"], "Harbour at Dusk")
        self.assertAlmostEqual(seconds(f["Duration"]), float(p["format"]["duration"]), delta=0.05)
        self.assertEqual(f["Resolution"], "320x240")
        self.assertEqual(f["Frame rate"], "25 fps")
        self.assertTrue(f["Video codec"].startswith("avc1 (H.264, High"), f)
        self.assertEqual(f["Audio codec"], "mp4a (AAC LC)")
        self.assertEqual((f["Sample rate"], f["Channels"]), ("44100 Hz", "2 (stereo)"))
        self.assertTrue(f["Brand"].startswith(brand), f)
        return view, f

    def test_mp4_with_moov_after_mdat(self):
        data = read(self.mp4)
        self.assertLess(data.index(b"mdat"), data.index(b"moov"))
        self.assert_clip(self.mp4, "video/mp4", "isom")

    def test_mp4_with_moov_first(self):
        data = read(self.faststart)
        self.assertLess(data.index(b"moov"), data.index(b"mdat"))
        self.assert_clip(self.faststart, "video/mp4", "isom")

    def test_quicktime_mov(self):
        self.assert_clip(self.mov, "video/quicktime", "qt")

    def test_hevc_vp9_and_opus(self):
        hevc = media("hevc.mp4")
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1", "-c:v", "libx265", "-preset",
               "ultrafast", "-tag:v", "hvc1", "-x265-params", "log-level=error", hevc)
        view, f = self.info(hevc)
        self.assertTrue(f["Video codec"].startswith("hvc1 (H.265/HEVC"), f)
        self.assertEqual(f["Resolution"], "320x240")
        self.assertAlmostEqual(seconds(f["Duration"]), float(probe(hevc)["format"]["duration"]), delta=0.05)
        vp9 = media("vp9.mp4")
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=176x144:rate=10:duration=1", "-f", "lavfi", "-i",
               "sine=frequency=440:sample_rate=48000", "-shortest", "-c:v", "libvpx-vp9", "-deadline", "realtime",
               "-cpu-used", "8", "-c:a", "libopus", vp9)
        view, f = self.info(vp9)
        self.assertTrue(f["Video codec"].startswith("vp09 (VP9"), f)
        self.assertTrue(f["Audio codec"].startswith("Opus"), f)
        self.assertEqual((f["Resolution"], f["Frame rate"], f["Sample rate"]), ("176x144", "10 fps", "48000 Hz"))

    def test_truncated_files_give_a_view_with_notes(self):
        data = read(self.mp4)
        # moov at the end, cut off: no index at all.
        view, f = self.info(write(media("cut.mp4"), data[:len(data) // 2]))
        self.assertTrue(any("ends early" in n for n in view["notes"]), view["notes"])
        self.assertTrue(any("no moov" in n for n in view["notes"]), view["notes"])
        self.assertTrue(f["Brand"].startswith("isom"))
        # moov first: everything is known, the media data is short.
        data = read(self.faststart)
        view, f = self.info(write(media("cut-faststart.mp4"), data[:len(data) // 2]))
        self.assertTrue(any("ends early" in n and "mdat" in n for n in view["notes"]), view["notes"])
        self.assertEqual(f["Resolution"], "320x240")
        # Cut inside moov.
        moov = data.index(b"moov")
        view, f = self.info(write(media("cut-moov.mp4"), data[:moov + 300]))
        self.assertTrue(view["notes"])

    def test_corrupt_box_sizes_neither_loop_nor_fail(self):
        data = read(self.faststart)
        moov = data.index(b"moov") - 4
        trak = data.index(b"trak") - 4
        cases = {
            "zero-size trak": (trak, (0).to_bytes(4, "big")),   # "to the end" of moov
            "size 3 trak": (trak, (3).to_bytes(4, "big")),
            "huge trak": (trak, (0x7FFFFFFF).to_bytes(4, "big")),
            "size 1 and a huge largesize": (moov, (1).to_bytes(4, "big")),
            "garbage type": (trak + 4, b"\x00\x01\x02\x03"),
        }
        for label, (at, patch) in cases.items():
            bad = bytearray(data)
            bad[at:at + len(patch)] = patch
            path = write(media("corrupt.mp4"), bytes(bad))
            view, f = self.info(path)
            if label != "zero-size trak":
                self.assertTrue(view["notes"], label)
            self.assertTrue(f.get("Brand", "").startswith("isom"), label)

    def test_randomly_damaged_files_still_open(self):
        rnd = random.Random(99)
        sources = [self.mp4, self.faststart, self.mov]
        for k in range(30):
            data = bytearray(read(sources[k % 3]))
            if k % 3 == 0:
                data = data[:rnd.randrange(len(data))]
            else:
                moov = data.index(b"moov") - 4
                for _ in range(rnd.randint(1, 16)):
                    data[moov + rnd.randrange(len(data) - moov)] = rnd.randrange(256)
            self.info(write(media("damaged-%d.mp4" % k), bytes(data)))

    def test_not_a_video(self):
        view, f = self.info(write(media("text.mp4"), b"This is not a video, only some text.\n" * 20))
        self.assertTrue(view["notes"])
        view, f = self.info(write(media("empty.mp4"), b""))
        self.assertIn("the file is empty", view["notes"])


# Novels -----------------------------------------------------------------------

NUMBER_WORDS = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty"]
CN_DIGITS = "零一二三四五六七八九"


def roman(n):
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def chinese_number(n):
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def english_novel(target=1 << 20):
    """About 1 MiB: a title, a prologue, chapters headed in four styles, an
    epilogue; paragraphs are the GPL's, hard-wrapped as they are there.
    Returns (text, chapter titles)."""
    with open("/usr/share/common-licenses/GPL-3", encoding="utf-8") as f:
        paras = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", f.read()) if p.strip()]
    styles = [lambda i: "Chapter %s" % (NUMBER_WORDS[i - 1] if i <= 20 else "Twenty-" + NUMBER_WORDS[i - 21]),
              lambda i: "CHAPTER %d" % i,
              lambda i: "Chapter %s: The Lighthouse" % roman(i),
              lambda i: "Chapter %d. Tides" % i]
    titles = ["Prologue"] + [styles[(i - 1) % 4](i) for i in range(1, 25)] + ["Epilogue"]
    per_chapter = target // len(titles)
    out, k = ["The Long Licence\n\n"], 0
    for n, title in enumerate(titles):
        out.append(title + "\n\n")
        size = 0
        if n == 2:
            # Starts like a heading, is a sentence.
            out.append("Chapter one of my life was spent by the sea, and it was not a happy one.\n\n")
        while size < per_chapter:
            p = paras[k % len(paras)]
            k += 1
            out.append(p + "\n\n")
            size += len(p) + 2
    return "".join(out), titles


CN_SENTENCES = ["渡船在黄昏时分靠岸，港务长一个一个地数着下船的乘客。", "海风带着咸味吹过码头，灯塔的光在雾里时隐时现。",
                "她把信折好放进口袋，沿着石阶慢慢走向老城。", "没有人知道那个陌生人从哪里来，也没有人问。",
                "雨下了一整夜，屋檐下的水声像是有人在低声说话。", "他在账本上写下今天的日期，又把笔放回原处。",
                "远处传来汽笛声，孩子们跑到堤岸上张望。", "港口的夜晚很安静，只有缆绳摩擦木桩的声音。"]


def chinese_novel(target=1 << 20):
    """About 1 MiB of Chinese: 序章, then chapters headed 第N章 in Chinese
    numerals or digits, paragraphs one per line, indented with U+3000, no
    blank lines between them, as Chinese web novels are written."""
    rnd = random.Random(11)
    titles = ["序章 雨夜"]
    for i in range(1, 31):
        if i % 3 == 0:
            titles.append("第%d章 归来" % i)
        elif i % 5 == 0:
            titles.append("第%s章" % chinese_number(i))
        else:
            titles.append("第%s章 港口的%s" % (chinese_number(i), "夜晚" if i % 2 else "清晨"))
    per_chapter = target // len(titles)
    out = ["静海港\n\n"]
    for title in titles:
        out.append(title + "\n\n")
        size = 0
        while size < per_chapter:
            p = "\u3000\u3000" + "".join(rnd.choice(CN_SENTENCES) for _ in range(rnd.randint(2, 9))) + "\n"
            out.append(p)
            size += len(p.encode("utf-8"))
        out.append("\n")
    return "".join(out), titles


def squash(text):
    return re.sub(r"\s+", "", text)


class NovelReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.english, cls.english_titles = english_novel()
        cls.chinese, cls.chinese_titles = chinese_novel()
        cls.english_path = write(media("novel-en.txt"), cls.english.encode("utf-8"))
        cls.chinese_path = write(media("novel-zh.txt"), cls.chinese.encode("utf-8"))

    def page(self, path, n=None, home=None, title="A novel"):
        _, view = open_view(self, "novel-reader", path, "novel", "text/plain", page=n, home=home, title=title)
        return view

    def all_pages(self, path, home=None):
        first = self.page(path, 1, home)
        count = first["page"]["count"]
        pages = [first] + [self.page(path, n, home) for n in range(2, count + 1)]
        for n, v in enumerate(pages, 1):
            self.assertEqual(v["page"], {"number": n, "count": count})
            self.assertEqual(v["title"], "A novel")
        return pages

    def check_novel(self, pages, text, titles, size):
        """Every page reads as UTF-8 without replacement characters, is about
        16 KiB, the chapters come out as headings in order, each page after
        the first chapter starts with its chapter's heading, and together
        the pages hold the whole text."""
        self.assertGreaterEqual(len(pages), size // 16384)
        self.assertLessEqual(len(pages), size // 16384 * 3)
        headings, body, current = [], [], None
        for v in pages:
            page_text = []
            for i, b in enumerate(v["blocks"]):
                self.assertIn(b["type"], ("heading", "paragraph"))
                self.assertNotIn("\ufffd", b["text"])
                if b["type"] == "heading":
                    self.assertEqual(b["level"], 2)
                    if b["text"].endswith(" (continued)"):
                        self.assertEqual(i, 0)
                        self.assertEqual(b["text"], current + " (continued)")
                        continue
                    headings.append(b["text"])
                    current = b["text"]
                elif i == 0 and current is not None:
                    self.fail("page %d starts without its chapter's heading" % v["page"]["number"])
                page_text.append(b["text"])
                body.append(b["text"])
            self.assertLessEqual(len("\n".join(page_text).encode("utf-8")), 16384 + 256)
            self.assertEqual(v["notes"], [])
        self.assertEqual(headings, titles)
        self.assertEqual(squash("".join(body)), squash(text.lstrip("\ufeff")))

    def test_an_english_novel_in_pages_with_its_chapters(self):
        pages = self.all_pages(self.english_path)
        self.check_novel(pages, self.english, self.english_titles, len(self.english.encode()))
        self.assertEqual(pages[0]["blocks"][0], {"type": "paragraph", "text": "The Long Licence"})
        self.assertEqual(pages[0]["blocks"][1], {"type": "heading", "level": 2, "text": "Prologue"})
        # The sentence that begins like a heading stays a paragraph.
        texts = [b["text"] for v in pages for b in v["blocks"]]
        self.assertIn("Chapter one of my life was spent by the sea, and it was not a happy one.", texts)

    def test_a_chinese_novel_in_pages_with_its_chapters(self):
        pages = self.all_pages(self.chinese_path)
        self.check_novel(pages, self.chinese, self.chinese_titles, len(self.chinese.encode()))
        headings = [b["text"] for v in pages for b in v["blocks"] if b["type"] == "heading"]
        for t in ("第一章 港口的夜晚", "第3章 归来", "第五章", "第30章 归来"):
            self.assertIn(t, headings)

    def test_crlf_cr_and_bom_read_as_the_same_text(self):
        for label, data in (("crlf", self.english.replace("\n", "\r\n").encode()),
                            ("cr", self.english.replace("\n", "\r").encode()),
                            ("bom", b"\xef\xbb\xbf" + self.english.encode()),
                            ("bom-crlf-zh", b"\xef\xbb\xbf" + self.chinese.replace("\n", "\r\n").encode())):
            path = write(media("novel-%s.txt" % label), data)
            pages = self.all_pages(path)
            text, titles = (self.chinese, self.chinese_titles) if "zh" in label else (self.english, self.english_titles)
            self.check_novel(pages, text, titles, len(data))
            first = pages[0]["blocks"][0]["text"]
            self.assertFalse(first.startswith("\ufeff"), label)
            self.assertNotIn("\r", json.dumps(pages))

    def test_a_novel_cut_inside_a_character(self):
        data = self.chinese.encode()
        cut = 300001
        while (data[cut] & 0xC0) != 0x80:  # cut so that the last character is incomplete
            cut += 1
        path = write(media("novel-cut.txt"), data[:cut])
        last = self.page(path, 10 ** 6)
        count = last["page"]["count"]
        self.assertEqual(last["page"]["number"], count)
        self.assertTrue(any("ends early" in n for n in last["notes"]), last["notes"])
        self.assertTrue(last["blocks"][-1]["text"].endswith("\ufffd"))
        self.assertEqual(last["blocks"][-1]["text"].count("\ufffd"), 1)
        for n in range(1, count):
            v = self.page(path, n)
            self.assertNotIn("\ufffd", json.dumps(v, ensure_ascii=False))

    def test_invalid_bytes_show_as_replacement_characters_with_a_note(self):
        data = self.english.encode()
        at = data.index(b"\n\n", 100000) + 2
        bad = data[:at] + b"Caf\xe9 au lait \xff\xfe here.\n\n" + data[at:]
        path = write(media("novel-bad.txt"), bad)
        first = self.page(path, 1)
        hits = []
        for n in range(1, first["page"]["count"] + 1):
            v = self.page(path, n)
            for b in v["blocks"]:
                if "\ufffd" in b["text"]:
                    hits.append((n, b["text"], v["notes"]))
        self.assertEqual(len(hits), 1, hits)
        self.assertEqual(hits[0][1], "Caf\ufffd au lait \ufffd\ufffd here.")
        self.assertTrue(any("U+FFFD" in n for n in hits[0][2]), hits[0][2])

    def test_a_page_past_the_end_shows_the_last_page_with_a_note(self):
        count = self.page(self.english_path, 1)["page"]["count"]
        past = self.page(self.english_path, count + 5)
        self.assertEqual(past["page"], {"number": count, "count": count})
        self.assertTrue(any("no page %d" % (count + 5) in n for n in past["notes"]), past["notes"])
        self.assertEqual(past["blocks"], self.page(self.english_path, count)["blocks"])
        self.assertEqual(past["blocks"][-1]["text"].split("\n")[-1], self.english.rstrip().split("\n")[-1].strip())

    def test_the_second_open_uses_the_stored_index(self):
        home = WS.sub("novel-cache")
        r1 = run_handler("novel-reader", self.english_path, "novel", "text/plain", page=7, home=home)
        r2 = run_handler("novel-reader", self.english_path, "novel", "text/plain", page=7, home=home)
        self.assertEqual(r1.returncode, 0, r1.stderr)
        self.assertEqual(r2.returncode, 0, r2.stderr)
        a1, a2 = json.loads(r1.stdout), json.loads(r2.stdout)
        self.assertEqual(a1["view"], a2["view"])
        # msgc reports the work each open took: the stored index spares the
        # scan of the whole megabyte.
        self.assertLess(a2["instructions"] * 5, a1["instructions"], (a1["instructions"], a2["instructions"]))
        with open(os.path.join(home, "handler-runs", "novel-reader", "state.json")) as f:
            self.assertLess(len(f.read()), 4096)
        # Another novel shares the store.
        r3 = run_handler("novel-reader", self.chinese_path, "novel", "text/plain", page=2, home=home)
        self.assertEqual(r3.returncode, 0, r3.stderr)
        self.assertEqual(json.loads(r3.stdout)["view"]["page"]["number"], 2)

    def test_a_novel_over_8_mib_is_paged_by_position(self):
        data = self.english.encode() * 9
        path = write(media("novel-big.txt"), data)
        first = self.page(path, 1)
        count = first["page"]["count"]
        self.assertEqual(count, -(-len(data) // 16384))
        self.assertTrue(any("over 8 MiB" in n for n in first["notes"]), first["notes"])
        self.assertEqual(first["blocks"][1], {"type": "heading", "level": 2, "text": "Prologue"})
        for n in (2, count // 2, count):
            v = self.page(path, n)
            self.assertEqual(v["page"], {"number": n, "count": count})
            self.assertNotIn("\ufffd", json.dumps(v, ensure_ascii=False))
            self.assertTrue(v["blocks"])
        last = self.page(path, count)
        self.assertEqual(last["blocks"][-1]["text"].split("\n")[-1], self.english.rstrip().split("\n")[-1].strip())

    def test_the_demo_novel(self):
        para = ("The ferry came in at dusk, as it always did, and the harbour master counted the passengers "
                "off the gangway the way other men count their blessings: slowly, and with suspicion. ")
        text = "The Quiet Harbour\nChapter One\n\n" + "".join(para + ("\n\n" if i % 3 == 2 else "") for i in range(12))
        path = write(media("quiet-harbour-1.txt"), text.encode())
        v = self.page(path, title="The Quiet Harbour, chapter 1")
        self.assertEqual(v["title"], "The Quiet Harbour, chapter 1")
        self.assertEqual(v["page"], {"number": 1, "count": 1})
        self.assertEqual([b["type"] for b in v["blocks"]], ["paragraph", "heading"] + ["paragraph"] * 4)
        self.assertEqual(v["blocks"][1]["text"], "Chapter One")
        self.assertTrue(v["blocks"][2]["text"].startswith("The ferry came in at dusk"))

    def test_an_empty_novel(self):
        v = self.page(write(media("empty.txt"), b""))
        self.assertEqual(v["page"], {"number": 1, "count": 1})
        self.assertEqual(v["blocks"], [])
        self.assertIn("the file is empty", v["notes"])


# Products ---------------------------------------------------------------------

class ProductCardTest(unittest.TestCase):
    def card(self, record, name="p.json", title="Trail running shoes"):
        data = record if isinstance(record, bytes) else json.dumps(record, ensure_ascii=False).encode()
        _, view = open_view(self, "product-card", write(media(name), data), "product", "application/json", title=title)
        return view

    def test_the_demo_product(self):
        v = self.card(b'{"name":"Trail running shoes","price":"59.00","currency":"EUR","sizes":[40,41,42,43,44]}')
        self.assertEqual(v["title"], "Trail running shoes")
        self.assertEqual(facts(v)["Price"], "59.00 EUR")
        lists = [b for b in v["blocks"] if b["type"] == "list"]
        self.assertEqual(list_items(lists[0]), ["40", "41", "42", "43", "44"])
        self.assertEqual(v["actions"], [])
        self.assertIn("the record gives no buy link", v["notes"])

    def test_a_full_product(self):
        v = self.card({"name": "Rain jacket «Brume»", "price": 89.5, "currency": "EUR", "sizes": ["S", "M", "L"],
                       "description": "Light and waterproof.\n\nPacks into its own pocket.",
                       "buy_url": "https://shop.example.com/jacket?id=7",
                       "images": ["r_front01", {"resource_id": "r_back02", "alt": "The back"}]})
        self.assertEqual(v["title"], "Rain jacket «Brume»")
        self.assertEqual(facts(v)["Price"], "89.50 EUR")
        self.assertEqual(list_items([b for b in v["blocks"] if b["type"] == "list"][0]), ["S", "M", "L"])
        paras = [b["text"] for b in v["blocks"] if b["type"] == "paragraph"]
        self.assertEqual(paras, ["Light and waterproof.", "Packs into its own pocket."])
        self.assertEqual([(i["resource_id"], i["alt"]) for i in v["images"]],
                         [("r_front01", "Rain jacket «Brume», picture 1"), ("r_back02", "The back")])
        self.assertEqual(len(v["actions"]), 1)
        self.assertEqual(v["actions"][0]["type"], "buy")
        self.assertEqual(v["actions"][0]["url"], "https://shop.example.com/jacket?id=7")
        self.assertEqual(v["notes"], [])

    def test_a_buy_link_that_is_not_http_is_left_out_with_a_note(self):
        for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", 42):
            v = self.card({"name": "Socks", "price": "5", "currency": "EUR", "buy_url": url})
            self.assertEqual(v["actions"], [], url)
            self.assertTrue(any("buy link" in n for n in v["notes"]), v["notes"])
        v = self.card({"name": "Socks", "price": "5", "images": ["../../etc", None, 3]})
        self.assertEqual(v["images"], [])
        self.assertTrue(any("pictures" in n for n in v["notes"]))

    def test_records_that_are_not_products(self):
        for label, data in (("bad json", b'{"name": "Shoes", "price": '), ("array", b"[1, 2, 3]"),
                            ("string", b'"shoes"'), ("binary", b"\xff\xfe\x00garbage")):
            v = self.card(data, title="Trail running shoes")
            self.assertEqual(v["title"], "Trail running shoes", label)
            self.assertTrue(v["blocks"] and "cannot be shown" in v["blocks"][0]["text"], label)
            self.assertTrue(v["notes"], label)
        v = self.card({"name": None, "price": None, "sizes": "big"}, title="Mystery")
        self.assertEqual(v["title"], "Mystery")
        self.assertTrue(any("no price" in n for n in v["notes"]), v["notes"])


# Sudoku -----------------------------------------------------------------------

def solve(grid):
    """A plain Python backtracking solver, independent of the handler's."""
    g = list(grid)

    def ok(i, v):
        r, c = divmod(i, 9)
        for k in range(9):
            if g[r * 9 + k] == v or g[k * 9 + c] == v:
                return False
        br, bc = r // 3 * 3, c // 3 * 3
        return all(g[(br + a) * 9 + bc + b] != v for a in range(3) for b in range(3))

    def go():
        try:
            i = g.index(0)
        except ValueError:
            return True
        for v in range(1, 10):
            if ok(i, v):
                g[i] = v
                if go():
                    return True
                g[i] = 0
        return False

    assert go()
    return g


def board_cells(pre):
    """The 81 cells of the board's text (0 for an empty cell)."""
    rows = [line for line in pre.split("\n") if re.match(r"^[1-9] \|", line)]
    assert len(rows) == 9, pre
    cells = []
    for line in rows:
        for ch in line[2:]:
            if ch == ".":
                cells.append(0)
            elif ch.isdigit():
                cells.append(int(ch))
    assert len(cells) == 81, pre
    return cells


class SudokuTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = write(media("sudoku-1.json"), ('{"puzzle":"%s"}' % DEMO_PUZZLE).encode())
        cls.given = [int(c) for c in DEMO_PUZZLE]
        cls.solution = solve(cls.given)

    def play(self, moves, path=None):
        stdin = "".join(m + "\n" for m in moves)
        return open_view(self, "sudoku", path or self.path, "game", "application/json", stdin=stdin,
                         title="Pocket Sudoku #1")

    def message(self, view):
        return view["blocks"][-1]["text"]

    def test_an_open_without_input_shows_the_board(self):
        shows, view = self.play([])
        self.assertEqual(view["title"], "Pocket Sudoku #1")
        self.assertEqual(view["blocks"][0]["type"], "pre")
        self.assertEqual(board_cells(view["blocks"][0]["text"]), self.given)
        self.assertIn("+-------+-------+-------+", view["blocks"][0]["text"])
        self.assertIn("51 left", self.message(view))
        self.assertLessEqual(len(shows), 1)

    def test_moves_refusals_check_hint_and_quit(self):
        empty = [i for i in range(81) if self.given[i] == 0]
        i = empty[0]
        r, c = divmod(i, 9)
        right = self.solution[i]
        # A value that is already in the cell's row.
        wrong = next(v for v in self.given[r * 9:r * 9 + 9] if v)
        moves = ["%d %d %d" % (r + 1, c + 1, right),    # a good move
                 "1 1 9",                                # a given cell
                 "%d %d %d" % (r + 1, c + 1, wrong),     # breaks the row
                 "check",
                 "%d %d 0" % (r + 1, c + 1),             # clear
                 "hint",
                 "nonsense",
                 "quit",
                 "1 3 4"]                                # after quit: never read
        shows, view = self.play(moves)
        self.assertEqual(len(shows), 1 + 7)
        after = [self.message(s) for s in shows[1:]]
        self.assertEqual(board_cells(shows[1]["blocks"][0]["text"])[i], right)
        self.assertIn("given", after[1])
        self.assertIn("row %d already has a %d" % (r + 1, wrong), after[2])
        self.assertIn("No mistakes", after[3])
        self.assertEqual(board_cells(shows[5]["blocks"][0]["text"])[i], 0)
        m = re.search(r"Hint: (\d) at row (\d), column (\d)", after[5])
        self.assertTrue(m, after[5])
        v, hr, hc = (int(x) for x in m.groups())
        k = (hr - 1) * 9 + hc - 1
        self.assertEqual(self.given[k], 0)
        self.assertEqual(self.solution[k], v)
        self.assertEqual(board_cells(shows[6]["blocks"][0]["text"])[k], v)
        self.assertIn("not a move", after[6])
        final = board_cells(view["blocks"][0]["text"])
        self.assertEqual(final[k], v)
        self.assertIn("50 left", self.message(view))
        self.assertNotIn("Solved", self.message(view))

    def test_a_wrong_number_is_found_by_check_and_hint(self):
        empty = [i for i in range(81) if self.given[i] == 0]
        # A value that breaks no rule yet is not the solution's.
        for i in empty:
            r, c = divmod(i, 9)
            g = self.given
            legal = [v for v in range(1, 10) if v != self.solution[i] and
                     all(g[r * 9 + k] != v and g[k * 9 + c] != v for k in range(9)) and
                     all(g[(r // 3 * 3 + a) * 9 + c // 3 * 3 + b] != v for a in range(3) for b in range(3))]
            if legal:
                break
        shows, view = self.play(["%d %d %d" % (r + 1, c + 1, legal[0]), "check", "hint"])
        self.assertIn("not match the solution", self.message(shows[2]))
        self.assertIn("row %d column %d" % (r + 1, c + 1), self.message(shows[2]))
        self.assertIn("does not match the solution", self.message(shows[3]))

    def test_solving_the_puzzle_is_announced(self):
        moves = ["%d %d %d" % (i // 9 + 1, i % 9 + 1, self.solution[i]) for i in range(81) if self.given[i] == 0]
        # The last two cells come from hints.
        shows, view = self.play(moves[:-2] + ["hint", "hint", "check"])
        self.assertIn("Solved!", self.message(view))
        self.assertIn("solved", self.message(view).lower())
        self.assertEqual(board_cells(view["blocks"][0]["text"]), self.solution)

    def test_puzzles_that_cannot_be_played(self):
        for label, data in (("bad json", b'{"puzzle": "5300'), ("no puzzle", b'{"grid": "123"}'),
                            ("short", b'{"puzzle": "123"}'), ("letters", ('{"puzzle":"%s"}' % ("a" * 81)).encode()),
                            ("conflict", ('{"puzzle":"55%s"}' % ("0" * 79)).encode())):
            path = write(media("bad-sudoku.json"), data)
            shows, view = self.play(["1 1 1"], path=path)
            self.assertEqual(shows, [], label)
            self.assertIn("cannot be played", view["blocks"][0]["text"], label)


if __name__ == "__main__":
    unittest.main()
