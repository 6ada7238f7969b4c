"""A whole cluster restarts (power loss: SIGKILL of every node, one after
the other) after its placement changed (a fourth node joined and shards
moved). The nodes form again from the newest view they stored, so every
shard is owned where its data is: every acknowledged report is readable
afterwards. Then every node stops gracefully in turn and starts again: the
ones that left join the last one, which kept every shard."""

import time

from cluster_test import (Cluster, connected_sims, report_round, shards_view, start_nodes, stored_reports,
                          wait_stable, wait_synced)
from pando_test import admin, check, finish, make_product

cluster = Cluster(4, shards=64, extra_sets={"cluster.copy_chunk_bytes": "256"})
try:
    first3, fourth = cluster.nodes[:3], cluster.nodes[3]
    start_nodes(first3)
    check(wait_stable(first3, 3) is not None, "three nodes form a cluster")
    fourth.start()
    deadline = time.time() + 30
    while time.time() < deadline:
        v = shards_view(first3[0])
        if v and len(v["members"]) == 4 and all(abs(m["shards_owned"] - 16) <= 1 for m in v["members"]):
            break
        time.sleep(0.1)
    check(v and len(v["members"]) == 4, "a fourth node joined and the shards moved")
    product = make_product(first3[0])
    _, app = admin(first3[0], "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    sims = connected_sims(cluster.nodes, product["key"], "rs", 40)
    for _ in range(3):
        report_round(sims)
    acked = sum(len(s.acked) for s in sims)
    check(acked == 120, "120 reports acknowledged (%d)" % acked)
    for s in sims:
        if s.conn:
            s.conn.close()
    for n in cluster.nodes:
        n.proc.kill()
        n.proc.wait()
    start_nodes(cluster.nodes, " again")
    check(wait_stable(cluster.nodes, 4, timeout=30) is not None, "the four nodes form again")
    check(any("resuming the placement" in line for n in cluster.nodes for line in n.lines),
          "from the view they stored")
    synced = wait_synced(cluster.nodes[0])
    check(synced and synced["replicas_syncing"] == 0 and synced["shards_unavailable"] == 0,
          "every shard has its in-sync replicas again (%s)" % {k: (synced or {}).get(k) for k in
                                                              ("replicas_syncing", "shards_unavailable")})
    missing = sum(len(s.acked - stored_reports(cluster.nodes[0], app["key"], s.dev.identifier)) for s in sims)
    check(missing == 0, "every acknowledged report is readable after the restart (%d missing)" % missing)

    # -- a graceful stop of every node (as tools/run.sh does on Ctrl-C) -------
    # Each node leaves in turn, so the last one holds every shard and stored
    # a view without the others; on the next start they join it again.
    for n in reversed(cluster.nodes):
        rc, _ = n.stop(timeout=40)
        check(rc == 0, "%s stops with SIGTERM" % n.name)
    check(any("last member cannot leave" in line for line in cluster.nodes[0].lines),
          "the last one keeps every shard")
    start_nodes(cluster.nodes, " after the graceful stop")
    check(wait_stable(cluster.nodes, 4, timeout=60) is not None,
          "the nodes that had left join the one that stayed")
    # The joins rebalance step by step: wait for the balanced, in-sync end.
    deadline = time.time() + 60
    while True:
        synced = wait_synced(cluster.nodes[0], timeout=60)
        done = synced and all(abs(m["shards_owned"] - 16) <= 1 for m in synced["members"])
        if done or time.time() > deadline:
            break
        time.sleep(0.2)
    check(done, "balanced and in sync again (%s)"
          % [(m["name"], m["shards_owned"]) for m in (synced or {}).get("members", [])])
    missing = sum(len(s.acked - stored_reports(cluster.nodes[2], app["key"], s.dev.identifier)) for s in sims)
    check(missing == 0, "every acknowledged report is still readable (%d missing)" % missing)
finally:
    cluster.cleanup()
finish()
