"""Helpers for pando's system tests: start real pando-node processes on
loopback with fresh data directories, wait for them by reading their logs,
and stop them. Used by tests/system/NN-*.py and tests/cluster/NN-*.py."""

import json
import os
import queue
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUILD_DIR = os.environ.get("PANDO_BUILD_DIR", os.path.join(os.getcwd(), "build"))
SOURCE_DIR = os.environ.get(
    "PANDO_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
NODE_BIN = os.path.join(BUILD_DIR, "runtime", "pando-node")

ADMIN_TOKEN = "system-test-admin-token"
KEY_SECRET = "ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP"

failures = []


def check(cond, what):
    """Records a failed expectation (the script exits 1 at the end)."""
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        failures.append(what)
    return cond


def finish():
    """Prints a summary line and exits with the test's status."""
    if failures:
        print("%d failed:" % len(failures))
        for f in failures:
            print("  - " + f)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def free_port():
    """Returns a loopback TCP port that was free a moment ago, below the
    ephemeral range: an ephemeral port (what bind(0) hands out) may be taken
    by any outgoing connection of a test running alongside before the node
    binds it."""
    import random
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 0
    if low > 20100:
        rnd = random.SystemRandom()
        for _ in range(200):
            port = rnd.randint(20000, low - 1)
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                    return port
                except OSError:
                    continue
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One pando-node process with its own temporary data directory."""

    def __init__(self, name="node1", data_dir=None, extra_sets=None, config=None):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="pando-systest-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.http_port = free_port()
        self.mqtt_port = free_port()
        self.cluster_port = free_port()
        self.config = config
        self.sets = {
            "node.name": name,
            "node.data_dir": self.data_dir,
            "http.listen": "127.0.0.1:%d" % self.http_port,
            "mqtt.listen": "127.0.0.1:%d" % self.mqtt_port,
            "cluster.listen": "127.0.0.1:%d" % self.cluster_port,
            "security.admin_token": ADMIN_TOKEN,
            "security.key_secret": KEY_SECRET,
            "runtime.threads": "2",
        }
        self.sets.update(extra_sets or {})
        self.proc = None
        self.lines = []
        self.history = []  # the output of every run, for failure reports
        self._lines = queue.Queue()

    def args(self):
        out = [NODE_BIN]
        if self.config:
            out += ["--config", self.config]
        for k, v in self.sets.items():
            out += ["--set", "%s=%s" % (k, v)]
        return out

    def start(self, wait=True, timeout=20):
        """Starts the node; with `wait`, returns once it logged 'started'."""
        self.lines = []
        self.history.append([])
        self._lines = queue.Queue()
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        # The pump gets this run's process and queue: a previous run's pump
        # may still be draining and must not end this run's queue.
        threading.Thread(target=self._pump, args=(self.proc, self.lines, self._lines, self.history[-1]),
                         daemon=True).start()
        if wait:
            line = self.wait_for_line("started", timeout)
            if line is None:
                raise RuntimeError("node %s did not start:\n%s" % (self.name, "\n".join(self.lines)))
        return self

    @staticmethod
    def _pump(proc, lines, q, history):
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            history.append(line)
            q.put(line)
        q.put(None)

    def wait_for_line(self, needle, timeout=20):
        """Returns the first new output line containing `needle`, or None
        when the process ends or `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            if needle in line:
                return line

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.http_port, path)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends `sig`; returns (exit status, seconds until exit)."""
        if self.proc is None or self.proc.poll() is not None:
            return (self.proc.returncode if self.proc else None, 0.0)
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return rc, time.monotonic() - t0

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_node(args, timeout=20):
    """Runs pando-node with `args` to completion; returns (status, output)."""
    p = subprocess.run([NODE_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout


def http(method, url, body=None, headers=None, timeout=10):
    """Returns (status, body text, headers) of one HTTP request."""
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


# -- the platform as a device and an operator see it ---------------------------

LAMP_CONFIG = {
    "objects": [{"no": 1, "label": "switch", "part": 1,
                 "status": [{"value_type": 7, "name": "onoff"}]}],
    "commands": [{"no": 1, "part": 1, "name": "switch", "priority": 0,
                  "params": [{"value_type": 7}, {"value_type": 7}]}],
    "events": [{"no": 1, "part": 1, "name": "alarm", "priority": 0,
                "params": [{"value_type": 12}]}],
}


def admin(node, method, path, body=None, token=ADMIN_TOKEN):
    """Calls the admin API; returns (status, parsed JSON or text)."""
    headers = {"Authorization": "Bearer " + token} if token else {}
    status, text, _ = http(method, node.url(path), body, headers)
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def make_product(node, config=None, name="lamp"):
    """Creates a vendor and a product; returns the product entity."""
    status, vendor = admin(node, "POST", "/admin/v1/vendors", {"name": "acme"})
    assert status == 201, (status, vendor)
    status, product = admin(node, "POST", "/admin/v1/products",
                            {"name": name, "vendor_id": vendor["id"],
                             "config": config or LAMP_CONFIG})
    assert status == 201, (status, product)
    return product


def register(node, product_key, code, **extra):
    """POST /v1/devices/registration; returns the parsed envelope."""
    body = {"product_key": product_key, "device_code": code, "version": "1.0"}
    body.update(extra)
    status, text, _ = http("POST", node.url("/v1/devices/registration"), body)
    assert status == 200, (status, text)
    return json.loads(text)


def login(node, device_id, secret, **extra):
    """POST /v1/devices/authentication; returns the parsed envelope."""
    body = {"device_id": device_id, "device_secret": secret}
    body.update(extra)
    status, text, _ = http("POST", node.url("/v1/devices/authentication"), body)
    assert status == 200, (status, text)
    return json.loads(text)


class Device:
    """A registered, logged-in device: id, hex client id, secret, token."""

    def __init__(self, node, product_key, code):
        reg = register(node, product_key, code)
        assert reg["code"] == 0, reg
        self.id = reg["data"]["device_id"]
        self.client_id = "%x" % self.id
        self.secret = reg["data"]["device_secret"]
        self.identifier = reg["data"]["device_identifier"]
        lg = login(node, self.id, self.secret)
        assert lg["code"] == 0, lg
        self.token = lg["data"]["access_token"]
        host, port = lg["data"]["access_addr"].rsplit(":", 1)
        self.mqtt_host, self.mqtt_port = host, int(port)


def status_payload(value, ts=1462000000000):
    """Spec 5.4 (a): Data with object part 1 / no 1, one uint8."""
    return (bytes([0]) + ts.to_bytes(8, "big") + bytes(16)
            + bytes([0, 1, 0, 1, 0, 1]) + bytes([0, 7, value]))


def alarm_payload(text=b"hot", ts=0):
    """An Event: event 1 of part 1 ("alarm" in LAMP_CONFIG), one string."""
    return (bytes(1) + ts.to_bytes(8, "big") + bytes(16) + struct.pack(">HHHH", 1, 1, 0, 1)
            + struct.pack(">HH", 12, len(text)) + text)


class PahoDevice:
    """`dev` on a python3-paho-mqtt client: records (topic, payload) of what
    it receives; subclasses may override on_message."""

    def __init__(self, dev):
        import paho.mqtt.client as mqtt
        self.received = queue.Queue()
        self.connected = threading.Event()
        self.client = mqtt.Client(client_id=dev.client_id, protocol=mqtt.MQTTv311)
        self.client.username_pw_set(dev.client_id, dev.token)
        self.client.on_connect = lambda c, u, f, rc: self.connected.set()
        self.client.on_message = self.on_message
        self.client.connect(dev.mqtt_host, dev.mqtt_port, keepalive=30)
        self.client.loop_start()
        assert self.connected.wait(10)

    def on_message(self, client, userdata, msg):
        self.received.put((msg.topic, bytes(msg.payload)))

    def next(self, timeout=10):
        """The next message received, or None after `timeout` seconds."""
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            return None

    def publish(self, topic, payload):
        """Publishes at QoS 1; returns whether the PUBACK came."""
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(10)
        return info.is_published()

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


class Hook:
    """An application server for webhook tests: records each POST (and its
    arrival time in `arrivals`); `fail` answers 500 to the next N requests,
    `hold` blocks requests until released."""

    def __init__(self, port=0):
        self.received = queue.Queue()
        self.arrivals = []  # (time.time() on arrival, body)
        self.fail = 0
        self.hold = threading.Event()
        self.hold.set()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.arrivals.append((time.time(), body))
                hook.hold.wait(30)
                failing = hook.fail > 0
                if failing:
                    hook.fail -= 1
                hook.received.put((self.path, dict(self.headers), body, failing))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=10):
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self):
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


def metric(node, name, labels=None):
    """Returns the value of one sample of /metrics, or None."""
    from prometheus_client.parser import text_string_to_metric_families
    _, text, _ = http("GET", node.url("/metrics"))
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name == name and (labels is None or s.labels == labels):
                return s.value
    return None


def app_api(node, method, path, key, body=None):
    """Calls /application/v1<path> with App-Key `key`; returns the envelope."""
    status, text, _ = http(method, node.url("/application/v1" + path), body, {"App-Key": key})
    return json.loads(text)


def mqtt_session(node, dev, clean=True):
    """Connects `dev` with a raw MQTT client; asserts CONNACK 0."""
    import mqtt_raw
    c = mqtt_raw.Raw(node.mqtt_port)
    c.send(mqtt_raw.connect(dev.client_id, dev.token, clean=clean))
    ack = c.read_packet()
    assert ack == (0x20, b"\x00\x00"), ack
    return c
