"""Device info update and device deletion through the application API:
the twin's name and description change; a deleted device loses its
session, its records, history and commands, and registers afresh."""

import mqtt_raw as m
from pando_test import (Device, Node, admin, app_api, check, finish, make_product, mqtt_session,
                        register, status_payload)

node = Node("devmanage")


def app(method, path, key, body=None):
    return app_api(node, method, path, key, body)


try:
    node.start()
    product = make_product(node)
    status, application = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    key = application["key"]
    dev = Device(node, product["key"], "manage-1")
    path = "/devices/" + dev.identifier

    check(app("PUT", path + "/info", key, {"name": "kitchen lamp", "description": "by the window"})["code"] == 0,
          "PUT info: code 0")
    info = app("GET", path + "/info", key)["data"]
    check(info["name"] == "kitchen lamp" and info["description"] == "by the window",
          "the new name and description are shown")
    check(app("PUT", path + "/info", key, {"name": ""})["code"] == 10005, "an empty name: 10005")
    check(app("PUT", path + "/info", key, {"colour": "red"})["code"] == 10005, "an unknown field: 10005")
    check(app("PUT", path + "/info", key, {"name": 5})["code"] == 10005, "a numeric name: 10005")

    c = mqtt_session(node, dev)
    c.send(m.publish("s", status_payload(1), qos=1, pid=1))
    assert c.read_packet() == (0x40, b"\x00\x01")

    check(app("DELETE", path, key)["code"] == 0, "DELETE device: code 0")
    check(c.closed_within(), "the deleted device's MQTT session is closed")
    check(app("GET", path + "/info", key)["code"] == 10003, "the deleted device is unknown (10003)")
    status, _ = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    check(status == 404, "the admin API no longer shows it")
    c2 = m.Raw(node.mqtt_port)
    c2.send(m.connect(dev.client_id, dev.token))
    check(c2.read_packet() == (0x20, b"\x00\x02"), "its old token no longer connects (CONNACK 2)")

    again = register(node, product["key"], "manage-1")
    check(again["code"] == 0 and again["data"]["device_id"] == dev.id, "the identifier can register again")
    check(again["data"]["device_secret"] != dev.secret, "with a new secret")
    fresh = app("GET", path + "/history", key)["data"]["entries"]
    check(fresh == [], "the old history is gone")
    check(app("GET", path + "/status/latest", key)["data"] == {}, "the old status is gone")
finally:
    node.cleanup()

finish()
