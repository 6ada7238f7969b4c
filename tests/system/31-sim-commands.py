"""pando-sim answers the platform like a device: through the application
API, a command reaches it (printed and acknowledged), a real-time status
query is answered with its status report, and set status changes the value
it reports; in the binary scheme (topics c/s) and the JSON scheme
(pando/v1/<identifier>/...). SIGTERM ends it cleanly with exit 0."""

import json
import os
import signal
import subprocess
import threading
import time

from pando_test import (BUILD_DIR, LAMP_CONFIG, Node, admin, check, finish, http,
                        make_product)

SIM = os.path.join(BUILD_DIR, "tools", "pando-sim", "pando-sim")


def wait_online(node, ident, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, view = admin(node, "GET", "/admin/v1/devices/" + ident)
        if status == 200 and view["online"]:
            return view
        time.sleep(0.05)
    return None


def wait_line(lines, needle, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(needle in line for line in lines):
            return True
        time.sleep(0.05)
    return False


def app_call(node, app, method, path, body=None):
    status, text, _ = http(method, node.url("/application/v1/devices/" + path), body,
                           {"App-Key": app["key"]})
    return json.loads(text) if text else {}


def exercise(node, product, app, protocol, code):
    """Runs one simulated device in `protocol`; returns its stdout lines."""
    ident = "%x-%x-%s" % (product["vendor_id"], product["id"], code)
    sim = subprocess.Popen([SIM, "--url", node.url(""), "--product-key", product["key"],
                            "--code", code, "--protocol", protocol, "--status-interval", "0",
                            "--event-interval", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []

    def pump():
        for line in sim.stdout:
            lines.append(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        check(wait_online(node, ident) is not None, "%s: the simulated device comes online" % protocol)
        if protocol == "json":
            # Until its SUBSCRIBE is processed the node talks binary to it.
            check(wait_line(lines, "SUBSCRIBE acknowledged"), "json: it subscribes to its topics")
        answer = app_call(node, app, "POST", ident + "/commands", {"switch": [1, 2]})
        check(answer.get("code") == 0, "%s: the command is acknowledged (%s)" % (protocol, answer))
        answer = app_call(node, app, "GET", ident + "/status/current")
        check(answer.get("data") == {"switch": [0]},
              "%s: status/current is answered by the device: %s" % (protocol, answer))
        answer = app_call(node, app, "PUT", ident + "/status", {"switch": [1]})
        check(answer.get("code") == 0, "%s: set status is acknowledged" % protocol)
        latest = None
        for _ in range(100):
            latest = app_call(node, app, "GET", ident + "/status/latest").get("data")
            if latest == {"switch": [1]}:
                break
            time.sleep(0.05)
        check(latest == {"switch": [1]},
              "%s: the device confirms the new value with a report (%s)" % (protocol, latest))
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(20)
        reader.join(5)
        err = sim.stderr.read()
    out = "".join(lines)
    check(sim.returncode == 0, "%s: SIGTERM ends pando-sim with exit 0 (%s)" % (protocol, err[-300:]))
    check("errors                 0" in out, "%s: the summary shows no errors" % protocol)
    return out


node = Node("sim-commands")
try:
    node.start()
    product = make_product(node, LAMP_CONFIG)
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "sim", "domain": "*"})

    out = exercise(node, product, app, "binary", "sim-binary")
    check("command no=1 sub=1 prio=0 params=[1, 2]" in out, "binary: the command is printed")
    check("status query (command 65528" in out, "binary: the status query is printed")
    check("set status 1/1=[1]" in out, "binary: the set status is printed")

    out = exercise(node, product, app, "json", "sim-json")
    check('"name":"switch"' in out and '"params":[1,2]' in out, "json: the command is printed")
    ident = "%x-%x-sim-json" % (product["vendor_id"], product["id"])
    status, view = admin(node, "GET", "/admin/v1/devices/" + ident)
    check(view["events"] == 1, "json: the command result is recorded (as event 65534)")
finally:
    node.cleanup()

finish()
