"""Malformed and hostile MQTT input against a running pando-node: each case
ends in a clean disconnect (or the CONNACK code MQTT 3.1.1 requires), the
node keeps serving, nothing is recorded, and a metric counts it."""

import time

import mqtt_raw as m
from pando_test import Device, Node, admin, check, finish, http, make_product, metric, status_payload

node = Node("hostile", extra_sets={"mqtt.max_packet_size": "1024",
                                   "mqtt.connect_timeout_ms": "500",
                                   "mqtt.max_outbound_bytes": "1024"})


def closed_reason(reason):
    return metric(node, "pando_mqtt_closed_total", {"reason": reason}) or 0


def reports(dev):
    return admin(node, "GET", "/admin/v1/devices/" + dev.identifier)[1]["reports"]


def connected(dev, clean=True):
    c = m.Raw(node.mqtt_port)
    c.send(m.connect(dev.client_id, dev.token, username=dev.client_id, clean=clean))
    ack = c.read_packet()
    assert ack == (0x20, b"\x00\x00"), (ack, node.lines[-5:], http("GET", node.url("/metrics"))[1])
    return c


try:
    node.start()
    product = make_product(node)
    dev = Device(node, product["key"], "hostile-1")

    c = m.Raw(node.mqtt_port)
    c.send(m.publish("s", status_payload(1), qos=1))
    check(c.closed_within(), "PUBLISH before CONNECT: disconnected")
    check(reports(dev) == 0, "PUBLISH before CONNECT: nothing recorded")
    check(closed_reason("protocol_error") >= 1, "PUBLISH before CONNECT: counted as protocol_error")

    c = m.Raw(node.mqtt_port)
    c.send(b"\x10\x80\x80\x80\x80\x01")
    check(c.closed_within(), "a 5-byte remaining length: disconnected")
    check(closed_reason("malformed_packet") >= 1, "bad remaining length: counted as malformed_packet")

    c = m.Raw(node.mqtt_port)
    c.send(m.connect(b"\xc0\xaf", "x"))
    check(c.closed_within(), "CONNECT with an overlong UTF-8 client id: disconnected")

    c = m.Raw(node.mqtt_port)
    c.send(m.connect(dev.client_id, dev.token, level=5))
    check(c.read_packet() == (0x20, b"\x00\x01"), "protocol level 5: CONNACK 1 (unacceptable protocol version)")
    check(c.closed_within(), "protocol level 5: then disconnected")

    c = m.Raw(node.mqtt_port)
    c.send(m.connect(dev.client_id, "00" * 16, username=dev.client_id))
    check(c.read_packet() == (0x20, b"\x00\x04"), "wrong token: CONNACK 4 (bad user name or password)")
    check(c.closed_within(), "wrong token: then disconnected")
    check((metric(node, "pando_mqtt_auth_failures_total", {"reason": "bad_token"}) or 0) >= 1,
          "wrong token: counted as an auth failure")

    c = m.Raw(node.mqtt_port)
    c.send(m.connect("not-hex!", dev.token))
    check(c.read_packet() == (0x20, b"\x00\x02"), "a client id that is no device id: CONNACK 2")

    c = m.Raw(node.mqtt_port)
    c.send(m.connect("abcdef0123", dev.token))
    check(c.read_packet() == (0x20, b"\x00\x02"), "an unregistered device id: CONNACK 2")

    c = connected(dev)
    c.send(m.connect(dev.client_id, dev.token))
    check(c.closed_within(), "a second CONNECT on a connection: disconnected")

    c = connected(dev)
    c.send(b"\x80\x06\x00\x01\x00\x01c\x01")
    check(c.closed_within(), "SUBSCRIBE with reserved flags 0000: disconnected")

    c = connected(dev)
    c.send(b"\x32" + m.varint(100000))
    check(c.closed_within(), "a packet over mqtt.max_packet_size: disconnected on its length alone")
    check(closed_reason("packet_too_large") >= 1, "oversized packet: counted as packet_too_large")

    c = m.Raw(node.mqtt_port)
    t0 = time.monotonic()
    check(c.closed_within(3), "a connection that never sends CONNECT: closed")
    check(time.monotonic() - t0 >= 0.4, "... after mqtt.connect_timeout_ms (0.5 s), not at once")
    check(closed_reason("connect_timeout") >= 1, "half-open connection: counted as connect_timeout")

    c = connected(dev)
    c.send(m.publish("s", status_payload(1)[:-1], qos=1, pid=7))
    check(c.closed_within(), "a truncated status payload: disconnected without PUBACK")
    check(reports(dev) == 0, "the truncated payload was not recorded")
    check((metric(node, "pando_mqtt_refused_publishes_total", {"reason": "bad_topic_or_payload"}) or 0) >= 1,
          "refused publish counted")

    c = connected(dev)
    c.send(m.publish("nope", b"x", qos=1, pid=8))
    check(c.closed_within(), "a publish on a topic that is not a device topic: disconnected")

    c = connected(dev)
    c.send(m.subscribe(3, ("c", 1), ("s", 2), ("other/#", 1)))
    check(c.read_packet() == (0x90, b"\x00\x03\x01\x01\x80"),
          "SUBSCRIBE: c and s granted at QoS 1, other filters refused with 0x80")
    c.send(m.PINGREQ)
    check(c.read_packet() == (0xD0, b""), "PINGREQ: PINGRESP")
    c.send(m.publish("s", status_payload(1), qos=2, pid=9))
    check(c.read_packet() == (0x50, b"\x00\x09"), "QoS 2 publish: PUBREC")
    c.send(m.publish("s", status_payload(1), qos=2, pid=9, dup=True))
    check(c.read_packet() == (0x50, b"\x00\x09"), "QoS 2 duplicate before PUBREL: PUBREC again")
    c.send(m.pubrel(9))
    check(c.read_packet() == (0x70, b"\x00\x09"), "PUBREL: PUBCOMP")
    check(reports(dev) == 1, "the QoS 2 message was recorded exactly once")
    c.send(m.DISCONNECT)
    check(c.closed_within(), "DISCONNECT: closed")

    # A client that never reads: its answers pile up until the gateway cuts it.
    c = connected(dev)
    c.sock.setblocking(True)
    c.sock.settimeout(10)
    sent = 0
    try:
        chunk = m.PINGREQ * 50000
        while sent < 40_000_000:
            c.sock.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    check(sent < 40_000_000, "a client that never reads is disconnected (after %d bytes sent)" % sent)
    check(closed_reason("buffer_overflow") >= 1, "the slow reader is counted as buffer_overflow")

    status, _, _ = http("GET", node.url("/healthz"))
    check(status == 200, "the node still answers /healthz after all of that")
    c = connected(dev)
    c.send(m.publish("s", status_payload(1), qos=1, pid=10))
    check(c.read_packet() == (0x40, b"\x00\x0a"), "and a well-behaved device still gets its PUBACK")
finally:
    node.cleanup()

finish()
