"""kill -9 under load: 300 devices send QoS 1 status reports (each with its
own sequence number as timestamp) to their owners in a three-node cluster
with replication_factor 2. One node is killed mid-stream. Its devices log in
again, are sent to the new owner (the shard's former follower) and continue.
Afterwards every report that got a PUBACK is in the devices' history,
compared one by one: nothing acknowledged is lost."""

import json
import time
import urllib.parse

from cluster_test import Cluster, Sim, report_round, wait_marked_down, wait_stable
from pando_test import Device, admin, check, finish, http, make_product
import mqtt_raw as m

DEVICES = 300


cluster = Cluster(3)
try:
    cluster.start()
    check(wait_stable(cluster.nodes, 3) is not None, "three nodes form a cluster")
    n1 = cluster.nodes[0]
    product = make_product(n1)
    _, app = admin(n1, "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    key = app["key"]
    port_of = {n.name: n.mqtt_port for n in cluster.nodes}
    sims = []
    for i in range(DEVICES):
        dev = Device(cluster.nodes[i % 3], product["key"], "load-%d" % i)
        sim = Sim(dev)
        check(sim.connect(dev.mqtt_port), "device %d connects to its owner" % i) if i % 100 == 0 else sim.connect(dev.mqtt_port)
        sims.append(sim)
    victim = cluster.nodes[2]
    survivors = cluster.nodes[:2]
    victim_devices = [s for s in sims if s.dev.mqtt_port == victim.mqtt_port]
    check(len(victim_devices) > 50, "%d devices are owned by %s" % (len(victim_devices), victim.name))

    killed_at = None
    back = {}
    for rnd in range(12):
        if rnd == 4:
            victim.proc.kill()
            victim.proc.wait()
            # Failure detection: the survivors' view marks the victim down.
            waited = wait_marked_down(survivors[0], victim.name)
            killed_at = time.time()
            print("failure detected after %.2f s" % (waited if waited is not None else -1))
        report_round(sims)
        if killed_at is not None:
            # Devices that lost their session log in again through a survivor.
            for s in sims:
                if s.conn is None and s.relogin(survivors[rnd % 2], avoid_port=victim.mqtt_port):
                    back.setdefault(s.dev.identifier, time.time() - killed_at)

    lost_sessions = [s for s in sims if s.conn is None]
    check(not lost_sessions, "every device is connected again (%d are not)" % len(lost_sessions))
    check(len(back) >= len(victim_devices), "the killed node's %d devices came back (%d did)" %
          (len(victim_devices), len(back)))
    if back:
        print("devices of the killed node served again %.2f s after detection (median; slowest %.2f s)" %
              (sorted(back.values())[len(back) // 2], max(back.values())))
        check(max(back.values()) < 3, "all of them within 3 s of the failure being detected")

    total = sum(len(s.acked) for s in sims)
    missing = 0
    for s in sims:
        node = survivors[hash(s.dev.identifier) % 2]
        status, text, _ = http("GET", node.url("/application/v1/devices/%s/history?kind=status&limit=1000"
                                               % urllib.parse.quote(s.dev.identifier)),
                               headers={"App-Key": key})
        body = json.loads(text)
        stored = {e["device_ts"] for e in body.get("data", {}).get("entries", [])}
        missing += len(s.acked - stored)
    check(total > DEVICES * 8, "%d reports were acknowledged" % total)
    check(missing == 0, "every acknowledged report is in the history (%d missing of %d)" % (missing, total))
finally:
    cluster.cleanup()
finish()
