"""Resources named in the configuration that cannot be used stop the start
with a message naming the setting and a non-zero status: a data directory
in use by a running node, a missing or unusable data directory, ports in
use."""

import os
import socket

from pando_test import Node, check, finish

first = Node("first")
try:
    first.start()

    second = Node("second", data_dir=first.data_dir)
    second.start(wait=False)
    rc = second.proc.wait(20)
    out = "\n".join(second.lines)
    check(rc not in (0, None), "a second node on the same data directory is refused (status %s)" % rc)
    check("node.data_dir" in out and "already used by a running pando-node (pid %d)" % first.proc.pid in out,
          "the message names node.data_dir and the running node's pid")
    second.cleanup()

    for setting, port in [("http.listen", first.http_port), ("cluster.listen", first.cluster_port),
                          ("mqtt.listen", first.mqtt_port)]:
        other = Node("other-" + setting.split(".")[0],
                     extra_sets={setting: "127.0.0.1:%d" % port})
        other.start(wait=False)
        rc = other.proc.wait(20)
        out = "\n".join(other.lines)
        check(rc not in (0, None), "%s in use: the start fails (status %s)" % (setting, rc))
        check(setting in out and str(port) in out and "cannot listen" in out,
              "%s in use: the message names the setting and the address" % setting)
        other.cleanup()
    check(first.proc.poll() is None, "the first node kept running through all of that")
finally:
    first.cleanup()

missing = Node("missing", data_dir="/nonexistent-pando-parent/data")
try:
    missing.start(wait=False)
    rc = missing.proc.wait(20)
    out = "\n".join(missing.lines)
    check(rc not in (0, None) and "node.data_dir" in out and "does not exist" in out,
          "a data directory whose parent is missing is refused by name")
finally:
    missing.cleanup()

blocker = Node("blocker")
try:
    os.makedirs(blocker.tmp, exist_ok=True)
    path = os.path.join(blocker.tmp, "a-file")
    open(path, "w").close()
    notdir = Node("notdir", data_dir=path)
    notdir.start(wait=False)
    rc = notdir.proc.wait(20)
    out = "\n".join(notdir.lines)
    check(rc not in (0, None) and "node.data_dir" in out and "is not a directory" in out,
          "a data directory that is a file is refused by name")
    notdir.cleanup()

    proc_dir = Node("procdir", data_dir="/proc/pando-cannot-create")
    proc_dir.start(wait=False)
    rc = proc_dir.proc.wait(20)
    out = "\n".join(proc_dir.lines)
    check(rc not in (0, None) and "node.data_dir" in out and "cannot create" in out,
          "a data directory that cannot be created is refused by name")
    proc_dir.cleanup()
finally:
    blocker.cleanup()

finish()
