"""A hung node (SIGSTOP: its sockets stay open, it just stops answering) is
detected by the middleman's heartbeats in about two seconds and marked down;
its shards go to their followers. When it resumes (SIGCONT) it finds itself
marked down, joins again as a new member, gets shards back and the cluster
is balanced with three members up."""

import signal
import time

from cluster_test import Cluster, shards_view, wait_stable
from pando_test import check, finish

cluster = Cluster(3, shards=96)
try:
    cluster.start()
    view = wait_stable(cluster.nodes, 3)
    check(view is not None, "three nodes form a cluster")
    victim = next(n for n in cluster.nodes if n.name != view["controller"])
    others = [n for n in cluster.nodes if n is not victim]
    victim.proc.send_signal(signal.SIGSTOP)
    t0 = time.time()
    down_at = None
    while time.time() < t0 + 15:
        v = shards_view(others[0])
        if v and any(m["name"] == victim.name and not m["up"] for m in v["members"]):
            down_at = time.time() - t0
            break
        time.sleep(0.05)
    check(down_at is not None, "the hung node is marked down")
    if down_at is not None:
        print("hung node detected after %.1f s" % down_at)
        check(down_at < 5, "within a few seconds (heartbeats every 200 ms, 2 s timeout)")
        v = shards_view(others[0])
        owned = {m["name"]: m["shards_owned"] for m in v["members"]}
        check(owned[victim.name] == 0 and sum(owned.values()) == 96,
              "its shards went to the other two (%s)" % owned)
    victim.proc.send_signal(signal.SIGCONT)
    back = wait_stable(cluster.nodes, 3, timeout=30)
    check(back is not None, "after SIGCONT it joins again: three members up")
    # Then the rebalancing steps give it its share back.
    deadline = time.time() + 30
    balanced = None
    while time.time() < deadline and balanced is None:
        v = shards_view(others[0])
        if v and all(m["up"] and abs(m["shards_owned"] - 32) <= 1 for m in v["members"]):
            balanced = v
        time.sleep(0.1)
    check(balanced is not None, "and the three own 32 shards each (+-1): %s" %
          [(m["name"], m["shards_owned"]) for m in (balanced or shards_view(others[0]))["members"]])
finally:
    for n in cluster.nodes:
        if n.proc and n.proc.poll() is None:
            n.proc.send_signal(signal.SIGCONT)
    cluster.cleanup()
finish()
