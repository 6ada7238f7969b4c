"""pando-ctl against a real node: vendor/product/app add, list, show, key
rotation and delete (cross-checked through the admin API itself), device
show with a decoded status report, status, and the exit statuses for API
errors (1), usage errors (2) and an unreachable node (3)."""

import json
import os
import subprocess
import time

import paho.mqtt.client as mqtt

from pando_test import (ADMIN_TOKEN, BUILD_DIR, LAMP_CONFIG, Node, admin, check, finish, free_port,
                        login, register, status_payload)

CTL = os.path.join(BUILD_DIR, "tools", "pando-ctl", "pando-ctl")
node = Node("ctl-node-7")


def ctl(*args, token=ADMIN_TOKEN, url=None, env=None):
    """Runs pando-ctl; returns (exit status, stdout, stderr)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PANDO_")}
    full_env.update(env or {})
    cmd = [CTL]
    if url is not False:
        cmd += ["--url", url or node.url("")]
    if token:
        cmd += ["--token", token]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=full_env, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ctl_json(*args):
    """Runs pando-ctl --json; returns (exit status, parsed stdout or None)."""
    rc, out, err = ctl("--json", *args)
    try:
        return rc, json.loads(out)
    except ValueError:
        print("  (not JSON: %r / %r)" % (out, err))
        return rc, None


def row_with(text, needle):
    """Returns the whitespace-split cells of the first line containing needle."""
    for line in text.splitlines():
        if needle in line:
            return line.split()
    return None


def write_json(name, value):
    path = os.path.join(node.tmp, name)
    with open(path, "w") as f:
        f.write(value if isinstance(value, str) else json.dumps(value))
    return path


def test_vendors():
    rc, v = ctl_json("vendor", "add", "--name", "Acme Lamps", "--description", "lamps & more")
    check(rc == 0 and v and isinstance(v.get("id"), int) and v["name"] == "Acme Lamps",
          "vendor add --json: exit 0, the created vendor (%s)" % v)
    status, stored = admin(node, "GET", "/admin/v1/vendors/%d" % v["id"])
    check(status == 200 and stored["description"] == "lamps & more" and stored["key"] == v["key"],
          "the vendor exists in the registry with its description and key")
    rc, xs = ctl_json("vendor", "list")
    check(rc == 0 and [x["name"] for x in xs if x["id"] == v["id"]] == ["Acme Lamps"],
          "vendor list --json contains the vendor")
    rc, out, _ = ctl("vendor", "list")
    row = row_with(out, stored["key"])
    check(rc == 0 and row is not None and row[0] == str(v["id"]) and "Acme" in row,
          "vendor list (table): a row with id, name and key (%r)" % row)
    rc, shown = ctl_json("vendor", "show", str(v["id"]))
    check(rc == 0 and shown == stored, "vendor show --json equals the registry's entity")
    rc, out, _ = ctl("vendor", "show", str(v["id"]))
    check(rc == 0 and "Acme Lamps" in out and "lamps & more" in out and stored["key"] in out,
          "vendor show (block) has name, description and key")
    return stored


def test_products(vendor):
    cfg = write_json("lamp.json", LAMP_CONFIG)
    rc, p = ctl_json("product", "add", "--name", "Desk Lamp", "--vendor", str(vendor["id"]),
                     "--config", cfg)
    check(rc == 0 and p and p["vendor_id"] == vendor["id"]
          and p["config"]["objects"][0]["label"] == "switch",
          "product add --json: exit 0, vendor and config stored")
    status, stored = admin(node, "GET", "/admin/v1/products/%d" % p["id"])
    check(status == 200 and stored["name"] == "Desk Lamp", "the product exists in the registry")
    rc, out, _ = ctl("product", "list")
    row = row_with(out, stored["key"])
    check(rc == 0 and row is not None and row[:2] == [str(p["id"]), "Desk"]
          and str(vendor["id"]) in row[3:] and row.count("1") >= 3,
          "product list (table): id, name, vendor id and 1 object/command/event (%r)" % row)
    rc, out, _ = ctl("product", "show", str(p["id"]))
    check(rc == 0 and "switch" in out and "alarm" in out and "onoff" in out,
          "product show lists the config's objects, commands and events")

    bad_cfg = json.loads(json.dumps(LAMP_CONFIG))
    bad_cfg["objects"][0]["status"][0]["value_type"] = 99
    rc, out, err = ctl("product", "add", "--name", "bad-lamp", "--vendor", str(vendor["id"]),
                       "--config", write_json("bad.json", bad_cfg))
    check(rc == 1 and 'objects[0] "switch"' in err and "99" in err and "value_type" in err,
          "a bad config: exit 1 and the server's message naming the entry (%r)" % err)
    check(err.startswith("pando-ctl: product add: "), "the error names the command")
    status, xs = admin(node, "GET", "/admin/v1/products")
    check("bad-lamp" not in [x["name"] for x in xs], "the bad product was not created")
    rc, _, err = ctl("product", "add", "--name", "x", "--vendor", str(vendor["id"]),
                     "--config", write_json("syntax.json", "{\"objects\": ["))
    check(rc == 2 and "syntax.json" in err, "a config file that is not JSON: exit 2 (%r)" % err)
    rc, _, err = ctl("product", "add", "--name", "x", "--vendor", str(vendor["id"]),
                     "--config", os.path.join(node.tmp, "missing.json"))
    check(rc == 2 and "missing.json" in err, "a missing config file: exit 2")
    return stored


def test_apps(product):
    domain = "product/%d" % product["id"]
    rc, a = ctl_json("app", "add", "--name", "Dashboard", "--domain", domain,
                     "--report-url", "http://127.0.0.1:9/hook", "--token", "app-secret-1")
    check(rc == 0 and a and a["domain"] == domain and a["token"] == "app-secret-1"
          and a["report_url"] == "http://127.0.0.1:9/hook",
          "app add --json: domain, report url and the app's own --token stored (%s)" % a)
    rc, out, _ = ctl("app", "list")
    row = row_with(out, a["key"])
    check(rc == 0 and row is not None and "Dashboard" in row and domain in row,
          "app list (table): name and domain (%r)" % row)
    rc, _, err = ctl("app", "add", "--name", "x", "--domain", "galaxy/1")
    check(rc == 1 and "domain" in err and "galaxy/1" in err,
          "app add with a bad domain: exit 1 naming the field (%r)" % err)
    return a


def test_keys_and_delete(vendor, app):
    rc, rotated = ctl_json("key", "rotate", "vendor", str(vendor["id"]))
    _, stored = admin(node, "GET", "/admin/v1/vendors/%d" % vendor["id"])
    check(rc == 0 and rotated["key"] != vendor["key"] and stored["key"] == rotated["key"],
          "key rotate vendor: a new key, stored in the registry")
    rc, rotated = ctl_json("key", "rotate", "app", str(app["id"]))
    check(rc == 0 and rotated["key"] != app["key"], "key rotate app: a new key")
    rc, _, err = ctl("key", "rotate", "product", "987654")
    check(rc == 1 and "404" in err, "key rotate of a missing product: exit 1, 404 (%r)" % err)

    rc, _, _ = ctl("app", "delete", str(app["id"]))
    status, _ = admin(node, "GET", "/admin/v1/applications/%d" % app["id"])
    check(rc == 0 and status == 404, "app delete: exit 0, gone from the registry")
    rc, _, err = ctl("app", "show", str(app["id"]))
    check(rc == 1 and "404" in err, "app show of the deleted app: exit 1, 404")
    rc, v2 = ctl_json("vendor", "add", "--name", "Temp Vendor")
    rc, _, _ = ctl("vendor", "delete", str(v2["id"]))
    status, _ = admin(node, "GET", "/admin/v1/vendors/%d" % v2["id"])
    check(rc == 0 and status == 404, "vendor delete: exit 0, gone from the registry")


class StatusDevice:
    """A paho client of a registered device that sends one status report."""

    def __init__(self, product, code, value):
        reg = register(node, product["key"], code)
        self.reg = reg["data"]
        lg = login(node, self.reg["device_id"], self.reg["device_secret"])["data"]
        client_id = "%x" % self.reg["device_id"]
        self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
        self.client.username_pw_set(client_id, lg["access_token"])
        host, port = lg["access_addr"].rsplit(":", 1)
        self.client.connect(host, int(port), keepalive=30)
        self.client.loop_start()
        self.client.publish("s", status_payload(value), qos=1).wait_for_publish(10)

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


def wait_reports(identifier, n):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status, d = admin(node, "GET", "/admin/v1/devices/" + identifier)
        if status == 200 and d["reports"] >= n:
            return True
        time.sleep(0.1)
    return False


def test_devices(product):
    reg = register(node, product["key"], "ctl-dev-1")["data"]
    ident = reg["device_identifier"]
    rc, out, _ = ctl("device", "show", ident)
    check(rc == 0 and row_with(out, ident) is not None, "device show: the identifier is shown")
    rc, d = ctl_json("device", "show", ident)
    check(rc == 0 and d["device_id"] == reg["device_id"] and d["status"] == [],
          "device show --json: the registered device id, no status yet")

    dev = StatusDevice(product, "ctl-dev-2", 42)
    try:
        ident2 = dev.reg["device_identifier"]
        check(wait_reports(ident2, 1), "the device's status report arrives")
        rc, out, _ = ctl("device", "show", ident2)
        row = row_with(out, "onoff=")
        check(rc == 0 and row is not None and "onoff=42" in row and "switch" in row,
              "device show decodes the status: object switch, onoff=42 (%r)" % row)
        online = [line for line in out.splitlines() if line.startswith("online")]
        check(len(online) == 1 and "yes" in online[0] and "ctl-node-7" in online[0],
              "device show: the connected device is online on this node (%r)" % online)
    finally:
        dev.stop()

    rc, _, err = ctl("device", "show", "not-an-identifier")
    check(rc == 1 and "not-an-identifier" in err, "device show of a malformed identifier: exit 1")
    rc, _, err = ctl("device", "show", "1-1-nosuchdevice")
    check(rc == 1 and "404" in err, "device show of an unknown device: exit 1, 404 (%r)" % err)


def test_status():
    rc, out, _ = ctl("status", token=None)
    check(rc == 0 and row_with(out, "ctl-node-7") is not None,
          "status (no token needed) shows the node's name")
    rc, out, err = ctl("--json", "status", token=None)
    s = json.loads(out) if rc == 0 else {}
    check(s.get("healthz", {}).get("node") == "ctl-node-7" and s["healthz"]["status"] == "ok",
          "status --json: /healthz of the node")
    m = s.get("metrics", {})
    check(m.get("pando_live_actors", 0) > 0 and m.get("pando_resident_memory_bytes", 0) > 1e6
          and "pando_mqtt_connections" in m,
          "status --json: live actors, resident memory and connections from /metrics (%s)" % m)


def test_errors():
    rc, _, err = ctl("vendor", "list", token="not-the-token")
    check(rc == 1 and ("401" in err or "unauthorized" in err.lower()),
          "a wrong token: exit 1 with 401/unauthorized (%r)" % err)
    rc, _, err = ctl("vendor", "list", token=None)
    check(rc == 2 and "PANDO_ADMIN_TOKEN" in err, "no token: exit 2 naming how to pass one (%r)" % err)
    rc, out, _ = ctl("--json", "vendor", "list", token=None, env={"PANDO_ADMIN_TOKEN": ADMIN_TOKEN})
    check(rc == 0 and isinstance(json.loads(out), list), "the token from PANDO_ADMIN_TOKEN works")
    rc, out, _ = ctl("--json", "vendor", "list", url=False, env={"PANDO_URL": node.url("")})
    check(rc == 0 and isinstance(json.loads(out), list), "the URL from PANDO_URL works")
    rc, out, _ = ctl("vendor", "list", "--json", "--token", ADMIN_TOKEN, token=None)
    check(rc == 0 and isinstance(json.loads(out), list), "global flags after the command work")

    dead = "http://127.0.0.1:%d" % free_port()
    rc, _, err = ctl("vendor", "list", url=dead)
    check(rc == 3 and dead in err and "refused" in err,
          "an unreachable node: exit 3 naming the URL and the reason (%r)" % err)
    rc, _, err = ctl("status", url="http://no-such-host.invalid:8080")
    check(rc == 3 and "no-such-host.invalid" in err, "an unknown host: exit 3 (%r)" % err)
    rc, _, err = ctl("vendor", "list", url="ftp://127.0.0.1")
    check(rc == 2 and "ftp" in err, "a non-HTTP URL: exit 2")

    rc, _, err = ctl("vendor", "add")
    check(rc == 2 and "--name" in err, "vendor add without --name: exit 2 (%r)" % err)
    rc, _, err = ctl("product", "add", "--name", "x", "--vendor", "1")
    check(rc == 2 and "--config" in err, "product add without --config: exit 2")
    rc, _, err = ctl("app", "add", "--name", "x")
    check(rc == 2 and "--domain" in err, "app add without --domain: exit 2")
    rc, _, _ = ctl("vendor", "show", "abc")
    check(rc == 2, "a non-numeric id: exit 2")
    rc, _, _ = ctl("vendor", "frobnicate")
    check(rc == 2, "an unknown subcommand: exit 2")
    rc, _, _ = ctl()
    check(rc == 2, "no command: exit 2")

    helps = [[], ["vendor"], ["vendor", "add"], ["vendor", "list"], ["vendor", "show"],
             ["vendor", "delete"], ["product", "add"], ["product", "list"], ["app", "add"],
             ["app", "delete"], ["key", "rotate"], ["device", "show"], ["status"]]
    bad = [h for h in helps if ctl(*(h + ["--help"]))[0] != 0
           or "Usage" not in ctl(*(h + ["--help"]))[1]]
    check(not bad, "--help on every subcommand: exit 0 and usage (failed: %s)" % bad)


try:
    node.start()
    vendor = test_vendors()
    product = test_products(vendor)
    app = test_apps(product)
    test_keys_and_delete(vendor, app)
    test_devices(product)
    test_status()
    test_errors()
finally:
    node.stop()
    node.cleanup()
finish()
