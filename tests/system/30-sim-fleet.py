"""pando-sim against a real node: 50 simulated devices register, log in,
connect over MQTT and report status and events for 5 s; the simulator's JSON
summary and the devices' twins on the node agree."""

import json
import os
import subprocess

from pando_test import (BUILD_DIR, LAMP_CONFIG, Node, admin, check, finish, make_product,
                        metric)

SIM = os.path.join(BUILD_DIR, "tools", "pando-sim", "pando-sim")
DEVICES = 50

node = Node("sim-fleet")
try:
    node.start()
    product = make_product(node, LAMP_CONFIG)
    run = subprocess.run([SIM, "--url", node.url(""), "--product-key", product["key"],
                          "--devices", str(DEVICES), "--duration", "5", "--status-interval", "1",
                          "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if not check(run.returncode == 0, "pando-sim exits 0"):
        print(run.stderr[-2000:])
    summary = json.loads(run.stdout)
    check(summary["registered"] == DEVICES and summary["connected"] == DEVICES,
          "all %d devices registered and connected (%s/%s)"
          % (DEVICES, summary["registered"], summary["connected"]))
    check(summary["status_sent"] > 0 and summary["status_acked"] == summary["status_sent"],
          "every status report is acknowledged (%s sent, %s acked)"
          % (summary["status_sent"], summary["status_acked"]))
    check(summary["events_sent"] > 0 and summary["events_acked"] == summary["events_sent"],
          "every event is acknowledged (%s sent)" % summary["events_sent"])
    check(summary["errors"] == 0 and summary["reconnects"] == 0,
          "no errors and no reconnects (%s)" % summary["first_errors"])
    check(metric(node, "pando_mqtt_connects_total") == DEVICES,
          "the node counted %d MQTT connects" % DEVICES)

    views = []
    for i in range(DEVICES):
        ident = "%x-%x-sim-%d" % (product["vendor_id"], product["id"], i)
        status, view = admin(node, "GET", "/admin/v1/devices/" + ident)
        if status == 200:
            views.append(view)
    check(len(views) == DEVICES, "every device code sim-0..sim-%d is registered" % (DEVICES - 1))
    sample = views[0] if views else {"reports": 0, "events": 0, "status": []}
    objs = [o for o in sample["status"] if o["part"] == 1 and o["no"] == 1]
    check(sample["reports"] > 0 and sample["events"] > 0,
          "a sample device has reports and events in its twin")
    check(len(objs) == 1 and objs[0]["params_hex"] in ("000700", "000701"),
          "its object 1/1 holds one uint8 0 or 1 (%s)" % objs)
    check(sum(v["reports"] for v in views) == summary["status_acked"],
          "the twins recorded exactly the acknowledged status reports")
    check(sum(v["events"] for v in views) == summary["events_acked"],
          "the twins recorded exactly the acknowledged events")
finally:
    node.cleanup()

finish()
