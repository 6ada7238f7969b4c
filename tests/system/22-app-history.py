"""Status and event history through the application API: time-ordered,
filtered by kind and time range, paginated with a cursor in both orders,
rendered through the product configuration."""

import json
import time

import mqtt_raw as m
from pando_test import Device, Node, admin, check, finish, http, make_product, status_payload

node = Node("history")


def event_payload(text):
    data = text.encode()
    return (bytes([0]) + bytes(8) + bytes(16) + bytes([0, 1, 0, 1, 0, 0, 0, 1])
            + bytes([0, 12]) + len(data).to_bytes(2, "big") + data)


def history(key, identifier, **params):
    query = "&".join("%s=%s" % kv for kv in params.items())
    status, text, _ = http("GET", node.url("/application/v1/devices/%s/history?%s" % (identifier, query)),
                           headers={"App-Key": key})
    return json.loads(text)


try:
    node.start()
    product = make_product(node)
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    key = app["key"]
    dev = Device(node, product["key"], "hist-1")
    c = m.Raw(node.mqtt_port)
    c.send(m.connect(dev.client_id, dev.token))
    assert c.read_packet() == (0x20, b"\x00\x00")
    t0 = int(time.time() * 1000)
    pid = 1
    for value in [1, 0, 1, 0, 1]:
        c.send(m.publish("s", status_payload(value), qos=1, pid=pid))
        assert c.read_packet() == (0x40, pid.to_bytes(2, "big"))
        pid += 1
    for text in ["hot", "cold"]:
        c.send(m.publish("e", event_payload(text), qos=1, pid=pid))
        assert c.read_packet() == (0x40, pid.to_bytes(2, "big"))
        pid += 1

    all_entries = history(key, dev.identifier)
    entries = all_entries["data"]["entries"]
    check(all_entries["code"] == 0 and len(entries) == 7, "7 entries recorded (5 status, 2 events)")
    check([e["kind"] for e in entries] == ["status"] * 5 + ["event"] * 2, "in the order they arrived")
    check([e["data"] for e in entries[:5]] == [{"switch": [v]} for v in [1, 0, 1, 0, 1]],
          "status entries render through the product config")
    check([e["data"] for e in entries[5:]] == [{"alarm": ["hot"]}, {"alarm": ["cold"]}],
          "event entries render through the product config")
    check(all(e["server_ts_ms"] >= t0 - 1000 for e in entries), "each entry has its server time")
    check(all_entries["data"]["next"] is None, "no next page when everything fits")

    page1 = history(key, dev.identifier, limit=3)["data"]
    page2 = history(key, dev.identifier, limit=3, cursor=page1["next"])["data"]
    page3 = history(key, dev.identifier, limit=3, cursor=page2["next"])["data"]
    got = page1["entries"] + page2["entries"] + page3["entries"]
    check([e["cursor"] for e in got] == [e["cursor"] for e in entries],
          "three pages of 3 return the 7 entries once each, in order")
    check(page3["next"] is None, "the last page has no next cursor")

    desc = history(key, dev.identifier, order="desc", limit=2)["data"]
    check([e["data"] for e in desc["entries"]] == [{"alarm": ["cold"]}, {"alarm": ["hot"]}],
          "order=desc returns the newest first")
    more = history(key, dev.identifier, order="desc", limit=2, cursor=desc["next"])["data"]
    check([e["data"] for e in more["entries"]] == [{"switch": [1]}, {"switch": [0]}],
          "and the cursor continues backwards")

    events = history(key, dev.identifier, kind="event")["data"]["entries"]
    check(len(events) == 2 and all(e["kind"] == "event" for e in events), "kind=event filters")
    future = history(key, dev.identifier, **{"from": int(time.time() * 1000) + 60000})["data"]["entries"]
    check(future == [], "a time range after the last entry is empty")
    early = history(key, dev.identifier, to=t0 - 60000)["data"]["entries"]
    check(early == [], "a time range before the first entry is empty")

    for params, what in [({"limit": 0}, "limit 0"), ({"limit": 1001}, "limit 1001"),
                         ({"from": "yesterday"}, "a non-numeric from"), ({"kind": "x"}, "an unknown kind"),
                         ({"order": "up"}, "an unknown order"), ({"cursor": "zz"}, "a malformed cursor")]:
        check(history(key, dev.identifier, **params)["code"] == 10005, "%s: 10005" % what)
finally:
    node.cleanup()

finish()
