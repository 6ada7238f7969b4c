"""pando-sim with 1000 devices against one node for a minute: every device
stays connected and reporting with no errors, every acknowledged report is
in the twins, and pando-ctl shows the devices and the node's connections."""

import json
import os
import subprocess
import threading

from pando_test import (ADMIN_TOKEN, BUILD_DIR, LAMP_CONFIG, Node, admin, check, finish,
                        make_product, metric)

SIM = os.path.join(BUILD_DIR, "tools", "pando-sim", "pando-sim")
CTL = os.path.join(BUILD_DIR, "tools", "pando-ctl", "pando-ctl")
DEVICES = 1000
DURATION = 60

node = Node("sim-1000")
try:
    node.start()
    product = make_product(node, LAMP_CONFIG)
    sim = subprocess.Popen([SIM, "--url", node.url(""), "--product-key", product["key"],
                            "--devices", str(DEVICES), "--duration", str(DURATION), "--json",
                            "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # While the fleet runs: pando-ctl sees the node's connections.
    seen = 0
    for _ in range(600):
        seen = metric(node, "pando_mqtt_connections") or 0
        if seen >= DEVICES:
            break
        threading.Event().wait(0.1)
    check(seen == DEVICES, "all %d devices are connected at once (%d)" % (DEVICES, seen))
    ctl = subprocess.run([CTL, "--url", node.url(""), "--token", ADMIN_TOKEN, "--json", "status"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    check(ctl.returncode == 0 and '"node"' in ctl.stdout and "sim-1000" in ctl.stdout,
          "pando-ctl status answers during the run")
    out, err = sim.communicate(timeout=DURATION + 120)
    check(sim.returncode == 0, "pando-sim exits 0 after %d s" % DURATION)
    summary = json.loads(out)
    check(summary["connected"] == DEVICES and summary["errors"] == 0 and summary["reconnects"] == 0,
          "1000 connected, 0 errors, 0 reconnects (%s, %s, %s)"
          % (summary["connected"], summary["errors"], summary["reconnects"]))
    check(summary["status_sent"] >= DEVICES * 10 and summary["status_acked"] == summary["status_sent"],
          "reporting all along: %d status reports, all acknowledged" % summary["status_sent"])
    check(summary["events_acked"] == summary["events_sent"], "all %d events acknowledged" % summary["events_sent"])

    total = 0
    for i in range(DEVICES):
        ident = "%x-%x-sim-%d" % (product["vendor_id"], product["id"], i)
        status, view = admin(node, "GET", "/admin/v1/devices/" + ident)
        total += view["reports"] if status == 200 else 0
    check(total == summary["status_acked"], "the twins hold exactly the acknowledged reports (%d)" % total)
    ident = "%x-%x-sim-%d" % (product["vendor_id"], product["id"], DEVICES - 1)
    show = subprocess.run([CTL, "--url", node.url(""), "--token", ADMIN_TOKEN, "--json", "device", "show",
                           ident], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    shown = json.loads(show.stdout) if show.returncode == 0 else {}
    check(shown.get("identifier") == ident and shown.get("reports", 0) > 0,
          "pando-ctl device show displays the last simulated device with its reports")
    print("node resident memory after the run: %.1f MiB"
          % ((metric(node, "pando_resident_memory_bytes") or 0) / 2**20))
finally:
    node.cleanup()

finish()
