#!/usr/bin/env python3
"""A protocol backend that leaves processes behind (standard library only).

    spawning_backend.py PIDDIR [hang]

Before answering hello it starts, and records the pid of (in PIDDIR/<kind>.pid):
  child     a plain child (sleep 300): a descendant
  orphan    a double-forked grandchild (its parent exits: it is reparented to init) in our session
  daemon    a double-forked grandchild that calls setsid (new session, parent init) but keeps the environment
Then it serves: 'hang' never answers a run; otherwise every run is an error answer.
"""
import json
import os
import subprocess
import sys
import time

piddir = sys.argv[1]
hang = len(sys.argv) > 2 and sys.argv[2] == "hang"


def record(kind, pid):
    path = os.path.join(piddir, kind + ".pid")
    with open(path + ".tmp", "w") as f:
        f.write(str(pid))
    os.rename(path + ".tmp", path)


def grandchild(kind, new_session):
    if os.fork() == 0:
        if new_session:
            os.setsid()
        if os.fork() == 0:
            # close the inherited pipes so the engine's reads end with the backend, not with us
            for fd in (0, 1, 2):
                os.close(fd)
            record(kind, os.getpid())
            time.sleep(300)
            os._exit(0)
        os._exit(0)
    os.wait()


child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
record("child", child.pid)
grandchild("orphan", False)
grandchild("daemon", True)
while len([n for n in os.listdir(piddir) if n.endswith(".pid")]) < 3:
    time.sleep(0.01)


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "hello":
        send({"type": "hello", "protocol": 1, "name": "spawning", "version": "0", "device": "none",
              "capabilities": {"ops": ["sort_chunks_by_index"], "dtypes": ["f32"], "profiles": ["te-jax"], "features": []}})
    elif msg["type"] == "run":
        if hang:
            time.sleep(300)
        send({"type": "error", "id": msg["id"], "message": "spawning backend answers nothing"})
    elif msg["type"] == "bye":
        send({"type": "bye"})
        break
