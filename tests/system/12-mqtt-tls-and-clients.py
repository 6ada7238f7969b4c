"""pando's MQTT and HTTP listeners over TLS, and MQTT clients we did not
write: python3-paho-mqtt and mosquitto_pub over plain TCP and TLS, and
HTTPS registration and login. A garbage TLS handshake is refused cleanly."""

import json
import os
import ssl
import urllib.request
import subprocess
import threading

import paho.mqtt.client as mqtt

import mqtt_raw as m
from pando_test import (SOURCE_DIR, Device, Node, admin, check, finish, free_port, http,
                        make_product, metric, status_payload)

node = Node("tls")
certs = os.path.join(node.tmp, "certs")
subprocess.run([os.path.join(SOURCE_DIR, "tools", "gen-test-cert.sh"), certs], check=True)
cert, key = os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem")
mqtts_port, https_port = free_port(), free_port()
node.sets.update({"mqtt.tls_listen": "127.0.0.1:%d" % mqtts_port, "mqtt.tls_cert": cert,
                  "mqtt.tls_key": key, "http.tls_listen": "127.0.0.1:%d" % https_port,
                  "http.tls_cert": cert, "http.tls_key": key})


def reports(dev):
    return admin(node, "GET", "/admin/v1/devices/" + dev.identifier)[1]["reports"]


def paho_publish(dev, port, tls):
    """Connects with paho, publishes one QoS 1 status report, waits for the
    PUBACK; returns (connack rc, acked)."""
    connected, acked = threading.Event(), threading.Event()
    rc = {}
    client = mqtt.Client(client_id=dev.client_id, protocol=mqtt.MQTTv311)
    client.username_pw_set(dev.client_id, dev.token)
    if tls:
        client.tls_set(ca_certs=cert)
    client.on_connect = lambda c, u, f, r: (rc.setdefault("rc", r), connected.set())
    client.on_publish = lambda c, u, mid: acked.set()
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    ok = connected.wait(10)
    if ok and rc.get("rc") == 0:
        client.publish("s", status_payload(1), qos=1)
        acked.wait(10)
    client.disconnect()
    client.loop_stop()
    return rc.get("rc"), acked.is_set()


try:
    node.start()
    check(metric(node, "pando_uptime_seconds") is not None, "the node serves plain HTTP next to HTTPS")
    product = make_product(node)

    # Device API over HTTPS, verified against the test CA.
    ctx = ssl.create_default_context(cafile=cert)
    req = urllib.request.Request("https://127.0.0.1:%d/v1/devices/registration" % https_port,
                                 data=json.dumps({"product_key": product["key"],
                                                  "device_code": "tls-1"}).encode(), method="POST")
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        body = json.loads(r.read())
    check(body["code"] == 0, "registration over HTTPS (certificate verified)")

    dev = Device(node, product["key"], "tls-1")
    rc, acked = paho_publish(dev, mqtts_port, tls=True)
    check(rc == 0 and acked, "paho over TLS (certificate verified): CONNACK 0 and PUBACK")
    check(reports(dev) == 1, "the TLS publish was recorded")
    rc, acked = paho_publish(dev, node.mqtt_port, tls=False)
    check(rc == 0 and acked, "paho over plain TCP: CONNACK 0 and PUBACK")

    payload = os.path.join(node.tmp, "status.bin")
    with open(payload, "wb") as f:
        f.write(status_payload(0))
    for port, extra, what in [(node.mqtt_port, [], "plain TCP"),
                              (mqtts_port, ["--cafile", cert], "TLS")]:
        p = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-V", "mqttv311",
                            "-i", dev.client_id, "-u", dev.client_id, "-P", dev.token,
                            "-t", "s", "-q", "1", "-f", payload] + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
        check(p.returncode == 0, "mosquitto_pub over %s: QoS 1 publish acknowledged (%s)"
              % (what, p.stdout.strip()))
    check(reports(dev) == 4, "all four publishes were recorded (got %d)" % reports(dev))
    status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    check(view["status"][0]["params_hex"] == "000700", "the last report (uint8 0) is the twin's status")

    p = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(mqtts_port), "-V", "mqttv311",
                        "-i", dev.client_id, "-u", dev.client_id, "-P", "00" * 16,
                        "-t", "s", "-q", "1", "-m", "x", "--cafile", cert],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
    check(p.returncode != 0, "mosquitto_pub with a wrong token over TLS is refused (%s)" % p.stdout.strip())

    # paho: SUBSCRIBE, QoS 0 and QoS 2 publishes; mosquitto_sub receives a
    # command sent through the application API.
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    done, granted = threading.Event(), {}
    client = mqtt.Client(client_id=dev.client_id, protocol=mqtt.MQTTv311)
    client.username_pw_set(dev.client_id, dev.token)
    client.on_subscribe = lambda c, u, mid, q: (granted.setdefault("qos", q), done.set())
    published = []
    client.on_publish = lambda c, u, mid: published.append(mid)
    client.connect("127.0.0.1", node.mqtt_port, keepalive=30)
    client.loop_start()
    client.subscribe([("c", 1), ("s", 2), ("elsewhere/#", 0)])
    check(done.wait(10) and list(granted.get("qos", ())) == [1, 1, 128],
          "paho SUBSCRIBE: c and s granted QoS 1, other filters refused (%s)" % (granted,))
    before = reports(dev)
    i0 = client.publish("s", status_payload(1), qos=0)
    i2 = client.publish("s", status_payload(1), qos=2)
    i2.wait_for_publish(10)
    check(i2.is_published(), "paho QoS 2 publish completes (PUBREC, PUBREL, PUBCOMP)")
    for _ in range(200):
        if reports(dev) >= before + 2:
            break
        threading.Event().wait(0.01)
    check(reports(dev) == before + 2, "the QoS 0 and QoS 2 reports were recorded once each")
    client.disconnect()
    client.loop_stop()

    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(mqtts_port), "-V", "mqttv311",
                            "--cafile", cert, "-i", dev.client_id, "-u", dev.client_id, "-P", dev.token,
                            "-t", "c", "-q", "1", "-C", "1", "-F", "%x"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(500):
        _, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
        if view["online"]:
            break
        threading.Event().wait(0.01)
    status, text, _ = http("POST", node.url("/application/v1/devices/%s/commands" % dev.identifier),
                           {"switch": [1, 2]}, {"App-Key": app["key"]})
    check(json.loads(text)["code"] == 0, "a command to the mosquitto_sub device is acknowledged")
    out, _ = sub.communicate(timeout=20)
    check(sub.returncode == 0 and out.strip().endswith("0001000100000002000701000702"),
          "mosquitto_sub over TLS receives the command bytes (%s)" % out.strip()[-60:])

    c = m.Raw(mqtts_port)
    c.send(b"\x10\x0c\x00\x04MQTT\x04\x02\x00\x1e\x00\x00")
    check(c.closed_within(), "plain MQTT bytes on the TLS port: disconnected")
    check((metric(node, "pando_mqtt_tls_errors_total", {"reason": "handshake_failed"}) or 0) >= 1
          or (metric(node, "pando_mqtt_tls_errors_total", {"reason": "bad_record"}) or 0) >= 1,
          "the failed handshake is counted")
    status, _, _ = http("GET", node.url("/healthz"))
    check(status == 200, "the node is still healthy")
finally:
    node.cleanup()

finish()
