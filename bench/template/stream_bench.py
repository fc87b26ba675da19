"""Streams benchmark (bench/template/run runs it after the template benchmark): one session
streams posts through examples/feed's view in the in-process runtime (the server's own view
runner, Python handler and native render/diff) in pages of 100 (load_more events), then appends
single posts. Pages of 1,000 raise the first window's growth (the allocator keeps the high-water
mark of the bigger per-event peak); the second window stays flat either way.

Measures: the time of one single-post append event (median round trip), its diff bytes, and the
process RSS growth over 100,000 posts streamed after a warm-up of 10,000, and over the next
100,000 (the allocator's pools and arenas fill during the first batches; goal: growth <= 1 MiB
over 100,000). The same-run
peer is the same page as a keyed list the server keeps (100,000 posts assigned, then one
appended). Prints a table; the last line is one JSON object.
"""

import asyncio
import dataclasses
import gc
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pybridge"))

from liveactor import LiveView, event  # noqa: E402
from liveactor.runtime import Runtime  # noqa: E402
from feed.app import Feed, make_post  # noqa: E402

TOTAL = 100_000
WARMUP = 10_000
BATCH = 100


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class KeptList(LiveView):
    """The peer: the feed's page with a plain list the server keeps and re-renders."""
    template = Feed.template.replace("{% for dom_id, post in streams.posts %}", "{% for post in posts key post.id %}") \
                            .replace("{{ dom_id }}", "posts-{{ post.id }}").replace(' phx-update="stream"', "")

    def mount(self, params, session):
        self.live = False
        self.more = False
        self.streamed = TOTAL
        self.posts = [make_post(i) for i in range(TOTAL, 0, -1)]

    @event
    def load_more(self, value):
        self.posts.append(make_post(0))
        self.streamed += 1


def diff_bytes(reply):
    return len(json.dumps(reply.diff, separators=(",", ":")).encode())


async def median_event(view, name, value, n):
    samples, size = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        reply = await view.event(name, value)
        samples.append((time.perf_counter() - t0) * 1000)
        size = diff_bytes(reply)
    return statistics.median(samples), size


async def main():
    async with Runtime(routes={"/feed": Feed, "/kept": KeptList}, executors=1, handler_budget_ms=60_000,
                       handler_timeout_ms=120_000) as rt:
        session = await rt.create_session()
        view = await session.mount("/feed", params={"every": "60"})
        await view.event("toggle_live")  # no timer posts during the measurement
        for _ in range(WARMUP // BATCH):
            await view.event("load_more", {"count": BATCH})
        gc.collect()
        rss_warm = rss_kib()
        rss = [rss_warm]
        for _ in range(2):
            for _ in range(TOTAL // BATCH):
                await view.event("load_more", {"count": BATCH})
            gc.collect()
            rss.append(rss_kib())
        stream_ms, stream_bytes = await median_event(view, "load_more", {"count": 1}, 200)
        await session.shutdown()

        gc.collect()
        rss_before_peer = rss_kib()
        session = await rt.create_session()
        peer = await session.mount("/kept", timeout=120)
        gc.collect()
        rss_peer = rss_kib()
        peer_ms, peer_bytes = await median_event(peer, "load_more", {}, 20)
        await session.shutdown()

    first, second = rss[1] - rss[0], rss[2] - rss[1]
    print("%-58s %10s %10s %14s" % ("case", "ms", "diff B", "RSS growth KiB"))
    print("%-58s %10.3f %10d %14s  %s" % ("stream: append 1 post after 210,000 streamed", stream_ms, stream_bytes,
                                          "%d, %d" % (first, second),
                                          "per 100,000 (10k..110k, 110k..210k); goal <= 1024: first %s, second %s"
                                          % ("yes" if first <= 1024 else "NO", "yes" if second <= 1024 else "NO")))
    print("%-58s %10.3f %10d %14d  %s" % ("peer: append 1 post to a kept 100,000-post keyed list", peer_ms, peer_bytes,
                                          rss_peer - rss_before_peer, "(in-process round trip incl. the page's HTML)"))
    print(json.dumps({"stream_append_ms": round(stream_ms, 4), "stream_append_diff_bytes": stream_bytes,
                      "stream_rss_kib_at_10k_110k_210k": rss,
                      "stream_rss_growth_first_100k_kib": first, "stream_rss_growth_second_100k_kib": second, "kept_list_append_ms": round(peer_ms, 4),
                      "kept_list_append_diff_bytes": peer_bytes, "kept_list_rss_growth_kib": rss_peer - rss_before_peer}))


if __name__ == "__main__":
    asyncio.run(main())
