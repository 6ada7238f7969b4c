"""Differential tests: the same raw-socket scenario against mosquitto 2.0.11
and against pando, for behaviour that does not depend on pando's
authentication: PINGRESP, keepalive timeout, the QoS 2 handshake, malformed
and oversized packets, PUBLISH before CONNECT, a second CONNECT. Both must
answer with the same bytes and close (or not) alike. Deliberate differences
are listed in docs/mqtt.md."""

import os
import subprocess
import time

import mqtt_raw as m
from pando_test import Device, Node, check, finish, free_port, make_product, status_payload

node = Node("diff", extra_sets={"mqtt.max_packet_size": "1024"})
broker_port = free_port()
conf = os.path.join(node.tmp, "mosquitto.conf")
os.makedirs(node.tmp, exist_ok=True)
with open(conf, "w") as f:
    f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n"
            "max_packet_size 1029\n" % broker_port)
broker = None


class Target:
    def __init__(self, name, port, connect_packet):
        self.name, self.port, self.connect_packet = name, port, connect_packet

    def session(self, keepalive=None):
        c = m.Raw(self.port)
        pkt = self.connect_packet(keepalive) if keepalive is not None else self.connect_packet(30)
        c.send(pkt)
        ack = c.read_packet()
        assert ack is not None and ack[0] == 0x20 and ack[1][1] == 0, (self.name, ack)
        return c


def run(target):
    """Runs every scenario against `target`; returns {scenario: outcome}."""
    out = {}
    c = target.session()
    c.send(m.PINGREQ)
    out["pingresp"] = c.read_packet()
    c.send(m.publish("s", status_payload(1), qos=2, pid=5))
    out["qos2 pubrec"] = c.read_packet()
    c.send(m.pubrel(5))
    out["qos2 pubcomp"] = c.read_packet()
    c.close()

    # MQTT 3.1.1: the server closes after 1.5 x keepalive of silence;
    # mosquitto checks coarsely (several seconds late), so the window is wide.
    c = target.session(keepalive=2)
    t0 = time.monotonic()
    closed = c.closed_within(10)
    out["keepalive 2 s: closed"] = closed
    out["keepalive 2 s: not before 3 s"] = closed and time.monotonic() - t0 >= 2.9

    c = target.session()
    c.send(b"\x30\x80\x80\x80\x80\x01")
    out["5-byte remaining length"] = c.closed_within()

    c = target.session()
    c.send(b"\x80\x06\x00\x01\x00\x01s\x01")
    out["SUBSCRIBE with reserved flags 0000"] = c.closed_within()

    c = target.session()
    c.send(b"\x32" + m.varint(100000))
    out["oversized PUBLISH"] = c.closed_within()

    c = m.Raw(target.port)
    c.send(m.publish("s", b"x", qos=0))
    out["PUBLISH before CONNECT"] = c.closed_within()

    c = target.session()
    c.send(target.connect_packet(30))
    out["second CONNECT"] = c.closed_within()

    c = target.session()
    c.send(b"\xf0\x00")
    out["reserved packet type 15"] = c.closed_within()

    c = target.session()
    c.send(m.DISCONNECT)
    out["DISCONNECT closes"] = c.closed_within()
    return out


try:
    broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    # mosquitto is ready when its port accepts connections.
    for _ in range(500):
        try:
            m.Raw(broker_port).close()
            break
        except OSError:
            if broker.poll() is not None:
                raise RuntimeError("mosquitto did not start: " + broker.stderr.read())
            time.sleep(0.01)
    node.start()
    product = make_product(node)
    dev = Device(node, product["key"], "diff-1")
    mosq = Target("mosquitto", broker_port,
                  lambda ka: m.connect("diff-client", keepalive=ka))
    pando = Target("pando", node.mqtt_port,
                   lambda ka: m.connect(dev.client_id, dev.token, keepalive=ka))
    expected = run(mosq)
    got = run(pando)
    for scenario, outcome in expected.items():
        check(got[scenario] == outcome,
              "%s: pando %r, mosquitto %r" % (scenario, got[scenario], outcome))
    check(expected["pingresp"] == (0xD0, b""), "the reference answers PINGRESP (sanity check)")
    check(expected["keepalive 2 s: closed"], "the reference closes silent clients (sanity check)")
finally:
    node.cleanup()
    if broker:
        broker.terminate()
        broker.wait()

finish()
