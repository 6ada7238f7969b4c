"""Rules through the application API (spec 8, with S2 and U4 fixed): an ifttt
rule in pando-cloud's exact body format fires when its owner sends the
event and the target device receives the compiled command with its own
token; status actions; once and enabled; list, get, delete; every invalid
body refused with 10005 and a message naming the field; a target outside
the application's domain refused with 10008 (pando-cloud accepted it, S2);
an unknown target 10003; rules survive a restart and keep firing."""

import json
import time

from pando_test import (Device, Node, PahoDevice, admin, alarm_payload, check, finish, http,
                        make_product, metric)

node = Node("rules")


class Client(PahoDevice):
    def alarm(self, text=b"hot"):
        """Publishes event 1 ("alarm") at QoS 1; waits for the PUBACK."""
        self.publish("e", alarm_payload(text))


def call(method, path, key, body=None):
    headers = {"App-Key": key} if key else {}
    status, text, _ = http(method, node.url("/application/v1" + path), body, headers)
    check(status == 200, "%s %s answers HTTP 200 (%d)" % (method, path, status))
    return json.loads(text)


def rule(key, identifier, body):
    return call("POST", "/devices/%s/rules" % identifier, key, body)


def wait_fired(key, identifier, rule_id, count, timeout=10):
    """Reads the rule until it recorded `count` firings; returns it."""
    deadline = time.time() + timeout
    while True:
        got = call("GET", "/devices/%s/rules/%d" % (identifier, rule_id), key)["data"]
        if got["fired"] >= count or time.time() > deadline:
            return got
        time.sleep(0.05)


def timers(expected, timeout=10):
    """Reads pando_rule_timers until it shows `expected`; returns it."""
    deadline = time.time() + timeout
    while True:
        got = metric(node, "pando_rule_timers")
        if got == expected or time.time() > deadline:
            return got
        time.sleep(0.05)


try:
    node.start()
    product = make_product(node)
    other = make_product(node, name="other")
    _, app = admin(node, "POST", "/admin/v1/applications", {"name": "all", "domain": "*"})
    _, narrow = admin(node, "POST", "/admin/v1/applications",
                      {"name": "narrow", "domain": "product/%d" % product["id"]})
    key, narrow_key = app["key"], narrow["key"]
    src = Device(node, product["key"], "src-1")
    dst = Device(node, product["key"], "dst-1")
    foreign = Device(node, other["key"], "foreign-1")
    target = "device/%s/command" % dst.identifier

    # -- pando-cloud's exact body: action is a string holding JSON --------------
    created = rule(key, src.identifier, {"type": "ifttt", "trigger": "alarm", "target": target,
                                         "action": "{\"switch\":[1,0]}"})
    check(created["code"] == 0 and created["message"] == "", "POST rules: code 0 (%s)" % created)
    r1 = created["data"]
    check(r1["id"] == 1 and r1["enabled"] is True and r1["fired"] == 0,
          "the new rule is shown with id 1, enabled, never fired")

    s, d = Client(src), Client(dst)
    s.alarm()
    got = d.next()
    check(got is not None and got[0] == "c", "the alarm makes the target receive a command on c")
    if got:
        body = got[1]
        check(body[9:25] == bytes.fromhex(dst.token), "stamped with the target's own token")
        check(body[25:] == bytes.fromhex("00010001000000020007010007" + "00"),
              "exactly the switch [1,0] command of the product config")
    fired = wait_fired(key, src.identifier, 1, 1)
    check(fired["fired"] == 1 and fired["last_result"] == "ok", "the firing is recorded as ok (%s)" % fired)
    check(metric(node, "pando_rule_firings_total", {"type": "ifttt", "result": "ok"}) == 1,
          "pando_rule_firings_total counts it")

    # -- status action with an object, once ---------------------------------
    r2 = rule(key, src.identifier, {"type": "ifttt", "trigger": "alarm", "once": True,
                                    "target": "device/%s/status" % dst.identifier,
                                    "action": {"switch": [1]}})
    check(r2["code"] == 0 and r2["data"]["once"] is True, "a once rule with an object action")
    call("PUT", "/devices/%s/rules/1" % src.identifier, key, {"enabled": False})
    s.alarm()
    got = d.next()
    check(got is not None and got[0] == "s" and got[1][25:] == bytes.fromhex("000100010001000701"),
          "the status action arrives as a Data packet on s")
    check(d.next(timeout=0.5) is None, "the disabled rule 1 sent nothing")
    r2_after = wait_fired(key, src.identifier, 2, 1)
    check(r2_after["enabled"] is False, "the once rule disabled itself after firing")
    s.alarm()
    check(d.next(timeout=0.5) is None, "a second alarm fires neither rule")

    # -- listing, get, delete -----------------------------------------------
    listed = call("GET", "/devices/%s/rules" % src.identifier, key)["data"]
    check([x["id"] for x in listed] == [1, 2], "GET rules lists both")
    check(call("DELETE", "/devices/%s/rules/2" % src.identifier, key)["code"] == 0, "DELETE rule 2")
    listed = call("GET", "/devices/%s/rules" % src.identifier, key)["data"]
    check([x["id"] for x in listed] == [1], "rule 2 is gone")
    missing = call("GET", "/devices/%s/rules/2" % src.identifier, key)
    check(missing["code"] == 10005 and "not found" in missing["message"], "a deleted rule: 10005")
    check(call("DELETE", "/devices/%s/rules/9" % src.identifier, key)["code"] == 10005,
          "deleting an unknown rule: 10005")
    check(call("PUT", "/devices/%s/rules/1" % src.identifier, key, {"enabled": "no"})["code"] == 10005,
          "PUT with a non-bool enabled: 10005")

    # -- invalid bodies -------------------------------------------------------
    base = {"type": "ifttt", "trigger": "alarm", "target": target, "action": "{\"switch\":[1,0]}"}
    cases = [
        ({"type": "sometimes"}, "type"),
        ({"type": "timer", "trigger": "61 * * * *"}, "trigger"),
        ({"type": "timer", "trigger": "* * * *"}, "trigger"),
        ({"trigger": "flood"}, "trigger"),
        ({"target": "device/%s/reboot" % dst.identifier}, "target"),
        ({"target": "devices"}, "target"),
        ({"action": "{not json"}, "action"),
        ({"action": "{\"switch\":[1]}"}, "action"),
        ({"action": "{\"switch\":[\"on\",0]}"}, "action"),
        ({"action": "{\"dim\":[1]}"}, "action"),
        ({"once": "yes"}, "once"),
        ({"priority": 3}, "priority"),
    ]
    for change, field in cases:
        b = dict(base)
        b.update(change)
        got = rule(key, src.identifier, b)
        check(got["code"] == 10005 and got["message"].startswith(field),
              "%s: 10005 naming %s (%s)" % (change, field, got["message"]))
    status, text, _ = http("POST", node.url("/application/v1/devices/%s/rules" % src.identifier),
                           b"{broken", {"App-Key": key})
    check(json.loads(text)["code"] == 10005, "a body that is not JSON: 10005")

    # -- authorisation (S2) and unknown targets ------------------------------
    outside = dict(base, target="device/%s/command" % foreign.identifier)
    got = rule(narrow_key, src.identifier, outside)
    check(got["code"] == 10008, "a target outside the application's domain: 10008 (S2) (%s)" % got)
    got = rule(key, src.identifier, outside)
    check(got["code"] == 0 and got["data"]["id"] == 3,
          "the same target is fine for an application whose domain covers it")
    got = rule(narrow_key, foreign.identifier, base)
    check(got["code"] == 10008, "a rule on a device outside the domain: 10008")
    got = rule(key, src.identifier, dict(base, target="device/%s/command" % (src.identifier + "x")))
    check(got["code"] == 10003, "an unknown target device: 10003 (%s)" % got)
    check(rule(None, src.identifier, base)["code"] == 10003, "no App-Key: 10003 as pando-cloud")
    check(rule("00" * 32, src.identifier, base)["code"] == 10008, "a wrong App-Key: 10008")

    # -- a timer rule is stored and scheduled; everything survives a restart --
    t = rule(key, src.identifier, {"type": "timer", "trigger": "0 3 * * *", "target": target,
                                   "action": "{\"switch\":[0,0]}"})
    check(t["code"] == 0, "a timer rule (daily 03:00)")
    check(timers(1) == 1, "pando_rule_timers shows it scheduled")
    s.stop()
    d.stop()
    node.stop()
    node.start()
    check(timers(1) == 1, "after a restart the timer rule is scheduled again")
    listed = call("GET", "/devices/%s/rules" % src.identifier, key)["data"]
    check(sorted(x["id"] for x in listed) == [1, 3, 4], "rules 1, 3 and 4 survived the restart (%s)" %
          [x["id"] for x in listed])
    call("PUT", "/devices/%s/rules/1" % src.identifier, key, {"enabled": True})
    s, d = Client(src), Client(dst)
    s.alarm()
    got = d.next()
    check(got is not None and got[0] == "c", "after the restart the re-enabled rule fires again")
    # Deleting the owner removes its rules and unschedules its timers.
    check(call("DELETE", "/devices/%s" % src.identifier, key)["code"] == 0, "DELETE the owner")
    check(timers(0) == 0, "its timer rule is no longer scheduled")
    s.stop()
    d.stop()
finally:
    node.cleanup()
finish()
