"""pando's device API (spec 3): every code, every field checked, and the
defects of the original fixed: re-registration never reveals the secret
(S4), secrets are stored hashed (S5), a new login ends the older session
(S10), and device id 0 or a missing id matches nothing."""

import os
import subprocess

import mqtt_raw as m
from pando_test import (Device, Node, check, finish, http, login, make_product, register,
                        status_payload)

node = Node("devapi")
try:
    node.start()
    product = make_product(node)
    key = product["key"]

    # -- registration ---------------------------------------------------------
    reg = register(node, key, "aabbccddeeff")
    data = reg["data"]
    check(reg["code"] == 0 and reg["message"] == "", "registration: code 0, empty message")
    check(set(data) == {"device_id", "device_secret", "device_key", "device_identifier"},
          "registration answers id, secret, key and identifier")
    check(len(data["device_secret"]) == 32, "the secret is 32 characters (24 random bytes, base64)")
    check(len(data["device_key"]) == 64, "the device key is 64 hex characters (pando's key format)")
    check(0 < data["device_id"] < 2**63, "the device id is a positive 63-bit integer")

    for body, what in [({"product_key": "00" * 32, "device_code": "x1"}, "an unknown product key"),
                       ({"product_key": key[:-1], "device_code": "x1"}, "a product key of 63 characters"),
                       ({"device_code": "x1"}, "a missing product key"),
                       ({"product_key": key}, "a missing device code"),
                       ({"product_key": key, "device_code": 12}, "a numeric device code"),
                       ({"product_key": key, "device_code": "a b"}, "a device code with a space"),
                       ({"product_key": key, "device_code": "x" * 129}, "a 129-character device code"),
                       ({"product_key": key, "device_code": "x1", "version": 1}, "a numeric version")]:
        status, text, _ = http("POST", node.url("/v1/devices/registration"), body)
        check(status == 200 and '"code":10001' in text, "registration with %s: code 10001" % what)
    status, text, _ = http("POST", node.url("/v1/devices/registration"), b"{not json")
    check(status == 200 and '"code":10001' in text, "registration with malformed JSON: code 10001")

    # S4: re-registration without the current secret rotates it; the old
    # secret stops working and is never shown again.
    again = register(node, key, "aabbccddeeff")
    check(again["code"] == 0 and again["data"]["device_id"] == data["device_id"],
          "re-registration keeps the device id")
    check(again["data"]["device_secret"] != data["device_secret"],
          "S4: re-registration does not reveal the existing secret")
    check(login(node, data["device_id"], data["device_secret"])["code"] == 10003,
          "S4: the rotated-out secret no longer logs in")
    secret = again["data"]["device_secret"]
    kept = register(node, key, "aabbccddeeff", device_secret=secret)
    check(kept["data"]["device_secret"] == secret,
          "re-registration that presents the current secret keeps it")

    # -- login ------------------------------------------------------------------
    lg = login(node, data["device_id"], secret)
    check(lg["code"] == 0 and len(lg["data"]["access_token"]) == 32,
          "login: code 0 and a 32-hex-character token")
    check(lg["data"]["access_addr"] == "127.0.0.1:%d" % node.mqtt_port,
          "login: access_addr is mqtt.advertise")
    check(login(node, data["device_id"], secret, protocol="mqtt")["code"] == 0, "protocol mqtt is accepted")
    check(login(node, data["device_id"], secret, protocol="http")["data"]["access_addr"]
          == "127.0.0.1:%d" % node.http_port, "protocol http answers the HTTP address")
    check(login(node, data["device_id"], secret, protocol="coap")["code"] == 10004,
          "an unknown protocol: code 10004")
    check(login(node, data["device_id"], "wrong-secret")["code"] == 10003, "a wrong secret: code 10003")
    check(login(node, 12345, secret)["code"] == 10002, "an unknown device id: code 10002")
    check(login(node, 0, secret)["code"] == 10002, "device id 0 matches nothing: code 10002")
    status, text, _ = http("POST", node.url("/v1/devices/authentication"), {"device_secret": secret})
    check('"code":10002' in text, "a missing device id: code 10002")
    status, text, _ = http("POST", node.url("/v1/devices/authentication"),
                           {"device_id": "1", "device_secret": secret})
    check('"code":10002' in text, "a device id given as a string: code 10002")

    # S10: a new login ends the device's older session and token.
    lg1 = login(node, data["device_id"], secret)
    c = m.Raw(node.mqtt_port)
    c.send(m.connect("%x" % data["device_id"], lg1["data"]["access_token"]))
    check(c.read_packet() == (0x20, b"\x00\x00"), "MQTT session with the first token")
    lg2 = login(node, data["device_id"], secret)
    check(c.closed_within(), "S10: a new login closes the older session")
    c2 = m.Raw(node.mqtt_port)
    c2.send(m.connect("%x" % data["device_id"], lg1["data"]["access_token"]))
    check(c2.read_packet() == (0x20, b"\x00\x04"), "S10: the older token is refused (CONNACK 4)")
    c3 = m.Raw(node.mqtt_port)
    c3.send(m.connect("%x" % data["device_id"], lg2["data"]["access_token"]))
    check(c3.read_packet() == (0x20, b"\x00\x00"), "the newest token connects")

    # Takeover: a second connection of the same device ends the first.
    c4 = m.Raw(node.mqtt_port)
    c4.send(m.connect("%x" % data["device_id"], lg2["data"]["access_token"]))
    check(c4.read_packet() == (0x20, b"\x00\x00"), "a second connection of the device is accepted")
    check(c3.closed_within(), "... and the older connection is closed")
    c4.send(m.publish("s", status_payload(1), qos=1, pid=1))
    check(c4.read_packet() == (0x40, b"\x00\x01"), "the new connection works")

    # S5: the secret is not stored in plain text anywhere in the store.
    node.stop()
    found = subprocess.run(["grep", "-r", "-F", "-l", secret, node.data_dir],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    check(found == "", "S5: the secret appears nowhere in the data directory")
    node.start()
    check(login(node, data["device_id"], secret)["code"] == 0,
          "after a restart the hashed secret still logs in")
finally:
    node.cleanup()

finish()
