"""pando-ctl over HTTPS: the node's certificate is verified against
--cafile, rejected without it (exit 3), skipped with --insecure, and a
plain http:// URL on the TLS port or https:// on the plain port fails with
exit 3 instead of hanging."""

import json
import os
import subprocess

from pando_test import ADMIN_TOKEN, BUILD_DIR, SOURCE_DIR, Node, check, finish, free_port

CTL = os.path.join(BUILD_DIR, "tools", "pando-ctl", "pando-ctl")
node = Node("ctl-tls-3")
certs = os.path.join(node.tmp, "certs")
subprocess.run([os.path.join(SOURCE_DIR, "tools", "gen-test-cert.sh"), certs], check=True)
cert, key = os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem")
https_port = free_port()
node.sets.update({"http.tls_listen": "127.0.0.1:%d" % https_port, "http.tls_cert": cert,
                  "http.tls_key": key})


def ctl(url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANDO_")}
    p = subprocess.run([CTL, "--url", url, "--token", ADMIN_TOKEN, "--timeout", "5"] + list(args),
                       capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr


try:
    node.start()
    for host in ["127.0.0.1", "localhost"]:
        url = "https://%s:%d" % (host, https_port)
        rc, out, err = ctl(url, "--cafile", cert, "--json", "status")
        check(rc == 0 and json.loads(out)["healthz"]["node"] == "ctl-tls-3",
              "status over %s with --cafile (verified): the node's name (%r)" % (url, err))
    url = "https://127.0.0.1:%d" % https_port
    rc, out, err = ctl(url, "--cafile", cert, "--json", "vendor", "add", "--name", "tls vendor")
    check(rc == 0 and json.loads(out)["name"] == "tls vendor", "vendor add over verified HTTPS")
    rc, _, err = ctl(url, "vendor", "list")
    check(rc == 3 and url in err and "certificate" in err,
          "a self-signed certificate without --cafile: exit 3 naming the certificate (%r)" % err)
    rc, out, err = ctl(url, "--insecure", "vendor", "list")
    check(rc == 0 and "tls vendor" in out, "--insecure skips verification (%r)" % err)
    rc, _, err = ctl("http://127.0.0.1:%d" % https_port, "status")
    check(rc == 3, "http:// on the TLS port: exit 3 (%r)" % err)
    rc, _, err = ctl("https://127.0.0.1:%d" % node.http_port, "--insecure", "status")
    check(rc == 3 and "TLS" in err, "https:// on the plain port: exit 3 naming TLS (%r)" % err)
    rc, _, err = ctl(url, "--cafile", os.path.join(certs, "nope.pem"), "status")
    check(rc == 2, "a missing --cafile: exit 2")
finally:
    node.stop()
    node.cleanup()
finish()
