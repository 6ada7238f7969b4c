"""Helpers for multi-process cluster tests: N pando-node processes on
loopback, built from configs/cluster-node{1,2,3}.yaml with free ports and
temporary data directories."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))

from pando_test import SOURCE_DIR, Node, admin, free_port  # noqa: E402


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
        for n in self.nodes:
            n.cleanup()


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


def owner_of(node, identifier):
    status, body = admin(node, "GET", "/admin/v1/cluster/locate/" + identifier)
    assert status == 200, (status, body)
    return body
