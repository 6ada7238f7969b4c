"""Persistent MQTT sessions (clean session 0): a QoS 1 command that the
device received but did not acknowledge is delivered again, with DUP set and
the same packet id, when the device reconnects; with clean session 1 it is
not. The will message of a lost connection reaches the platform as an event."""

import json
import threading

import mqtt_raw as m
from pando_test import Device, Node, admin, check, finish, http, make_product

node = Node("persist")


def app_command(key, identifier, result):
    status, text, _ = http("POST", node.url("/application/v1/devices/%s/commands?timeout=2" % identifier),
                           {"switch": [1, 2]}, {"App-Key": key})
    result.append(json.loads(text))


def connect(dev, clean, will=None):
    c = m.Raw(node.mqtt_port)
    c.send(m.connect(dev.client_id, dev.token, clean=clean, will=will))
    return c, c.read_packet()


try:
    node.start()
    product = make_product(node)
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    dev = Device(node, product["key"], "persist-1")

    c, ack = connect(dev, clean=False)
    check(ack == (0x20, b"\x00\x00"), "first connect with clean session 0: CONNACK, session present 0")
    result = []
    t = threading.Thread(target=app_command, args=(app["key"], dev.identifier, result))
    t.start()
    first = c.read_packet()
    check(first is not None and first[0] == 0x32, "the command arrives as a QoS 1 PUBLISH (0x32)")
    pid = first[1][3:5] if first else b""
    c.close()  # lost before PUBACK
    t.join()
    check(result and result[0]["code"] in (10001, 10004),
          "the application learns the command was not acknowledged (%s)" % result)

    c, ack = connect(dev, clean=False)
    check(ack == (0x20, b"\x01\x00"), "reconnect with clean session 0: CONNACK with session present 1")
    again = c.read_packet()
    check(again is not None and again[0] == 0x3A, "the command is delivered again with DUP set (0x3a)")
    check(again is not None and again[1][3:5] == pid, "... with the same packet id")
    check(again is not None and first is not None and again[1] == first[1], "... and the same bytes")
    c.send(m.puback(int.from_bytes(pid, "big")))
    c.send(m.DISCONNECT)
    check(c.closed_within(), "DISCONNECT after the PUBACK")

    c, ack = connect(dev, clean=False)
    check(ack == (0x20, b"\x01\x00"), "the acknowledged message is not delivered a third time: session present")
    check(c.read_packet(timeout=0.5) is None, "... and nothing is pending")
    c.close()

    c, ack = connect(dev, clean=True)
    check(ack == (0x20, b"\x00\x00"), "clean session 1: session present 0")
    c.close()

    # The same with python3-paho-mqtt: a command reaches a paho client whose
    # network loop is stopped (so it sends no PUBACK), the socket dies, and a
    # new paho client with clean session 0 receives it again with DUP set.
    import paho.mqtt.client as mqtt
    import queue
    p1 = mqtt.Client(client_id=dev.client_id, clean_session=False, protocol=mqtt.MQTTv311)
    p1.username_pw_set(dev.client_id, dev.token)
    p1.connect("127.0.0.1", node.mqtt_port, keepalive=30)
    rc = p1.loop(timeout=2.0)
    check(rc == 0 and p1.is_connected(), "paho connects with clean session 0")
    result = []
    t = threading.Thread(target=app_command, args=(app["key"], dev.identifier, result))
    t.start()
    t.join()  # times out: paho is not reading, so no PUBACK
    p1.socket().close()
    got = queue.Queue()
    p2 = mqtt.Client(client_id=dev.client_id, clean_session=False, protocol=mqtt.MQTTv311)
    p2.username_pw_set(dev.client_id, dev.token)
    p2.on_message = lambda c, u, msg: got.put((msg.topic, bytes(msg.payload), msg.dup))
    p2.connect("127.0.0.1", node.mqtt_port, keepalive=30)
    p2.loop_start()
    try:
        topic, payload, dup = got.get(timeout=10)
        check(topic == "c" and dup == 1 and payload[25:] == bytes.fromhex("0001000100000002000701000702"),
              "paho receives the unacknowledged command again on reconnect, with DUP set")
    except queue.Empty:
        check(False, "paho receives the unacknowledged command again on reconnect, with DUP set")
    p2.disconnect()
    p2.loop_stop()

    # Will: an ungraceful loss publishes it as an event of the device.
    status, before = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    c, ack = connect(dev, clean=True, will=("e", b"gone", 1))
    check(ack == (0x20, b"\x00\x00"), "connect with a will")
    c.close()
    events = before["events"]
    for _ in range(200):
        status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
        if view["events"] > events:
            break
        threading.Event().wait(0.01)
    check(view["events"] == events + 1, "the will of the lost connection is recorded as an event")

    c, ack = connect(dev, clean=True, will=("e", b"gone", 1))
    c.send(m.DISCONNECT)
    c.closed_within()
    c, ack = connect(dev, clean=True)
    c.close()
    status, view2 = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    check(view2["events"] == view["events"], "after DISCONNECT the will is not published")
finally:
    node.cleanup()

finish()
