"""The kit as a package (adapters/python/pyproject.toml): installed offline into a clean virtualenv
(numpy from the system, nothing from an index), its console script serves the numpy example port,
which answers hello and bye; the installed modules are the wheel's, not the checkout's."""
import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.abspath(os.path.join(HERE, ".."))
PORT = os.path.join(KIT, "examples", "numpy_port.py")


def venv_unavailable():
    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("pip") is None:
        return "python3 has no venv or pip here: the clean-virtualenv install cannot be tested"
    return None


@unittest.skipIf(venv_unavailable(), venv_unavailable() or "")
class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        venv = os.path.join(cls.tmp, "venv")
        # --without-pip: ensurepip would take most of the time; the system's pip, run by the venv's
        # python (system site-packages visible), installs into the venv
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], check=True, timeout=60)
        cls.bin = os.path.join(venv, "bin")
        # where this python is itself a virtualenv (a GPU image's /opt/torch/.venv, say), its packages
        # are not the "system" ones the new venv sees: hand them on (numpy, pip, setuptools) by a .pth
        purelib = subprocess.run([os.path.join(cls.bin, "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        with open(os.path.join(purelib, "outer-site-packages.pth"), "w") as f:
            f.write("".join(p + "\n" for p in site.getsitepackages()))
        # a copy: pip builds in the source folder (build/, *.egg-info) and the checkout stays clean
        src = os.path.join(cls.tmp, "kit")
        shutil.copytree(KIT, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        env.pop("PYTHONPATH", None)
        cls.env = env
        cls.pip = subprocess.run([os.path.join(cls.bin, "python"), "-m", "pip", "install", "--no-build-isolation", "--no-index", src],
                                 capture_output=True, text=True, env=env, timeout=120)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def serve(self, *command):
        lines = '{"type": "hello", "protocol": 1}\n{"type": "bye"}\n'
        # run from elsewhere: the checkout's permcheck_adapter must not be what is found
        return subprocess.run(list(command), input=lines, capture_output=True, text=True, env=self.env,
                              cwd=self.tmp, timeout=60)

    def test_pip_installs_offline(self):
        self.assertEqual(self.pip.returncode, 0, self.pip.stdout + self.pip.stderr)

    def test_the_console_script_serves_the_numpy_port(self):
        p = self.serve(os.path.join(self.bin, "permcheck-port"), PORT)
        self.assertEqual(p.returncode, 0, p.stderr)
        hello, bye = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual((hello["type"], hello["name"], bye["type"]), ("hello", "numpy-port", "bye"))
        self.assertIn("torch-mask-pad", hello["capabilities"]["profiles"])

    def test_python_m_serves_and_the_installed_modules_are_used(self):
        python = os.path.join(self.bin, "python")
        p = self.serve(python, "-m", "permcheck_adapter", "serve", PORT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([json.loads(l)["type"] for l in p.stdout.splitlines()], ["hello", "bye"])
        where = subprocess.run([python, "-c", "import permcheck_adapter, permcheck_adapter.te_torch.capabilities as c; "
                                "print(permcheck_adapter.__file__); print(c.NAME)"],
                               capture_output=True, text=True, env=self.env, cwd=self.tmp, timeout=60)
        path, name = where.stdout.split()
        self.assertTrue(path.startswith(os.path.join(self.tmp, "venv")), path)
        self.assertEqual(name, "te-torch")

    def test_the_installed_te_torch_adapter_answers_hello(self):
        # permcheck_adapter.te_torch.port:build; torch is absent here, or TE is: hello says why
        p = self.serve(os.path.join(self.bin, "permcheck-port"), "permcheck_adapter.te_torch.port:build")
        self.assertEqual(p.returncode, 0, p.stderr)
        hello, bye = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual((hello["name"], bye["type"]), ("te-torch", "bye"))
        if importlib.util.find_spec("torch") is None:
            self.assertIn("torch and triton are needed", hello["unavailable"])

    def test_a_port_that_cannot_load_is_one_line_and_exit_2(self):
        p = self.serve(os.path.join(self.bin, "permcheck-port"), os.path.join(self.tmp, "missing.py"))
        self.assertEqual((p.returncode, p.stdout), (2, ""))
        self.assertEqual(p.stderr.splitlines(), ["permcheck-port: no port file %s" % os.path.join(self.tmp, "missing.py")])


if __name__ == "__main__":
    unittest.main()
