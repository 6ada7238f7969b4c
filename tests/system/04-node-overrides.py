"""--set overrides keys of the configuration file: the node listens where
--set says, and log.format=json gives one JSON object per line, each with the
node's name."""

import json
import os

from pando_test import Node, SOURCE_DIR, check, finish, http

node = Node("ovr-node", config=os.path.join(SOURCE_DIR, "configs", "single-node.yaml"),
            extra_sets={"log.format": "json", "log.level": "debug"})
try:
    node.start()
    status, body, _ = http("GET", node.url("/healthz"))
    check(status == 200, "the node listens on the --set http.listen port, not the file's 8080")
    check(json.loads(body).get("node") == "ovr-node", "--set node.name replaced the file's node1")
    node.stop()
    parsed = []
    for line in node.lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            check(False, "log line is JSON: %r" % line)
    check(len(parsed) >= 3, "json logs: started, stopping and stopped lines (%d)" % len(parsed))
    check(all(p.get("node") == "ovr-node" for p in parsed), "every JSON log line carries the node name")
    check(all({"ts", "level", "msg"} <= set(p) for p in parsed), "every JSON log line has ts, level, msg")
finally:
    node.cleanup()

finish()
