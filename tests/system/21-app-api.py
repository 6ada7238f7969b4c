"""The full pando flow through the application API with a real MQTT client
(python3-paho-mqtt) and the exact bytes of spec 5.4, then every error code
of the application API, domain checks on every endpoint (S1) and the fixes
of B9, B11 and B13."""

import json
import threading

from pando_test import (Device, Node, PahoDevice, admin, check, finish, http, make_product, status_payload)

node = Node("appapi")


class DeviceClient(PahoDevice):
    """A paho client acting as the device: answers command 65528 with status
    report (a) and records everything it receives with its QoS."""

    def __init__(self, dev, answer_queries=True):
        self.answer_queries = answer_queries
        super().__init__(dev)

    def on_message(self, client, userdata, msg):
        self.received.put((msg.topic, bytes(msg.payload), msg.qos))
        if self.answer_queries and msg.topic == "c" and msg.payload[27:29] == b"\xff\xf8":
            client.publish("s", status_payload(1), qos=1)


def app_call(method, path, app_key, body=None):
    headers = {"App-Key": app_key} if app_key else {}
    status, text, _ = http(method, node.url("/application/v1" + path), body, headers)
    return status, (json.loads(text) if text else None)


try:
    node.start()
    product = make_product(node)
    vendor_id, product_id = product["vendor_id"], product["id"]
    status, app = admin(node, "POST", "/admin/v1/applications",
                        {"name": "app", "domain": "product/%d" % product_id})
    check(status == 201, "an application is created through the admin API")
    status, other_app = admin(node, "POST", "/admin/v1/applications",
                              {"name": "other", "domain": "product/%d" % (product_id + 100)})
    key, other_key = app["key"], other_app["key"]

    dev = Device(node, product["key"], "app-1")
    client = DeviceClient(dev)
    client.client.publish("s", status_payload(1), qos=1).wait_for_publish(10)

    status, body = app_call("GET", "/devices/%s/status/latest" % dev.identifier, key)
    check(status == 200 and body == {"code": 0, "message": "", "data": {"switch": [1]}},
          "status/latest renders example (a) as {\"switch\":[1]} (%s)" % body)

    status, body = app_call("POST", "/devices/%s/commands" % dev.identifier, key, {"switch": [1, 2]})
    check(body["code"] == 0 and body["message"] == "" and body["data"]["state"] == "acked",
          "POST commands {\"switch\":[1,2]}: code 0, state acked (%s)" % body)
    got = client.next()
    check(got is not None and got[0] == "c" and got[2] == 1, "the device receives a QoS 1 publish on c")
    if got:
        payload = got[1]
        check(len(payload) == 39, "the command is 39 bytes (spec 5.4 b)")
        check(payload[0] == 0, "flag 0")
        check(payload[9:25] == bytes.fromhex(dev.token), "bytes 9..24 carry the device's current token")
        check(payload[25:] == bytes.fromhex("0001" "0001" "0000" "0002" "000701" "000702"),
              "sub 1, no 1, priority 0, count 2, uint8 1, uint8 2: exactly example (b)")

    status, body = app_call("PUT", "/devices/%s/status" % dev.identifier, key, {"switch": [0]})
    check(body == {"code": 0, "message": ""}, "PUT status {\"switch\":[0]}: code 0")
    got = client.next()
    check(got is not None and got[0] == "s", "the device receives a Data packet on s")
    if got:
        check(got[1][9:25] == bytes.fromhex(dev.token) and
              got[1][25:] == bytes.fromhex("0001" "0001" "0001" "000700"),
              "Data: token, object part 1 / no 1 with uint8 0")

    status, body = app_call("GET", "/devices/%s/status/current" % dev.identifier, key)
    check(body == {"code": 0, "message": "", "data": {"switch": [1]}},
          "status/current completes the 65528 round trip (%s)" % body)
    got = client.next()
    check(got is not None and got[1][25:33] == bytes.fromhex("ffff" "fff8" "0063" "0000"),
          "the query is command 65528 to sub-device 65535 with priority 99 (spec 5.4 d)")

    status, body = app_call("GET", "/devices/%s/info" % dev.identifier, key)
    check(body["code"] == 0 and body["data"]["identifier"] == dev.identifier
          and body["data"]["name"] == "lamp", "devices/{id}/info")
    status, reg = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    status, body = app_call("GET", "/device/info?device_key=" + reg["device_key"], key)
    check(body["code"] == 0 and body["data"]["identifier"] == dev.identifier, "device/info by device key")

    # -- error codes ---------------------------------------------------------
    path = "/devices/%s/status/latest" % dev.identifier
    check(app_call("GET", path, None)[1]["code"] == 10003, "no App-Key: 10003")
    check(app_call("GET", path, "00" * 32)[1]["code"] == 10008, "an unknown App-Key: 10008")
    check(app_call("GET", path, other_key)[1]["code"] == 10008,
          "a device outside the application's domain: 10008")
    check(app_call("GET", "/device/info?device_key=" + reg["device_key"], None)[1]["code"] == 10003,
          "S1: device/info without App-Key is refused")
    check(app_call("GET", "/device/info?device_key=" + reg["device_key"], other_key)[1]["code"] == 10008,
          "S1: device/info outside the application's domain is refused")
    check(app_call("GET", "/device/info?device_key=" + "ab" * 32, key)[1]["code"] == 10003,
          "device/info with an unknown key: 10003")
    ghost = "%x-%x-ghost" % (vendor_id, product_id)
    check(app_call("GET", "/devices/%s/info" % ghost, key)[1]["code"] == 10003, "an unknown device: 10003")
    cmd = "/devices/%s/commands" % dev.identifier
    check(app_call("POST", cmd, key, {"switch": [1, 2], "other": [1]})[1]["code"] == 10005,
          "B13: two commands in one request: 10005")
    check(app_call("POST", cmd, key, {"switch": ["on", 2]})[1]["code"] == 10005,
          "B11: a string for a uint8: 10005, not a 500")
    check(app_call("POST", cmd, key, {"switch": [300, 2]})[1]["code"] == 10005,
          "300 for a uint8: 10005")
    check(app_call("POST", cmd, key, {"switch": [1]})[1]["code"] == 10005, "a missing parameter: 10005")
    check(app_call("POST", cmd, key, {"nope": [1]})[1]["code"] == 10005, "an unknown command: 10005")
    status, text, _ = http("POST", node.url("/application/v1" + cmd), b"[1,2]", {"App-Key": key})
    check(json.loads(text)["code"] == 10005, "a body that is not an object: 10005")
    check(app_call("POST", cmd + "?timeout=0", key, {"switch": [1, 2]})[1]["code"] == 10005,
          "timeout=0: 10005")
    check(app_call("PUT", "/devices/%s/status" % dev.identifier, key, {"switch": [1, 1]})[1]["code"]
          == 10005, "PUT status with too many values: 10005")

    # A device that does not acknowledge: the command times out with 10001.
    client.client.on_message = None
    client.stop()
    silent = DeviceClient(dev, answer_queries=False)
    silent.client.unsubscribe("c")
    check(app_call("GET", "/devices/%s/status/current" % dev.identifier, key)[1]["code"] == 10001,
          "a device that does not answer 65528: 10001 (get status timeout)")
    silent.stop()
    for _ in range(200):
        status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
        if not view["online"]:
            break
        threading.Event().wait(0.01)
    check(app_call("POST", cmd, key, {"switch": [1, 2]})[1]["code"] == 10004, "an offline device: 10004")
    check(app_call("GET", "/devices/%s/status/latest" % dev.identifier, key)[1]["data"] == {"switch": [1]},
          "status/latest still answers from the twin while the device is offline")

    # A product whose config lost its command: the app gets 10005, not a 500.
    status, prod2 = admin(node, "POST", "/admin/v1/products",
                          {"name": "bare", "vendor_id": vendor_id,
                           "config": {"objects": [], "commands": [], "events": []}})
    status, app2 = admin(node, "POST", "/admin/v1/applications", {"name": "all", "domain": "*"})
    dev2 = Device(node, prod2["key"], "bare-1")
    c2 = DeviceClient(dev2)
    check(app_call("POST", "/devices/%s/commands" % dev2.identifier, app2["key"], {"switch": [1, 2]})[1]["code"]
          == 10005, "a command the product does not define: 10005")
    c2.stop()

    # A product deleted under its devices: 10002.
    status, _ = admin(node, "DELETE", "/admin/v1/products/%d" % prod2["id"])
    check(status == 204, "the product is deleted through the admin API")
    check(app_call("GET", "/devices/%s/status/latest" % dev2.identifier, app2["key"])[1]["code"] == 10002,
          "a device whose product is gone: 10002")
finally:
    node.cleanup()

finish()
