"""Desired status: PUT .../status?desired=true records the desired state with
a version; the device gets the delta (what differs from its reported
status) at once if online, else when it reconnects; the delta empties when
the device reports the desired values; everything survives a restart."""

import threading

import mqtt_raw as m
from pando_test import (Device, Node, admin, app_api, check, finish, make_product, mqtt_session,
                        status_payload)

node = Node("desired")


def app(method, path, key, body=None):
    return app_api(node, method, path, key, body)


try:
    node.start()
    product = make_product(node)
    status, application = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    key = application["key"]
    dev = Device(node, product["key"], "desired-1")
    path = "/devices/%s/status" % dev.identifier

    check(app("PUT", path, key, {"switch": [1]})["code"] == 10004,
          "a plain PUT status to an offline device: 10004 (as before)")
    r = app("PUT", path + "?desired=true", key, {"switch": [1]})
    check(r["code"] == 0 and r["data"]["version"] == 1 and r["data"]["delivered"] is False,
          "PUT status?desired=true offline: recorded as version 1, not delivered yet (%s)" % r)
    check(r["data"]["delta"] == {"switch": [1]}, "the delta is the whole desired state")
    check(app("PUT", path + "?desired=maybe", key, {"switch": [1]})["code"] == 10005, "desired=maybe: 10005")

    c = mqtt_session(node, dev)
    got = c.read_packet()
    check(got is not None and got[0] == 0x32 and got[1][:3] == b"\x00\x01s",
          "on connect the device receives the delta as Data on s")
    if got:
        payload = got[1][5:]
        check(payload[9:25] == bytes.fromhex(dev.token), "stamped with its token")
        check(payload[25:] == bytes.fromhex("0001" "0001" "0001" "000701"), "object 1/1 = uint8 1")
        c.send(m.puback(int.from_bytes(got[1][3:5], "big")))
    view = app("GET", path + "/desired", key)["data"]
    check(view["version"] == 1 and view["delta"] == {"switch": [1]},
          "until the device reports it, the delta stays")
    c.send(m.publish("s", status_payload(1), qos=1, pid=9))
    assert c.read_packet() == (0x40, b"\x00\x09")
    view = app("GET", path + "/desired", key)["data"]
    check(view["delta"] == {} and view["desired"] == {"switch": [1]},
          "after the device reports uint8 1 the delta is empty")

    result = []
    t = threading.Thread(target=lambda: result.append(app("PUT", path + "?desired=true", key, {"switch": [0]})))
    t.start()
    got = c.read_packet()
    check(got is not None and got[1][5 + 25:] == bytes.fromhex("0001" "0001" "0001" "000700"),
          "an online device gets the new delta at once")
    if got:
        c.send(m.puback(int.from_bytes(got[1][3:5], "big")))
    t.join()
    check(result and result[0]["data"]["version"] == 2 and result[0]["data"]["delivered"] is True,
          "the PUT answers after the device acknowledged: version 2, delivered (%s)" % result)
    c.close()

    node.stop()
    node.start()
    view = app("GET", path + "/desired", key)["data"]
    check(view["version"] == 2 and view["desired"] == {"switch": [0]} and view["delta"] == {"switch": [0]},
          "after a restart: version 2, desired switch 0, delta switch 0")
finally:
    node.cleanup()

finish()
