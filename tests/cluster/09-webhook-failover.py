"""Webhooks survive the loss of a node. Outbox entries are written with the
report under its shard's prefix and confirmed by the shard's follower, like
the report itself. The application server holds every delivery, so that
none completes; then the node owning a third of the devices gets SIGKILL.
Once its shards' followers own them, they deliver what it left: every
acknowledged report of its devices reaches the application server after
the kill (at least once), and the survivors' own entries go out too."""

import json
import time

from cluster_test import Cluster, connected_sims, owner_of, report_round, wait_marked_down, wait_stable
from pando_test import Hook, admin, check, finish, make_product, metric

hook = Hook()
cluster = Cluster(3, shards=64)
try:
    cluster.start()
    view = wait_stable(cluster.nodes, 3)
    check(view is not None, "three nodes form a cluster")
    n1 = cluster.nodes[0]
    product = make_product(n1)
    _, app = admin(n1, "POST", "/admin/v1/applications",
                   {"name": "hooked", "domain": "product/%d" % product["id"],
                    "report_url": "http://127.0.0.1:%d/hook" % hook.port, "token": "tok"})
    deadline = time.time() + 10
    while time.time() < deadline and not all(
            metric(n, "pando_webhook_applications") == 1 for n in cluster.nodes):
        time.sleep(0.05)
    check(all(metric(n, "pando_webhook_applications") == 1 for n in cluster.nodes),
          "every node's notifier knows the application")

    hook.hold.clear()  # no delivery completes until released
    sims = connected_sims(cluster.nodes, product["key"], "wh", 24)
    for _ in range(3):
        report_round(sims)
    check(sum(len(s.acked) for s in sims) == 72, "72 reports acknowledged while deliveries hang")

    by_name = {n.name: n for n in cluster.nodes}
    owners = {s.dev.identifier: owner_of(n1, s.dev.identifier)["owner"] for s in sims}
    victim = by_name[owners[sims[0].dev.identifier]]
    survivors = [n for n in cluster.nodes if n is not victim]
    lost_owner = [s for s in sims if owners[s.dev.identifier] == victim.name]
    check(len(lost_owner) > 0, "%d devices belong to %s" % (len(lost_owner), victim.name))
    for s in sims:
        if s.conn:
            s.conn.close()
            s.conn = None

    victim.proc.kill()
    victim.proc.wait()
    t_kill = time.time()
    hook.hold.set()
    check(wait_marked_down(survivors[0], victim.name) is not None, "the survivors mark %s down" % victim.name)

    def arrived_after_kill():
        got = set()
        for t, body in list(hook.arrivals):
            if t > t_kill:
                doc = json.loads(body)
                got.add((doc["identifier"], doc["timestamp"]))
        return got

    want = {(s.dev.identifier, seq) for s in lost_owner for seq in s.acked}
    deadline = time.time() + 60
    while time.time() < deadline and not want <= arrived_after_kill():
        time.sleep(0.2)
    missing = want - arrived_after_kill()
    check(not missing, "every acknowledged report of %s's devices reached the application after the kill "
          "(%d of %d missing: %s)" % (victim.name, len(missing), len(want), sorted(missing)[:3]))
    everything = {(s.dev.identifier, seq) for s in sims for seq in s.acked}
    deadline = time.time() + 30
    while time.time() < deadline:
        seen = {(json.loads(b)["identifier"], json.loads(b)["timestamp"]) for _, b in list(hook.arrivals)}
        if everything <= seen:
            break
        time.sleep(0.2)
    check(everything <= seen, "and every other acknowledged report too (%d missing)" % len(everything - seen))
    deadline = time.time() + 30
    while time.time() < deadline and any(metric(n, "pando_webhook_queue") for n in survivors):
        time.sleep(0.2)
    check(not any(metric(n, "pando_webhook_queue") for n in survivors), "the survivors' delivery queues drain")
finally:
    cluster.cleanup()
    hook.stop()
finish()
