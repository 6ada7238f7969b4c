"""Webhooks (spec 6.3 with U1, U6, S6 and B10 fixed): a real HTTP server as
the application server receives status reports and events of the devices in
its application's domain, in pando-cloud's body with the device's timestamp
(or the receive time), the App-Token header and an HMAC signature; an
application outside the domain receives nothing; a failing server gets the
delivery again (same X-Pando-Delivery); a hanging server never delays the
devices' PUBACKs; reports survive a node restart in the outbox."""

import hashlib
import hmac
import json
import time

from pando_test import (Device, Hook, Node, PahoDevice, admin, alarm_payload, check, finish, make_product,
                        metric, status_payload)


def signature_ok(headers, body, token):
    ts = headers.get("X-Pando-Timestamp", "")
    want = "sha256=" + hmac.new(token.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("X-Pando-Signature", ""), want)


hook = Hook()
node = Node("hooks", extra_sets={"webhooks.max_attempts": "20"})
try:
    node.start()
    product = make_product(node)
    other = make_product(node, name="other")
    _, app = admin(node, "POST", "/admin/v1/applications",
                   {"name": "hooked", "domain": "product/%d" % product["id"],
                    "report_url": "http://127.0.0.1:%d/hook?app=1" % hook.port, "token": "tok-a"})
    _, _ = admin(node, "POST", "/admin/v1/applications",
                 {"name": "elsewhere", "domain": "product/%d" % other["id"],
                  "report_url": "http://127.0.0.1:%d/other" % hook.port, "token": "tok-b"})
    dev = Device(node, product["key"], "hook-1")
    foreign = Device(node, other["key"], "hook-2")
    # The registry tells the notifier about new applications; wait until it
    # has read both (reports go to the outbox only while it knows of one).
    deadline = time.time() + 10
    while metric(node, "pando_webhook_applications") != 2 and time.time() < deadline:
        time.sleep(0.02)
    check(metric(node, "pando_webhook_applications") == 2, "the notifier knows both applications")
    c = PahoDevice(dev)

    # -- a status report ------------------------------------------------------
    check(c.publish("s", status_payload(1)), "status report (a) acknowledged")
    got = hook.next()
    check(got is not None, "the application server received a webhook")
    if got:
        path, headers, body, _ = got
        check(path == "/hook?app=1", "POSTed to the report_url with its query (%s)" % path)
        check(body.startswith(b'{"tag":"status","identifier":'),
              "fields in pando-cloud's order (%s)" % body[:40])
        doc = json.loads(body)
        check(doc == {"tag": "status", "identifier": dev.identifier, "timestamp": 1462000000000,
                      "data": {"switch": [1]}},
              "the body: tag, identifier, the device's timestamp, data by label (%s)" % doc)
        check(headers.get("App-Token") == "tok-a", "App-Token header as pando-cloud")
        check(headers.get("Content-Type") == "application/json", "Content-Type application/json")
        check(signature_ok(headers, body, "tok-a"), "X-Pando-Signature is the HMAC-SHA256 of timestamp.body")
        check(headers.get("X-Pando-Delivery"), "X-Pando-Delivery names the delivery")

    # -- an event with timestamp 0 gets the receive time (B10) ----------------
    before = int(time.time() * 1000)
    check(c.publish("e", alarm_payload(b"hot")), "event acknowledged")
    after = int(time.time() * 1000)
    got = hook.next()
    check(got is not None, "the event reached the application server")
    if got:
        doc = json.loads(got[2])
        check(doc["tag"] == "event" and doc["data"] == {"alarm": ["hot"]}, "event body (%s)" % doc)
        check(before - 1000 <= doc["timestamp"] <= after + 1000,
              "timestamp 0 from the device becomes the receive time in ms (%d)" % doc["timestamp"])

    # -- the other application's domain does not cover dev; foreign's does ----
    f = PahoDevice(foreign)
    check(f.publish("s", status_payload(0)), "the foreign device reports")
    got = hook.next()
    check(got is not None and got[0] == "/other" and got[1].get("App-Token") == "tok-b",
          "only the application covering the foreign device gets its report")
    check(hook.next(timeout=0.5) is None, "and nobody else")
    f.stop()

    # -- retries: 500 then 200, same delivery id -------------------------------
    hook.fail = 1
    check(c.publish("s", status_payload(0)), "a report while the server fails")
    first, second = hook.next(), hook.next()
    check(first is not None and first[3], "the first attempt got 500")
    check(second is not None and not second[3], "a retry followed and succeeded")
    if first and second:
        check(first[1]["X-Pando-Delivery"] == second[1]["X-Pando-Delivery"],
              "the retry carries the same X-Pando-Delivery")
        check(json.loads(second[2])["data"] == {"switch": [0]}, "with the same body")

    # -- a hanging server never delays the device -----------------------------
    hook.hold.clear()
    t0 = time.time()
    acked = all(c.publish("s", status_payload(i % 2)) for i in range(20))
    check(acked, "20 reports acknowledged while the application server hangs")
    hook.hold.set()
    arrived = 0
    while arrived < 20 and hook.next() is not None:
        arrived += 1
    check(arrived == 20, "all 20 webhooks arrived once the server answered (%d)" % arrived)

    # The server records a request before it answers, so the node counts the
    # last deliveries a moment after they arrived here: wait for the count.
    deadline = time.time() + 10
    while (metric(node, "pando_webhook_deliveries_total", {"result": "ok"}) or 0) < 24 \
            and time.time() < deadline:
        time.sleep(0.02)
    check(metric(node, "pando_webhook_deliveries_total", {"result": "ok"}) == 24,
          "pando_webhook_deliveries_total counts the 24 deliveries")

    # -- the outbox survives a restart ----------------------------------------
    port = hook.port
    hook.stop()
    check(c.publish("e", alarm_payload(b"late")), "an event while the application server is down")
    c.stop()
    node.stop()
    hook = Hook(port)
    node.start()
    got = hook.next(timeout=20)
    check(got is not None and json.loads(got[2])["data"] == {"alarm": ["late"]},
          "after the restart the event stored in the outbox is delivered")
finally:
    node.cleanup()
    hook.stop()
finish()
