"""pando-node refuses a bad configuration with one message that lists every
problem, and exit status 2; --check-config, --help and --version work."""

import os
import tempfile

from pando_test import ADMIN_TOKEN, KEY_SECRET, SOURCE_DIR, check, finish, run_node

with tempfile.TemporaryDirectory() as tmp:
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("""
node:
  name: Bad Name
  colour: blue
cluster:
  listen: 127.0.0.1:70000
  seeds: nope
mqtt:
  max_inflight: many
log:
  format: xml
""")
    rc, out = run_node(["--config", bad])
    check(rc == 2, "a bad configuration exits with status 2 (got %s)" % rc)
    check(out.count("invalid configuration") == 1, "one message reports the problems")
    for key, why in [("node.name", "may contain only"), ("node.colour", "unknown key"),
                     ("cluster.listen", "out of range"), ("cluster.seeds", "expected a list"),
                     ("mqtt.max_inflight", "expected an integer"), ("log.format", "not one of"),
                     ("node.data_dir", "missing required key"),
                     ("security.admin_token", "missing required key"),
                     ("security.key_secret", "missing required key")]:
        check(any(l.strip().startswith(key + ":") and why in l for l in out.splitlines()),
              "the message names %s (%s)" % (key, why))
    check("(9 problems)" in out, "all 9 problems are counted in one report")

    rc, out = run_node(["--config", os.path.join(tmp, "missing.yaml")])
    check(rc == 2 and "cannot read file" in out, "a missing config file exits 2 and says so")

    broken = os.path.join(tmp, "broken.yaml")
    with open(broken, "w") as f:
        f.write("node: [unclosed\n")
    rc, out = run_node(["--config", broken])
    check(rc == 2 and "(yaml)" in out, "broken YAML exits 2 and names the parse error")

    rc, out = run_node(["--config", os.path.join(SOURCE_DIR, "configs", "single-node.yaml"),
                        "--check-config"])
    check(rc == 0 and "configuration OK" in out, "--check-config accepts the single-node example")

    rc, out = run_node(["--set", "node.name=n1", "--set", "node.data_dir=/tmp/x",
                        "--set", "security.admin_token=" + ADMIN_TOKEN,
                        "--set", "security.key_secret=" + KEY_SECRET,
                        "--set", "http.listen=127.0.0.1:1883", "--check-config"])
    check(rc == 2 and "http.listen: address 127.0.0.1:1883 is already used by mqtt.listen" in out,
          "two listeners on one address are refused, naming both settings")

    rc, out = run_node(["--set", "nonsense"])
    check(rc == 2 and "--set expects key=value" in out, "a malformed --set exits 2")

    rc, out = run_node(["--no-such-flag"])
    check(rc == 2, "an unknown flag exits 2")

    rc, out = run_node(["--help"])
    check(rc == 0 and "--config" in out and "security.key_secret" in out,
          "--help documents the flags and every configuration key")

    rc, out = run_node(["--version"])
    check(rc == 0 and out.startswith("pando-node "), "--version prints the version")

finish()
