"""Helpers for multi-process cluster tests: N pando-node processes on
loopback, built from configs/cluster-node{1,2,3}.yaml with free ports and
temporary data directories."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))

from pando_test import SOURCE_DIR, Node, admin, free_port, http, login  # noqa: E402
import mqtt_raw as m  # noqa: E402


class Cluster:
    def __init__(self, size=3, extra_sets=None, shards=None):
        self.cluster_ports = [free_port() for _ in range(size)]
        seeds = "[%s]" % ",".join("127.0.0.1:%d" % p for p in self.cluster_ports)
        self.nodes = []
        for i in range(size):
            config = os.path.join(SOURCE_DIR, "configs", "cluster-node%d.yaml" % min(i + 1, 3))
            sets = {"cluster.seeds": seeds, "log.level": "info"}
            if shards:
                sets["cluster.shards"] = str(shards)
            sets.update(extra_sets or {})
            node = Node("node%d" % (i + 1), extra_sets=sets, config=config)
            node.cluster_port = self.cluster_ports[i]
            node.sets["cluster.listen"] = "127.0.0.1:%d" % node.cluster_port
            self.nodes.append(node)

    def start(self):
        for n in self.nodes:
            n.start(wait=False)
        for n in self.nodes:
            if n.wait_for_line("started", 30) is None:
                raise RuntimeError("%s did not start:\n%s" % (n.name, "\n".join(n.lines)))
        return self

    def cleanup(self):
        """Stops every node (printing their logs if the test failed)."""
        print_logs_on_failure(self.nodes)
        for n in self.nodes:
            n.cleanup()


def start_nodes(nodes, where=""):
    """Starts `nodes` at once and checks that each logged "started"."""
    from pando_test import check
    for n in nodes:
        n.start(wait=False)
    for n in nodes:
        check(n.wait_for_line("started", 30) is not None, "%s started%s" % (n.name, where))


def print_logs_on_failure(nodes):
    """When the test failed (a failed check, or an exception on its way
    out), prints the end of each run's log of every node in `nodes`."""
    import pando_test
    if not pando_test.failures and sys.exc_info()[0] is None:
        return
    for n in nodes:
        for i, run in enumerate(n.history):
            print("---- %s, run %d: last %d of %d log lines" % (n.name, i + 1, min(len(run), 300), len(run)))
            print("\n".join(run[-300:]))


def shards_view(node):
    status, body = admin(node, "GET", "/admin/v1/cluster/shards")
    return body if status == 200 else None


def wait_stable(nodes, members, timeout=30):
    """Waits until every node in `nodes` shows the same epoch with `members`
    up and no rebalancing left (two equal reads 300 ms apart); returns the
    last view, or None."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        views = [shards_view(n) for n in nodes]
        ok = all(v and sum(1 for m in v["members"] if m["up"]) == members for v in views)
        if ok and len({v["epoch"] for v in views}) == 1:
            if last is not None and last["epoch"] == views[0]["epoch"]:
                return views[0]
            last = views[0]
        else:
            last = None
        time.sleep(0.3)
    return None


def wait_synced(node, timeout=30):
    """Waits until `node`'s view has no replica still copying and no shard
    without an in-sync replica up; returns that view, or the last one."""
    deadline = time.time() + timeout
    v = None
    while time.time() < deadline:
        v = shards_view(node)
        if v and v["replicas_syncing"] == 0 and v["shards_unavailable"] == 0:
            return v
        time.sleep(0.1)
    return v


def owner_of(node, identifier):
    status, body = admin(node, "GET", "/admin/v1/cluster/locate/" + identifier)
    assert status == 200, (status, body)
    return body


def report(seq):
    """A Data packet: object 1/1 = seq % 2, device timestamp = seq."""
    return bytes([0]) + seq.to_bytes(8, "big") + bytes(16) + bytes([0, 1, 0, 1, 0, 1, 0, 7, seq % 2])


class Sim:
    """A device on a raw MQTT connection that counts its acknowledged
    reports (sequence numbers in the Data timestamp)."""

    def __init__(self, dev):
        self.dev = dev
        self.acked = set()
        self.seq = 0
        self.conn = None
        self.last_error = None  # why the last login or connect failed

    def connect(self, port, host="127.0.0.1"):
        c = m.Raw(port, host)
        c.send(m.connect(self.dev.client_id, self.dev.token))
        ack = c.read_packet(timeout=5)
        if ack != (0x20, b"\x00\x00"):
            self.last_error = "CONNACK from %s:%d: %r" % (host, port, ack)
            c.close()
            return False
        self.conn = c
        return True

    def send(self):
        self.seq += 1
        try:
            self.conn.send(m.publish("s", report(self.seq), qos=1, pid=self.seq % 65535 or 1))
            return True
        except OSError:
            self.conn = None
            return False

    def ack(self):
        p = self.conn.read_packet(timeout=5)
        if isinstance(p, tuple) and p[0] == 0x40 and int.from_bytes(p[1], "big") == (self.seq % 65535 or 1):
            self.acked.add(self.seq)
            return True
        self.conn.close()
        self.conn = None
        return False

    def relogin(self, node, avoid_port=None):
        """Logs in again through `node` and connects to the access address."""
        lg = login(node, self.dev.id, self.dev.secret)
        if lg.get("code") != 0:
            self.last_error = "login through %s: %s" % (node.name, lg)
            return False
        self.dev.token = lg["data"]["access_token"]
        host, port = lg["data"]["access_addr"].rsplit(":", 1)
        self.dev.mqtt_host, self.dev.mqtt_port = host, int(port)
        return int(port) != avoid_port and self.connect(int(port), host)


def connected_sims(nodes, product_key, prefix, count):
    """Registers `count` devices (named prefix-0, prefix-1, ...) through
    `nodes` in turn and connects each to its owner, as login says."""
    from pando_test import Device
    sims = []
    for i in range(count):
        s = Sim(Device(nodes[i % len(nodes)], product_key, "%s-%d" % (prefix, i)))
        s.connect(s.dev.mqtt_port, s.dev.mqtt_host)
        sims.append(s)
    return sims


def report_round(sims):
    """Every connected device sends one report, then reads its PUBACK."""
    for s in sims:
        if s.conn is not None:
            s.send()
    for s in sims:
        if s.conn is not None:
            s.ack()


def wait_marked_down(node, name, timeout=20):
    """Waits until `node`'s view lists `name` as down; returns the seconds
    waited, or None."""
    t0 = time.time()
    while time.time() < t0 + timeout:
        v = shards_view(node)
        if v and any(m["name"] == name and not m["up"] for m in v["members"]):
            return time.time() - t0
        time.sleep(0.02)
    return None


def stored_reports(node, key, identifier, timeout=10):
    """The device timestamps of all the device's stored status reports
    (every page). A read refused while the device's shard moves is retried;
    a read that keeps failing raises."""
    import urllib.parse
    out = set()
    cursor = ""
    deadline = time.time() + timeout
    while True:
        query = "kind=status&limit=1000" + ("&cursor=" + cursor if cursor else "")
        status, text, _ = http("GET", node.url("/application/v1/devices/%s/history?%s"
                                               % (urllib.parse.quote(identifier), query)),
                               headers={"App-Key": key})
        body = json.loads(text)
        if body.get("code") != 0:
            if time.time() > deadline:
                raise RuntimeError("history of %s: %s" % (identifier, body))
            time.sleep(0.1)
            continue
        out |= {e["device_ts"] for e in body["data"]["entries"]}
        cursor = body["data"]["next"]
        if not cursor:
            return out
