"""Traffic between nodes over mutual TLS (cluster.tls_cert, tls_key, tls_ca):
two nodes sharing a certificate form a cluster and serve each other's
devices; a node without TLS and a node whose certificate another CA signed
cannot join it (each ends up alone), and nothing of theirs reaches the
cluster."""

import json
import os
import subprocess
import tempfile
import time

from cluster_test import Cluster, shards_view, wait_stable
from pando_test import Device, Node, SOURCE_DIR, admin, check, finish, free_port, http, make_product

tmp = tempfile.mkdtemp(prefix="pando-tls-")
gen = os.path.join(SOURCE_DIR, "tools", "gen-test-cert.sh")
good, bad = os.path.join(tmp, "good"), os.path.join(tmp, "bad")
for d in (good, bad):
    subprocess.run([gen, d], check=True)


def tls(d):
    return {"cluster.tls_cert": os.path.join(d, "cert.pem"), "cluster.tls_key": os.path.join(d, "key.pem"),
            "cluster.tls_ca": os.path.join(good, "cert.pem")}


cluster = Cluster(2, shards=64, extra_sets=tls(good))
seeds = "[%s]" % ",".join("127.0.0.1:%d" % p for p in cluster.cluster_ports)
outsiders = []
try:
    cluster.start()
    n1, n2 = cluster.nodes
    view = wait_stable(cluster.nodes, 2)
    check(view is not None, "two nodes form a cluster over TLS")
    product = make_product(n1)
    _, app = admin(n2, "POST", "/admin/v1/applications", {"name": "app", "domain": "*"})
    devices = [Device(n1, product["key"], "tls-%d" % i) for i in range(6)]
    for d in devices:
        for node in cluster.nodes:
            status, text, _ = http("GET", node.url("/application/v1/devices/%s/info" % d.identifier),
                                   headers={"App-Key": app["key"]})
            check(json.loads(text).get("code") == 0, "%s serves %s over the TLS link" % (node.name, d.identifier))

    plain = Node("plain", extra_sets={"cluster.seeds": seeds, "cluster.shards": "64"})
    other_ca = Node("forged", extra_sets=dict(tls(bad), **{"cluster.seeds": seeds, "cluster.shards": "64",
                                                           "cluster.tls_ca": os.path.join(bad, "cert.pem")}))
    outsiders = [plain, other_ca]
    for o in outsiders:
        o.start()
    for o in outsiders:
        v = wait_stable([o], 1, timeout=15)
        check(v is not None and [m["name"] for m in v["members"]] == [o.name],
              "%s cannot join: it formed a cluster of its own" % o.name)
    v = shards_view(n1)
    check(v is not None and sorted(m["name"] for m in v["members"]) == ["node1", "node2"],
          "the TLS cluster still has exactly its two members")
finally:
    for o in outsiders:
        o.cleanup()
    cluster.cleanup()
finish()
