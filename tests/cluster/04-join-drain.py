"""Membership changes under load. 90 devices keep sending QoS 1 reports to a
three-node cluster while a fourth node joins: shards move at the configured
rate (cluster.move_batch per cluster.move_interval_ms, each step a view), a
device whose shard moved sees its session end and reconnects through a new
login (nothing fails silently), and afterwards the four nodes are balanced.
Then `pando-ctl drain` takes the fourth node out and SIGTERM makes another
leave gracefully: each hands its shards off before it is gone. Shards are
copied in 256-byte chunks. Meanwhile an application server reads every
device's latest status through two of the nodes that stay, without a break:
no request of it fails during the join, the rebalance or the drain. At the
end every acknowledged report is in the history."""

import json
import os
import subprocess
import threading
import time

from cluster_test import (Cluster, connected_sims, report_round, shards_view, start_nodes, stored_reports,
                          wait_stable, wait_synced)
from pando_test import ADMIN_TOKEN, BUILD_DIR, admin, app_api, check, finish, make_product


class Reader(threading.Thread):
    """An application server reading every device's latest status, in
    turn, through `nodes`, until stopped; keeps the failed answers."""

    def __init__(self, nodes, key, identifiers):
        super().__init__(daemon=True)
        self.nodes, self.key, self.identifiers = nodes, key, identifiers
        self.calls, self.failed = 0, []
        self.done = threading.Event()

    def run(self):
        i = 0
        while not self.done.is_set():
            node = self.nodes[i % len(self.nodes)]
            ident = self.identifiers[i % len(self.identifiers)]
            try:
                answer = app_api(node, "GET", "/devices/%s/status/latest" % ident, self.key)
            except OSError as e:
                answer = {"code": -1, "message": str(e)}
            self.calls += 1
            if answer.get("code") != 0:
                self.failed.append((ident, answer))
            i += 1

SHARDS = 256
BATCH = 16
# The smallest copy chunk: every shard with a device travels in several.
cluster = Cluster(4, shards=SHARDS, extra_sets={"cluster.move_batch": str(BATCH),
                                                 "cluster.move_interval_ms": "200",
                                                 "cluster.copy_chunk_bytes": "256"})
try:
    first3, fourth = cluster.nodes[:3], cluster.nodes[3]
    start_nodes(first3)
    view = wait_stable(first3, 3)
    check(view is not None, "three nodes form a cluster")
    product = make_product(first3[0])
    _, app = admin(first3[0], "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    key = app["key"]
    sims = connected_sims(first3, product["key"], "jd", 90)

    reconnects = 0

    def rounds(n, live_nodes, until_connected=False):
        """n rounds of one report per device; lost sessions log in again
        (with `until_connected`, more rounds until every device is back)."""
        global reconnects
        r = 0
        deadline = time.time() + 60
        while r < n or (until_connected and time.time() < deadline
                        and any(s.conn is None for s in sims)):
            r += 1
            report_round(sims)
            for s in sims:
                if s.conn is None:
                    reconnects += 1
                    s.relogin(live_nodes[r % len(live_nodes)])

    rounds(2, first3)
    reader = Reader(first3[:2], key, [s.dev.identifier for s in sims])
    reader.start()
    # -- a fourth node joins ----------------------------------------------------
    fourth.start()
    t0 = time.time()
    balanced = None
    while time.time() < t0 + 60:
        rounds(1, cluster.nodes)
        v = shards_view(first3[0])
        if v and len(v["members"]) == 4 and all(
                abs(mm["shards_owned"] - SHARDS / 4) <= 1 for mm in v["members"]):
            balanced = v
            break
    check(balanced is not None, "after the join the four nodes own %d shards each (+-1)" % (SHARDS // 4))
    took = time.time() - t0
    print("rebalanced in %.1f s, %d reconnects" % (took, reconnects))
    controller = next(n for n in cluster.nodes if n.name == (balanced or view)["controller"])
    steps = [line for line in controller.lines if "cluster view epoch=" in line and "members=4" in line]
    left = [int(line.rsplit("moves_left=", 1)[1]) for line in steps]
    check(len(left) >= 3, "the move took several views (%d)" % len(left))
    check(all(a - b <= BATCH for a, b in zip(left, left[1:]) if a > b),
          "each step moved at most cluster.move_batch=%d shards (%s)" % (BATCH, left))
    synced = wait_synced(first3[0])
    check(synced and synced["replicas_syncing"] == 0 and synced["shards_unavailable"] == 0,
          "every replica the join added copied its shard (%s still copying)"
          % (synced or {}).get("replicas_syncing"))
    rounds(2, cluster.nodes, until_connected=True)
    check(all(s.conn is not None for s in sims), "every device is connected (not: %s)" %
          [(s.dev.identifier, s.last_error) for s in sims if s.conn is None][:5])

    # -- pando-ctl drain the fourth node ----------------------------------------
    ctl = os.path.join(BUILD_DIR, "tools", "pando-ctl", "pando-ctl")
    env = dict(os.environ, PANDO_ADMIN_TOKEN=ADMIN_TOKEN)
    out = subprocess.run([ctl, "--url", "http://127.0.0.1:%d" % first3[1].http_port, "drain", "node4",
                          "--json"], capture_output=True, text=True, env=env)
    check(out.returncode == 0, "pando-ctl drain node4 exits 0 (%s%s)" % (out.stdout, out.stderr))
    rounds(3, first3, until_connected=True)
    v = wait_stable(first3, 3)
    check(v is not None and "node4" not in [mm["name"] for mm in v["members"]],
          "node4 is no longer a member")
    if v:
        check(sum(mm["shards_owned"] for mm in v["members"]) == SHARDS, "its shards were handed off")
    reader.done.set()
    reader.join(30)
    check(reader.calls > 100 and not reader.failed,
          "the application server's %d reads during the join, the rebalance and the drain all "
          "succeeded (failed: %s)" % (reader.calls, reader.failed[:3]))
    # -- SIGTERM: a graceful leave ----------------------------------------------
    leaver = first3[2]
    leaver.proc.send_signal(15)
    rc = leaver.proc.wait(30)
    check(rc == 0, "the SIGTERMed node exits 0")
    check(any("left the cluster at epoch" in line for line in leaver.lines),
          "it left the cluster (handing off its shards) before it stopped")
    survivors = first3[:2]
    rounds(3, survivors, until_connected=True)
    check(all(s.conn is not None for s in sims), "every device is served by the two nodes left")
    missing = 0
    total = 0
    for s in sims:
        total += len(s.acked)
        missing += len(s.acked - stored_reports(survivors[0], key, s.dev.identifier))
    check(total > 90 * 8, "%d reports were acknowledged" % total)
    check(missing == 0, "every acknowledged report is in the history (%d missing of %d)" % (missing, total))
finally:
    cluster.cleanup()
finish()
