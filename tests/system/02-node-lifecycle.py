"""A node starts, answers /healthz and /metrics (valid Prometheus text),
stops within 5 s of SIGTERM or SIGINT with status 0, and its data is
readable after a restart."""

import http.client as httpclient
import json
import signal

from prometheus_client.parser import text_string_to_metric_families

from pando_test import Node, check, finish, http

node = Node("life-1")
try:
    node.start()
    status, body, headers = http("GET", node.url("/healthz"))
    check(status == 200, "/healthz answers 200")
    health = json.loads(body)
    check(health.get("status") == "ok", "/healthz says ok")
    check(health.get("node") == "life-1", "/healthz names the node")
    check(isinstance(health.get("version"), str) and health["version"], "/healthz carries the version")
    check(isinstance(health.get("uptime_s"), (int, float)) and health["uptime_s"] >= 0,
          "/healthz carries the uptime")
    check(health.get("boots") == 1, "a fresh data directory is booted once")

    status, _, _ = http("GET", node.url("/no/such/route"))
    check(status == 404, "an unknown route answers 404")

    status, text, headers = http("GET", node.url("/metrics"))
    check(status == 200, "/metrics answers 200")
    check(headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          "/metrics has the Prometheus content type")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ["pando_uptime_seconds", "pando_resident_memory_bytes", "pando_live_actors",
                 "pando_http_requests"]:
        check(name in families, "/metrics has %s" % name)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in families.values() for s in f.samples}
    check(samples.get(("pando_http_requests_total", (("code", "200"), ("route", "/healthz")))) == 1,
          "the /healthz request is counted by route and code")
    check(samples.get(("pando_http_requests_total", (("code", "404"), ("route", "unmatched")))) == 1,
          "the 404 is counted under route 'unmatched'")
    check(samples.get(("pando_resident_memory_bytes", ())) > 1e6, "resident memory is reported")
    check(samples.get(("pando_live_actors", ())) >= 1, "live actors are reported")

    # An idle keep-alive HTTP connection must not hold up the stop.
    idle = httpclient.HTTPConnection("127.0.0.1", node.http_port, timeout=10)
    idle.request("GET", "/healthz")
    idle.getresponse().read()
    rc, secs = node.stop(signal.SIGTERM)
    idle.close()
    check(rc == 0, "SIGTERM: exit status 0 (got %s)" % rc)
    check(secs < 5, "SIGTERM: stopped within 5 s (%.2f s)" % secs)
    check(any("stopped" in l for l in node.lines), "the node logs that it stopped")

    node.start()
    status, body, _ = http("GET", node.url("/healthz"))
    check(json.loads(body).get("boots") == 2, "after a restart the stored boot count is read back (2)")
    rc, secs = node.stop(signal.SIGINT)
    check(rc == 0 and secs < 5, "SIGINT: exit 0 within 5 s (%s, %.2f s)" % (rc, secs))

    node.start()
    status, body, _ = http("GET", node.url("/healthz"))
    check(json.loads(body).get("boots") == 3, "the third start reads 3")
    node.stop()
finally:
    node.cleanup()

finish()
