"""pando's JSON topic scheme for new devices (python3-paho-mqtt): status,
events and command results as JSON on pando/v1/<identifier>/..., mapped
through the product configuration onto the same twin as the binary protocol;
commands, status queries and set-status arrive as JSON once the device
subscribes to its topics."""

import json
import queue
import threading

import paho.mqtt.client as mqtt

from pando_test import Device, Node, admin, check, finish, http, make_product

node = Node("json-topics")
try:
    node.start()
    product = make_product(node)
    status, app = admin(node, "POST", "/admin/v1/applications", {"name": "a", "domain": "*"})
    dev = Device(node, product["key"], "json-1")
    prefix = "pando/v1/%s/" % dev.identifier
    received = queue.Queue()
    subscribed, connected = threading.Event(), threading.Event()
    granted = {}

    def on_message(client, userdata, msg):
        received.put((msg.topic, json.loads(msg.payload)))
        if msg.topic == prefix + "status/get":
            client.publish(prefix + "status", json.dumps({"switch": [0]}), qos=1)

    client = mqtt.Client(client_id=dev.client_id, protocol=mqtt.MQTTv311)
    client.username_pw_set(dev.client_id, dev.token)
    client.on_connect = lambda c, u, f, rc: connected.set()
    client.on_subscribe = lambda c, u, mid, q: (granted.setdefault("qos", q), subscribed.set())
    client.on_message = on_message
    client.connect(dev.mqtt_host, dev.mqtt_port, keepalive=30)
    client.loop_start()
    check(connected.wait(10), "the JSON device connects like any pando device")
    client.subscribe([(prefix + "#", 1), ("pando/v1/other-device/#", 1)])
    check(subscribed.wait(10) and list(granted["qos"]) == [1, 128],
          "SUBSCRIBE to its own pando/v1/<identifier>/# granted, another device's refused")

    info = client.publish(prefix + "status", json.dumps({"switch": [1]}), qos=1)
    info.wait_for_publish(10)
    check(info.is_published(), "a JSON status report is acknowledged")
    status, text, _ = http("GET", node.url("/application/v1/devices/%s/status/latest" % dev.identifier),
                           headers={"App-Key": app["key"]})
    check(json.loads(text).get("data") == {"switch": [1]},
          "the JSON report lands in the same twin: status/latest is {\"switch\":[1]}")

    info = client.publish(prefix + "events", json.dumps({"alarm": ["test"]}), qos=1)
    info.wait_for_publish(10)
    check(info.is_published(), "a JSON event is acknowledged")
    status, view = admin(node, "GET", "/admin/v1/devices/" + dev.identifier)
    check(view["events"] == 1, "the event is recorded")

    status, text, _ = http("POST", node.url("/application/v1/devices/%s/commands" % dev.identifier),
                           {"switch": [1, 2]}, {"App-Key": app["key"]})
    check(json.loads(text)["code"] == 0, "an application command to the JSON device is acknowledged")
    topic, body = received.get(timeout=10)
    check(topic == prefix + "commands", "the command arrives on pando/v1/<identifier>/commands")
    check(body.get("name") == "switch" and body.get("params") == [1, 2] and isinstance(body.get("tag"), int),
          "the command is JSON: name, params and a tag (%s)" % body)

    info = client.publish(prefix + "commands/result", json.dumps({"tag": body["tag"], "result": 0}), qos=1)
    info.wait_for_publish(10)
    check(info.is_published(), "the command result is acknowledged")

    status, text, _ = http("GET", node.url("/application/v1/devices/%s/status/current" % dev.identifier),
                           headers={"App-Key": app["key"]})
    check(json.loads(text).get("data") == {"switch": [0]},
          "status/current reaches the JSON device as status/get and returns its answer")
    topic, body = received.get(timeout=10)
    check(topic == prefix + "status/get", "the query arrived on status/get")

    status, text, _ = http("PUT", node.url("/application/v1/devices/%s/status" % dev.identifier),
                           {"switch": [1]}, {"App-Key": app["key"]})
    check(json.loads(text)["code"] == 0, "PUT status to the JSON device is acknowledged")
    topic, body = received.get(timeout=10)
    check(topic == prefix + "status/set" and body == {"switch": [1]},
          "set status arrives as JSON on status/set (%s %s)" % (topic, body))

    lost = threading.Event()
    client.on_disconnect = lambda c, u, rc: lost.set()
    client.publish(prefix + "status", json.dumps({"switch": [300]}), qos=1)
    check(lost.wait(10), "a JSON report that does not match the product config closes the connection")
    client.loop_stop()
    status, text, _ = http("GET", node.url("/application/v1/devices/%s/status/latest" % dev.identifier),
                           headers={"App-Key": app["key"]})
    check(json.loads(text).get("data") == {"switch": [0]}, "and is not recorded")
finally:
    node.cleanup()

finish()
