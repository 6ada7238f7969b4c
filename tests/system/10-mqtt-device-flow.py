"""The pando device flow with a real MQTT client (python3-paho-mqtt) and
the exact bytes of spec 5.4: create vendor and product through the admin
API, register, log in, connect with the hex device id and the token,
publish status example (a) at QoS 1, and read it back from the twin."""

import threading

import paho.mqtt.client as mqtt

from pando_test import (Device, Node, admin, check, finish, make_product, metric,
                        status_payload)

node = Node("mqtt-flow")
try:
    node.start()
    product = make_product(node)
    dev = Device(node, product["key"], "ffaf4fffeeaa")
    check(dev.identifier == "%x-%x-ffaf4fffeeaa" % (product["vendor_id"], product["id"]),
          "the identifier is hex(vendor)-hex(product)-code")
    check((dev.mqtt_host, dev.mqtt_port) == ("127.0.0.1", node.mqtt_port),
          "login answers with the node's MQTT address")

    connected = threading.Event()
    acked = threading.Event()
    result = {}
    client = mqtt.Client(client_id=dev.client_id, clean_session=True, protocol=mqtt.MQTTv311)
    client.username_pw_set(dev.client_id, dev.token)

    def on_connect(c, userdata, flags, rc):
        result["rc"] = rc
        connected.set()

    def on_publish(c, userdata, mid):
        acked.set()

    client.on_connect = on_connect
    client.on_publish = on_publish
    client.connect(dev.mqtt_host, dev.mqtt_port, keepalive=30)
    client.loop_start()
    check(connected.wait(10) and result.get("rc") == 0, "CONNECT with id and token: CONNACK 0")

    payload = status_payload(1)
    check(len(payload) == 34 and payload.hex() == (
        "00" "0000015465fd9c00" + "00" * 16 + "000100010001" "000701"),
        "the status payload is spec 5.4 (a), 34 bytes")
    info = client.publish("s", payload, qos=1)
    check(acked.wait(10), "QoS 1 status report: PUBACK received")

    status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    check(status == 200 and view["online"] is True, "the device is online")
    check(view["reports"] == 1, "one status report recorded")
    objs = [o for o in view["status"] if o["part"] == 1 and o["no"] == 1]
    check(len(objs) == 1 and objs[0]["params_hex"] == "000701",
          "the twin holds object 1/1 = uint8 1 (TLV 00 07 01)")
    check(objs and objs[0]["device_ts"] == 1462000000000, "the device timestamp is kept")
    check(metric(node, "pando_mqtt_connects_total") == 1, "the connect is counted")
    check(metric(node, "pando_mqtt_publishes_received_total") == 1, "the publish is counted")

    client.disconnect()
    client.loop_stop()
    # The device goes offline once the gateway processed DISCONNECT: await it.
    for _ in range(200):
        status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
        if not view["online"]:
            break
        threading.Event().wait(0.01)
    check(view["online"] is False, "after DISCONNECT the device is offline")

    # Data survives a restart of the node.
    node.stop()
    node.start()
    status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    objs = [o for o in view["status"] if o["part"] == 1 and o["no"] == 1]
    check(status == 200 and len(objs) == 1 and objs[0]["params_hex"] == "000701",
          "after a restart the twin still holds the acknowledged status")
finally:
    node.cleanup()

finish()
