"""Three nodes started from configs/cluster-node{1,2,3}.yaml form one
cluster: every node shows the same view, each owns a third of the shards
(within 10%), the controller is the oldest member, and every node serves
every device: registration and login on any node (login answers with the
owner's MQTT address), a session on the owner or on any other node, status
readable and commands deliverable through every node's application API.
pando-ctl inspects the cluster through any node."""

import json
import os
import re
import subprocess
import threading

from cluster_test import Cluster, owner_of, wait_stable
from pando_test import (ADMIN_TOKEN, BUILD_DIR, Device, admin, check, finish, http, make_product,
                        mqtt_session, status_payload)
import mqtt_raw as m

cluster = Cluster(3)
try:
    cluster.start()
    n1, n2, n3 = cluster.nodes
    view = wait_stable(cluster.nodes, 3)
    check(view is not None, "the three nodes agree on one view with three members up")
    if view:
        owned = {mm["name"]: mm["shards_owned"] for mm in view["members"]}
        check(sum(owned.values()) == view["shards"] == 1024, "all 1024 shards are owned (%s)" % owned)
        for name, count in owned.items():
            check(abs(count - 1024 / 3) <= 1024 / 3 * 0.1,
                  "%s owns %d shards, within 10%% of a third" % (name, count))
        followed = {mm["name"]: mm["shards_followed"] for mm in view["members"]}
        check(sum(followed.values()) == 1024, "each shard has one follower (replication_factor 2)")
        oldest = min(view["members"], key=lambda mm: mm["joined_seq"])["name"]
        check(view["controller"] == oldest, "the oldest member hosts the controller (%s)" % oldest)

    product = make_product(n1)
    status, app = admin(n2, "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    check(status == 201, "an application created through node2")
    key = app["key"]

    # Devices registered through node1, logged in through node2.
    devices = []
    for i in range(12):
        dev = Device(n1, product["key"], "cl-%d" % i)
        devices.append(dev)
    owners = {}
    for dev in devices:
        loc = owner_of(n3, dev.identifier)
        owners[dev.identifier] = loc["owner"]
        node = next(n for n in cluster.nodes if n.name == loc["owner"])
        check(dev.mqtt_port == node.mqtt_port,
              "login answers with the owner's MQTT address (%s -> %s)" % (dev.identifier, loc["owner"]))
    check(len(set(owners.values())) == 3, "the devices spread over the three nodes")

    # Sessions: half on the owner, half on another node.
    sessions = []
    for i, dev in enumerate(devices):
        owner = next(n for n in cluster.nodes if n.name == owners[dev.identifier])
        other = next(n for n in cluster.nodes if n.name != owners[dev.identifier])
        dev.mqtt_port = (owner if i % 2 == 0 else other).mqtt_port
        c = mqtt_session(owner if i % 2 == 0 else other, dev)
        c.send(m.publish("s", status_payload(i % 2), qos=1, pid=1))
        ack = c.read_packet()
        check(ack == (0x40, b"\x00\x01"), "%s: PUBACK from %s" %
              (dev.identifier, "its owner" if i % 2 == 0 else "another node"))
        sessions.append(c)

    for dev_index, dev in enumerate(devices):
        for node in cluster.nodes:
            status, text, _ = http("GET", node.url("/application/v1/devices/%s/status/latest" % dev.identifier),
                                   headers={"App-Key": key})
            body = json.loads(text)
            check(body.get("data") == {"switch": [dev_index % 2]},
                  "%s reads %s's status (%s)" % (node.name, dev.identifier, body))

    # A command sent through a third node reaches the session wherever it is.
    for dev_index, (dev, c) in enumerate(zip(devices[:4], sessions[:4])):
        node = cluster.nodes[(dev_index + 2) % 3]
        answer = {}

        def post():
            answer["r"] = http("POST", node.url("/application/v1/devices/%s/commands" % dev.identifier),
                               {"switch": [1, 2]}, {"App-Key": key})
        t = threading.Thread(target=post)
        t.start()
        got = c.read_packet()
        check(got is not None and got[0] == 0x32, "%s: command through %s delivered" % (dev.identifier, node.name))
        if got:
            c.send(m.puback(int.from_bytes(got[1][3:5], "big")))
        t.join(10)
        text = answer.get("r", (0, "{}", {}))[1]
        check(json.loads(text).get("code") == 0, "the command is acknowledged after the PUBACK (%s)" % text)

    # A second connection of the same device on another node ends the first.
    dev, first = devices[2], sessions[2]
    other = next(n for n in cluster.nodes if n.mqtt_port != dev.mqtt_port)
    second = mqtt_session(other, dev)
    check(first.closed_within(10), "a second session of %s on %s ends the first one" %
          (dev.identifier, other.name))
    second.send(m.publish("s", status_payload(1), qos=1, pid=9))
    check(second.read_packet() == (0x40, b"\x00\x09"), "and the second one is served")
    sessions[2] = second

    loc = owner_of(n2, devices[1].identifier)
    check(loc["online"] and loc["session_node"] != loc["owner"],
          "locate shows a session held away from the owner (%s)" % loc)

    # pando-ctl against node3.
    ctl = os.path.join(BUILD_DIR, "tools", "pando-ctl", "pando-ctl")
    env = dict(os.environ, PANDO_ADMIN_TOKEN=ADMIN_TOKEN)
    base = [ctl, "--url", "http://127.0.0.1:%d" % n3.http_port]
    out = subprocess.run(base + ["nodes", "--json"], capture_output=True, text=True, env=env)
    check(out.returncode == 0, "pando-ctl nodes exits 0 (%s)" % out.stderr)
    nodes = json.loads(out.stdout) if out.returncode == 0 else []
    check(sorted(x["name"] for x in nodes) == ["node1", "node2", "node3"]
          and all(x["status"] == "up" for x in nodes), "pando-ctl nodes lists three nodes up")
    check(sum(x["connections"] for x in nodes) == len(devices), "and counts every connection")
    out = subprocess.run(base + ["shards"], capture_output=True, text=True, env=env)
    check(out.returncode == 0 and "node1" in out.stdout and "epoch" in out.stdout,
          "pando-ctl shards prints the placement (%s)" % out.stdout[:200])
    check(re.search(r"shards unavailable\s+0\b", out.stdout) is not None
          and re.search(r"replicas still copying\s+0\b", out.stdout) is not None
          and "COPYING" in out.stdout,
          "and says that no replica is copying and no shard is unavailable")
    out = subprocess.run(base + ["top", "--count", "2", "--interval", "0.2", "--json"],
                         capture_output=True, text=True, env=env, timeout=30)
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.strip()]
    check(out.returncode == 0 and len(lines) == 2 and all(len(x) == 3 for x in lines),
          "pando-ctl top --count 2 --json prints two snapshots of three nodes")
    out = subprocess.run(base + ["locate", devices[0].identifier, "--json"], capture_output=True,
                         text=True, env=env)
    check(out.returncode == 0 and json.loads(out.stdout)["owner"] == owners[devices[0].identifier],
          "pando-ctl locate names the owner")
    for c in sessions:
        c.close()
finally:
    cluster.cleanup()
finish()
