"""GET /openapi.json serves docs/openapi.json verbatim, and the document is
honest: every operation it describes is routed by a running node (probed
with minimal, invalid input: never the router's 404 or a 405; envelope
codes and admin statuses as documented), and every route pando serves is
in the document."""

import json
import os
import re
import urllib.parse

import pando_test
from pando_test import ADMIN_TOKEN, Node, admin, check, finish, http

node = Node("openapi")

METHODS = ("get", "put", "post", "delete", "patch")

# Every route the node serves (transports/http/*_api.cpp, runtime/node.cpp).
KNOWN_ROUTES = [
    ("post", "/v1/devices/registration"),
    ("post", "/v1/devices/authentication"),
    ("get", "/application/v1/device/info"),
    ("get", "/application/v1/devices/{identifier}/info"),
    ("get", "/application/v1/devices/{identifier}/status/latest"),
    ("get", "/application/v1/devices/{identifier}/status/current"),
    ("put", "/application/v1/devices/{identifier}/status"),
    ("post", "/application/v1/devices/{identifier}/commands"),
    ("get", "/application/v1/devices/{identifier}/commands"),
    ("get", "/application/v1/devices/{identifier}/history"),
    ("get", "/application/v1/devices/{identifier}/status/desired"),
    ("post", "/application/v1/devices/{identifier}/rules"),
    ("get", "/application/v1/devices/{identifier}/rules"),
    ("get", "/application/v1/devices/{identifier}/rules/{rule}"),
    ("put", "/application/v1/devices/{identifier}/rules/{rule}"),
    ("delete", "/application/v1/devices/{identifier}/rules/{rule}"),
    ("get", "/admin/v1/{kind}"),
    ("post", "/admin/v1/{kind}"),
    ("get", "/admin/v1/{kind}/{id}"),
    ("put", "/admin/v1/{kind}/{id}"),
    ("delete", "/admin/v1/{kind}/{id}"),
    ("post", "/admin/v1/{kind}/{id}/key"),
    ("get", "/admin/v1/devices/{identifier}"),
    ("get", "/admin/v1/cluster/nodes"),
    ("get", "/admin/v1/cluster/shards"),
    ("get", "/admin/v1/cluster/locate/{identifier}"),
    ("post", "/admin/v1/cluster/nodes/{name}/drain"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
]

# Values for the path templates the probes fill in: a well-formed
# identifier of no device, an id of no entity.
PROBE_VALUES = {"identifier": ["0-0-openapi-probe"], "id": ["999999"], "rule": ["1"],
                "name": ["no-such-node"]}


def resolve(doc, x):
    """Follows a local $ref (one level at a time) to its target."""
    while isinstance(x, dict) and "$ref" in x:
        node_ = doc
        for part in x["$ref"].lstrip("#/").split("/"):
            node_ = node_[part]
        x = node_
    return x


def all_refs(x, out):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "$ref":
                out.append(v)
            else:
                all_refs(v, out)
    elif isinstance(x, list):
        for v in x:
            all_refs(v, out)
    return out


def ref_resolves(doc, ref):
    if not ref.startswith("#/"):
        return False
    x = doc
    for part in ref[2:].split("/"):
        if not isinstance(x, dict) or part not in x:
            return False
        x = x[part]
    return True


def operations(doc):
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item, item[method]


def parameters(doc, item, op):
    """The operation's parameters (path-level ones included), resolved."""
    return [resolve(doc, p) for p in item.get("parameters", []) + op.get("parameters", [])]


def expansions(path, params):
    """Concrete paths for `path`: each template filled with a probe value
    ({kind}: every value of its enum)."""
    paths = [path]
    for name in re.findall(r"{([^}]+)}", path):
        schema = next((p.get("schema", {}) for p in params
                       if p.get("in") == "path" and p.get("name") == name), {})
        values = PROBE_VALUES.get(name) or schema.get("enum") or []
        paths = [p.replace("{%s}" % name, urllib.parse.quote(str(v), safe="")) for p in paths
                 for v in values]
    return paths


def check_structure(doc):
    check(isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3.0"),
          "the document is an OpenAPI 3.0 document (openapi: %r)" % (doc.get("openapi")
                                                                      if isinstance(doc, dict) else doc))
    if not isinstance(doc, dict):
        return
    info = doc.get("info", {})
    check(info.get("version") == "0.1.0" and info.get("title"), "info has a title and version 0.1.0")
    check(any(s.get("url") == "http://127.0.0.1:8080" for s in doc.get("servers", [])),
          "servers lists http://127.0.0.1:8080")
    schemes = doc.get("components", {}).get("securitySchemes", {})
    app_key = schemes.get("AppKey", {})
    check((app_key.get("type"), app_key.get("in"), app_key.get("name")) == ("apiKey", "header", "App-Key"),
          "security scheme AppKey: apiKey in header App-Key")
    check(schemes.get("AdminBearer", {}).get("type") == "http"
          and schemes.get("AdminBearer", {}).get("scheme") == "bearer",
          "security scheme AdminBearer: http bearer")
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ["Vendor", "Product", "ProductConfig", "Application", "DeviceView", "CommandStatus",
                 "HistoryEntry", "ErrorEnvelope"]:
        check(name in schemas, "components.schemas has %s" % name)
    refs = all_refs(doc, [])
    bad = sorted(set(r for r in refs if not ref_resolves(doc, r)))
    check(refs and not bad, "all %d $refs resolve %s" % (len(refs), bad or ""))
    op_ids = []
    for path, method, item, op in operations(doc):
        what = "%s %s" % (method.upper(), path)
        params = parameters(doc, item, op)
        declared = {p.get("name") for p in params if p.get("in") == "path"}
        templated = set(re.findall(r"{([^}]+)}", path))
        check(declared == templated and all(p.get("required") for p in params if p.get("in") == "path"),
              "%s: its path parameters are declared and required" % what)
        check(isinstance(op.get("responses"), dict) and op["responses"],
              "%s: documents its responses" % what)
        security = op.get("security", doc.get("security"))
        check(security is not None and all(set(s) <= set(schemes) for s in security),
              "%s: states its security (%s)" % (what, security))
        op_ids.append(op.get("operationId"))
    check(None not in op_ids and len(set(op_ids)) == len(op_ids), "operationIds are present and unique")


def probe(doc, app_keys):
    """Calls every operation whose templates we can fill, with minimal input
    (application operations once with each of `app_keys`)."""
    probed = 0
    for path, method, item, op in operations(doc):
        params = parameters(doc, item, op)
        names = set(re.findall(r"{([^}]+)}", path))
        if not names <= {"identifier", "kind", "id"}:
            continue
        security = op.get("security", doc.get("security")) or []
        header_sets = [{}]
        if any("AppKey" in s for s in security):
            header_sets = [{"App-Key": k} for k in app_keys]
        if any("AdminBearer" in s for s in security):
            header_sets = [{"Authorization": "Bearer " + ADMIN_TOKEN}]
        query = {}
        for p in params:
            if p.get("in") == "query" and p.get("required"):
                schema = resolve(doc, p.get("schema", {}))
                query[p["name"]] = schema.get("minimum", 0) if schema.get("type") == "integer" else "0"
        body = {} if "requestBody" in op else None
        documented = {str(k) for k in op.get("responses", {})}
        envelope = "200" in documented and "code" in json.dumps(op["responses"]["200"])
        for concrete, headers in [(c, h) for c in expansions(path, params) for h in header_sets]:
            url = node.url(concrete + ("?" + urllib.parse.urlencode(query) if query else ""))
            status, text, hdrs = http(method.upper(), url, body, headers)
            what = "%s %s" % (method.upper(), concrete)
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text
            probed += 1
            check(not (status == 404 and isinstance(parsed, dict)
                       and parsed.get("message") == "no such route") and status != 405,
                  "%s is routed (HTTP %d)" % (what, status))
            check(str(status) in documented, "%s: HTTP %d is documented (%s)" % (what, status,
                                                                                 sorted(documented)))
            content = op.get("responses", {}).get(str(status), {}).get("content")
            if content:
                media = hdrs.get("Content-Type", "").split(";")[0].strip()
                check(media in content, "%s: content type %s is documented" % (what, media))
            if envelope and status == 200 and isinstance(parsed, dict) and parsed.get("code"):
                check(str(parsed["code"]) in op.get("description", ""),
                      "%s: code %d (%s) is documented" % (what, parsed["code"], parsed.get("message")))
    check(probed >= len(KNOWN_ROUTES), "%d requests probed the document's operations" % probed)


try:
    node.start()
    status, text, headers = http("GET", node.url("/openapi.json"))
    check(status == 200, "GET /openapi.json answers 200 (%d)" % status)
    check(headers.get("Content-Type", "").startswith("application/json"),
          "... as application/json (%s)" % headers.get("Content-Type"))
    source = os.path.join(pando_test.SOURCE_DIR, "docs", "openapi.json")
    with open(source, encoding="utf-8") as f:
        check(text == f.read(), "... serving docs/openapi.json verbatim (rebuild after editing it)")
    try:
        doc = json.loads(text)
        check(True, "the document parses as JSON")
    except ValueError as e:
        doc = {}
        check(False, "the document parses as JSON (%s)" % e)

    check_structure(doc)
    ops = {(m, p) for p, m, _, _ in operations(doc)} if isinstance(doc, dict) else set()
    for method, path in KNOWN_ROUTES:
        check((method, path) in ops, "the document describes %s %s" % (method.upper(), path))
    if isinstance(doc, dict):
        # Application operations: with an unknown key (10008) and with the
        # key of an application for every device (10003: no such device).
        status, app = admin(node, "POST", "/admin/v1/applications", {"name": "probe", "domain": "*"})
        check(status == 201, "an application for the probes is created")
        probe(doc, ["0" * 64] + ([app["key"]] if status == 201 else []))
finally:
    node.cleanup()

finish()
