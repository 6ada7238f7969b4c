"""Commands for offline devices: POST .../commands?ttl=N queues them (state
queued), a reconnecting device receives them (sent, then acked on its
PUBACK), stale ones expire instead of being delivered, and the queue
survives a node restart. GET .../commands lists them with their state."""

import json
import time

import mqtt_raw as m
from pando_test import Device, Node, admin, check, finish, http, make_product, mqtt_session

node = Node("cmdq")


def command(key, identifier, ttl=None, value=1):
    q = "?ttl=%d" % ttl if ttl is not None else ""
    status, text, _ = http("POST", node.url("/application/v1/devices/%s/commands%s" % (identifier, q)),
                           {"switch": [value, 2]}, {"App-Key": key})
    return json.loads(text)


def commands(key, identifier):
    status, text, _ = http("GET", node.url("/application/v1/devices/%s/commands" % identifier),
                           headers={"App-Key": key})
    body = json.loads(text)
    assert "data" in body, body
    return body["data"]


try:
    node.start()
    product = make_product(node)
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    key = app["key"]
    dev = Device(node, product["key"], "cmdq-1")

    check(command(key, dev.identifier)["code"] == 10004, "offline without ttl: 10004, nothing queued")
    queued = command(key, dev.identifier, ttl=600, value=7)
    check(queued["code"] == 0 and queued["data"]["state"] == "queued",
          "offline with ttl=600: code 0, state queued (%s)" % queued)
    short = command(key, dev.identifier, ttl=1, value=8)
    check(short["data"]["state"] == "queued", "a second command with ttl=1 is queued")
    listed = commands(key, dev.identifier)
    check([c["state"] for c in listed] == ["queued", "queued"], "GET commands lists both as queued")
    check(listed[1]["command"] == {"switch": [7, 2]}, "the list renders commands through the product config")

    # Let the short command's TTL pass, then restart the node: the queue is durable.
    time.sleep(1.2)
    node.stop()
    node.start()

    c = mqtt_session(node, dev)
    got = c.read_packet()
    check(got is not None and got[0] == 0x32, "on reconnect the queued command is delivered (QoS 1)")
    if got:
        body = got[1]
        pid = body[3:5]
        check(body[5 + 9:5 + 25] == bytes.fromhex(dev.token), "with the device's current token")
        check(body[5 + 25:] == bytes.fromhex("0001000100000002000707000702"), "the queued command's bytes")
        check(c.read_packet(timeout=0.5) is None, "the expired command is not delivered")
        c.send(m.puback(int.from_bytes(pid, "big")))
    for _ in range(200):
        states = {x["command_id"]: x["state"] for x in commands(key, dev.identifier)}
        if states.get(queued["data"]["command_id"]) == "acked":
            break
        time.sleep(0.01)
    check(states.get(queued["data"]["command_id"]) == "acked", "after the PUBACK the command is acked")
    check(states.get(short["data"]["command_id"]) == "expired", "the stale command is expired")

    online = command(key, dev.identifier, ttl=60, value=9)
    check(online["code"] == 10001 or online["data"]["state"] in ("sent", "acked"),
          "an online command is sent straight away")
    c.close()
finally:
    node.cleanup()

finish()
