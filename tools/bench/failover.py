#!/usr/bin/python3
"""The `failover` benchmark (docs/benchmarks.md): a 3-node cluster on
loopback (configs/cluster-node{1,2,3}.yaml with free ports, replication
factor 2) under QoS 1 load from N devices, each connected to its shard's
owner and sending one status report per round (its sequence number as the
timestamp). After a few rounds one node is killed with SIGKILL. Its devices
log in again and connect to the new owner. Measured per run: seconds from
the kill until the survivors' view marks the node down (detection), seconds
from detection until each of its devices got a PUBACK again (median and
max), acknowledged reports and how many of them are missing from the
history afterwards (must be 0). Prints a table and writes JSON.

Usage: tools/bench/failover.py [-n DEVICES] [-r RUNS] [-o FILE]
Environment: PANDO_BUILD_DIR (default ./build) holds the binaries.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("PANDO_SOURCE_DIR", root)
os.environ.setdefault("PANDO_BUILD_DIR", os.path.join(root, "build"))
sys.path.insert(0, os.path.join(root, "tests", "cluster"))

from cluster_test import (Cluster, connected_sims, report_round, stored_reports,  # noqa: E402
                          wait_marked_down, wait_stable)
from pando_test import admin, make_product  # noqa: E402


def one_run(devices, rounds_before=4, rounds_after=8):
    cluster = Cluster(3)
    try:
        cluster.start()
        if wait_stable(cluster.nodes, 3) is None:
            raise RuntimeError("the cluster did not form")
        n1 = cluster.nodes[0]
        product = make_product(n1)
        _, app = admin(n1, "POST", "/admin/v1/applications", {"name": "bench", "domain": "*"})
        sims = connected_sims(cluster.nodes, product["key"], "fo", devices)
        victim, survivors = cluster.nodes[2], cluster.nodes[:2]
        on_victim = {s.dev.identifier for s in sims if s.dev.mqtt_port == victim.mqtt_port}

        for _ in range(rounds_before):
            report_round(sims)
        victim.proc.kill()
        victim.proc.wait()
        t_kill = time.time()
        wait_marked_down(survivors[0], victim.name, timeout=30)
        t_detect = time.time()
        back = {}
        for r in range(rounds_after):
            report_round(sims)
            for s in sims:
                if s.conn is None and s.relogin(survivors[r % 2], avoid_port=victim.mqtt_port):
                    back.setdefault(s.dev.identifier, None)
            for s in sims:
                if s.dev.identifier in back and back[s.dev.identifier] is None and s.conn is not None:
                    # Served again once a report after the kill is acknowledged.
                    if any(seq > 0 for seq in s.acked) and s.send() and s.ack():
                        back[s.dev.identifier] = time.time() - t_detect
        acked = sum(len(s.acked) for s in sims)
        missing = sum(len(s.acked - stored_reports(survivors[0], app["key"], s.dev.identifier))
                      for s in sims)
        served = [t for i, t in back.items() if i in on_victim and t is not None]
        return {"devices": devices, "devices_on_killed_node": len(on_victim),
                "detection_s": t_detect - t_kill,
                "served_again_s_median": statistics.median(served) if served else None,
                "served_again_s_max": max(served) if served else None,
                "served_again_count": len(served),
                "acked": acked, "acked_missing": missing}
    finally:
        cluster.cleanup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--devices", type=int, default=600)
    ap.add_argument("-r", "--runs", type=int, default=3)
    ap.add_argument("-o", "--output", default=None)
    args = ap.parse_args()
    runs = []
    for i in range(args.runs):
        print("== run %d/%d" % (i + 1, args.runs), file=sys.stderr)
        runs.append(one_run(args.devices))
    print("machine: %s, %d cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                       time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print()
    print("| run | devices (on the killed node) | detection s | served again after detection, median / max s | acked reports | acked missing |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(runs, 1):
        print("| %d | %d (%d) | %.2f | %.2f / %.2f | %d | %d |" % (
            i, r["devices"], r["devices_on_killed_node"], r["detection_s"],
            r["served_again_s_median"] or -1, r["served_again_s_max"] or -1, r["acked"], r["acked_missing"]))
    if args.output:
        json.dump({"runs": runs}, open(args.output, "w"), indent=2)
    return 0 if all(r["acked_missing"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
