"""A network partition (network namespaces): three nodes, each in its own
namespace, joined by veth pairs to a bridge in a fourth; the test talks to
them from a fifth address on that bridge. Blackhole routes then cut node3
off from node1 and node2 (the test still reaches all three). The minority
side, node3, stops acknowledging writes: its sessions end, new sessions get
CONNACK 3 and the application API answers with an explicit error. The
majority marks node3 down, its shards go to in-sync followers, and their
devices report again through the majority. After the partition heals,
node3 joins again and every report acknowledged on either side is readable:
0 lost. Needs root (`ip netns`); as another user the test is skipped."""

import json
import os
import subprocess
import sys
import time

from cluster_test import (connected_sims, print_logs_on_failure, report_round, start_nodes, stored_reports,
                          wait_marked_down, wait_stable, wait_synced)
from pando_test import Node, admin, check, finish, http, make_product
import mqtt_raw as m

if os.geteuid() != 0:
    print("skipped: network namespaces need root")
    sys.exit(77)

tag = "%x" % (os.getpid() % 0xFFFF)
subnet = "169.254.%d" % (100 + os.getpid() % 100)  # link-local: these namespaces only
switch = "pando-sw-" + tag
host_if = "pdh" + tag


def ip(*args, ns=None):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + ["ip"] + list(args)
    subprocess.run(cmd, check=True, capture_output=True, text=True)


class NsNode(Node):
    """A pando-node inside network namespace `ns` at `addr`."""

    def __init__(self, name, ns, addr, seeds):
        super().__init__(name, extra_sets={"cluster.seeds": seeds, "cluster.shards": "128",
                                           "log.level": "info"})
        self.ns, self.addr = ns, addr
        self.http_port, self.mqtt_port, self.cluster_port = 8080, 1883, 7400
        self.sets["http.listen"] = "%s:8080" % addr
        self.sets["mqtt.listen"] = "%s:1883" % addr
        self.sets["cluster.listen"] = "%s:7400" % addr

    def args(self):
        return ["ip", "netns", "exec", self.ns] + super().args()

    def url(self, path):
        return "http://%s:8080%s" % (self.addr, path)


def cut(node_ns, others):
    for o in others:
        ip("route", "add", "blackhole", o + "/32", ns=node_ns)


def heal(node_ns, others):
    for o in others:
        ip("route", "del", "blackhole", o + "/32", ns=node_ns)


namespaces = []
nodes = []
try:
    # -- the network: a bridge in its own namespace, one veth per host -------
    ip("netns", "add", switch)
    namespaces.append(switch)
    ip("link", "add", "br0", "type", "bridge", ns=switch)
    ip("link", "set", "br0", "up", ns=switch)
    addrs = ["%s.%d" % (subnet, i) for i in (1, 2, 3)]
    seeds = "[%s]" % ",".join("%s:7400" % a for a in addrs)
    for i, a in enumerate(addrs, start=1):
        ns = "pando-n%d-%s" % (i, tag)
        ip("netns", "add", ns)
        namespaces.append(ns)
        ip("link", "add", "v%d" % i, "netns", ns, "type", "veth", "peer", "name", "s%d" % i, "netns", switch)
        ip("link", "set", "s%d" % i, "master", "br0", "up", ns=switch)
        ip("addr", "add", a + "/24", "dev", "v%d" % i, ns=ns)
        ip("link", "set", "v%d" % i, "up", ns=ns)
        ip("link", "set", "lo", "up", ns=ns)
        nodes.append(NsNode("node%d" % i, ns, a, seeds))
    ip("link", "add", host_if, "type", "veth", "peer", "name", "sh", "netns", switch)
    ip("link", "set", "sh", "master", "br0", "up", ns=switch)
    ip("addr", "add", subnet + ".100/24", "dev", host_if)
    ip("link", "set", host_if, "up")
    print("three namespaces on one bridge (%s.0/24)" % subnet)

    start_nodes(nodes, " in its namespace")
    view = wait_stable(nodes, 3)
    check(view is not None, "the three nodes form a cluster over the bridge")
    n1, n2, n3 = nodes
    product = make_product(n1)
    _, app = admin(n1, "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    key = app["key"]
    sims = connected_sims(nodes, product["key"], "pt", 60)
    on3 = [s for s in sims if s.dev.mqtt_host == n3.addr]
    check(len(on3) > 0 and all(s.conn for s in sims), "60 devices connected to their owners (%d on node3)"
          % len(on3))
    for _ in range(3):
        report_round(sims)
    before = sum(len(s.acked) for s in sims)
    check(before == 180, "180 reports acknowledged before the partition (%d)" % before)

    # -- partition: node3 alone ----------------------------------------------
    cut(n3.ns, addrs[:2])
    for n in (n1, n2):
        cut(n.ns, addrs[2:])
    t0 = time.time()
    check(wait_marked_down(n1, "node3", timeout=20) is not None,
          "the majority marks node3 down (%.1f s)" % (time.time() - t0))
    # node3 notices it lost the majority: its device sessions end.
    deadline = time.time() + 20
    while time.time() < deadline and any(s.conn for s in on3):
        report_round(on3)
    check(not any(s.conn for s in on3), "node3 ends its sessions: nothing more is acknowledged there")
    r = m.Raw(1883, n3.addr)
    r.send(m.connect(on3[0].dev.client_id, on3[0].dev.token))
    check(r.read_packet(timeout=10) == (0x20, b"\x00\x03"), "node3 refuses new sessions (CONNACK 3)")
    r.close()
    status, text, _ = http("GET", n3.url("/application/v1/devices/%s/status/latest" % on3[0].dev.identifier),
                           headers={"App-Key": key})
    answer = json.loads(text)
    check(answer.get("code") == 10001 and "majority" in answer.get("message", ""),
          "node3's application API refuses with an explicit error (%s)" % answer)

    # The majority serves node3's devices: they log in again through node1.
    deadline = time.time() + 30
    while time.time() < deadline and not all(s.conn for s in sims):
        for s in sims:
            if s.conn is None:
                s.relogin(n1)
        report_round(sims)
    check(all(s.conn for s in sims), "every device reports again through the majority (not: %s)"
          % [(s.dev.identifier, s.last_error) for s in sims if s.conn is None][:3])
    check(all(s.dev.mqtt_host != n3.addr for s in on3 if s.conn), "none of them on node3")
    for _ in range(3):
        report_round(sims)

    # -- heal ------------------------------------------------------------------
    heal(n3.ns, addrs[:2])
    for n in (n1, n2):
        heal(n.ns, addrs[2:])
    after = wait_stable(nodes, 3, timeout=40)
    check(after is not None, "after the partition heals node3 is a member again")
    synced = wait_synced(n1)
    check(synced and synced["replicas_syncing"] == 0 and synced["shards_unavailable"] == 0,
          "and every replica is in sync again")
    acked = sum(len(s.acked) for s in sims)
    missing = sum(len(s.acked - stored_reports(n3, key, s.dev.identifier)) for s in sims)
    check(acked > before and missing == 0,
          "every acknowledged report is readable, also through node3 (%d missing of %d)" % (missing, acked))
finally:
    print_logs_on_failure(nodes)
    for n in nodes:
        n.cleanup()
    subprocess.run(["ip", "link", "del", host_if], capture_output=True)
    for ns in namespaces:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
finish()
