"""The stdout guard (permcheck_adapter/stdout_guard.py): while a port serves, stdout carries only
protocol lines; a print() (while loading, during a run) and a C-level write to fd 1 inside an op go
to stderr, or to the file PERMCHECK_STRAY_OUTPUT names, after one line saying where they went."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.join(HERE, "..")
NOTICE = ("permcheck_adapter: stray output on stdout (a print() or a library writing to fd 1) goes to %s; "
          "the protocol has its own descriptor")
STRAY = ["noisy: loading", "noisy: print during run", "noisy: C write to fd 1"]


def serve(d, extra_env=None, command=None):
    np.save(os.path.join(d, "inp.npy"), np.arange(6, dtype=np.float32).reshape(2, 3))
    run = {"type": "run", "id": 3, "op": "token_dispatch", "profile": "te-jax", "dir": d, "attrs": {},
           "inputs": {"inp": {"path": os.path.join(d, "inp.npy"), "dtype": "f32"}}}
    lines = ['{"type": "hello", "protocol": 1}', json.dumps(run), '{"type": "bye"}']
    env = dict(os.environ, **(extra_env or {}))
    env.pop("PYTHONPATH", None)
    return subprocess.run(command or [sys.executable, os.path.join(HERE, "noisy_port.py")], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, cwd=KIT, env=env, timeout=60)


class StdoutGuardTest(unittest.TestCase):
    def assert_protocol_only(self, p):
        self.assertEqual(p.returncode, 0, p.stderr)
        answers = [json.loads(l) for l in p.stdout.splitlines()]       # every stdout line is protocol JSON
        self.assertEqual([a["type"] for a in answers], ["hello", "result", "bye"])
        self.assertEqual(answers[1]["outputs"]["output"]["shape"], [2, 3])

    def test_prints_and_c_writes_go_to_stderr_after_one_notice(self):
        with tempfile.TemporaryDirectory() as d:
            p = serve(d, command=[sys.executable, "-m", "permcheck_adapter", "serve", os.path.join(HERE, "noisy_port.py")])
        self.assert_protocol_only(p)
        err = p.stderr.splitlines()
        self.assertEqual(err.count(NOTICE % "stderr"), 1, p.stderr)
        self.assertLess(err.index(NOTICE % "stderr"), err.index(STRAY[0]))   # the notice comes first
        for line in STRAY:
            self.assertIn(line, err)

    def test_a_port_serving_itself_is_guarded_from_serve_on(self):
        with tempfile.TemporaryDirectory() as d:
            p = serve(d)                                       # python3 noisy_port.py: Adapter.serve()
        # what it prints before calling serve() is not guarded (permcheck-port guards before the import)
        first, rest = p.stdout.split("\n", 1)
        self.assertEqual(first, STRAY[0])
        self.assert_protocol_only(subprocess.CompletedProcess(p.args, p.returncode, rest, p.stderr))
        self.assertIn(STRAY[1], p.stderr.splitlines())
        self.assertIn(STRAY[2], p.stderr.splitlines())

    def test_stray_output_can_go_to_a_file(self):
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, "stray.txt")
            p = serve(d, {"PERMCHECK_STRAY_OUTPUT": f}, [sys.executable, "-m", "permcheck_adapter", "serve",
                                                          os.path.join(HERE, "noisy_port.py")])
            with open(f) as fh:
                stray = fh.read().splitlines()
        self.assert_protocol_only(p)
        self.assertEqual(p.stderr.splitlines(), [NOTICE % ("the file " + f)])
        self.assertEqual(sorted(stray), sorted(STRAY))


if __name__ == "__main__":
    unittest.main()
