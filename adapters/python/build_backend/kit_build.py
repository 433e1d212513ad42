"""The kit's PEP 517 backend: setuptools.build_meta, unchanged where setuptools can build wheels.

setuptools before 70.1 builds wheels only with the separate `wheel` package installed, and an
offline `pip install --no-build-isolation --no-index ./adapters/python` cannot fetch it. The kit is
pure Python, so there this module writes the wheel itself from pyproject.toml's [project] and
[tool.setuptools] tables: the same packages, metadata and console script setuptools would produce.
"""
import base64
import hashlib
import os
import zipfile

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (sdist, editable and the hooks not redefined below)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setuptools_builds_wheels():
    for name in ("setuptools.command.bdist_wheel", "wheel.bdist_wheel"):
        try:
            __import__(name)
            return True
        except ImportError:
            pass
    return False


def _project():
    try:
        import tomllib
    except ImportError:  # Python < 3.11: leave it to setuptools (which then needs `wheel`)
        return None
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)


def _dist(meta):
    return meta["project"]["name"].replace("-", "_"), meta["project"]["version"]


def _metadata(meta):
    p = meta["project"]
    lines = ["Metadata-Version: 2.1", "Name: " + p["name"], "Version: " + p["version"], "Summary: " + p["description"],
             "Requires-Python: " + p["requires-python"]]
    lines += ["Requires-Dist: " + d for d in p.get("dependencies", [])]
    for extra, deps in p.get("optional-dependencies", {}).items():
        lines.append("Provides-Extra: " + extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (d, extra) for d in deps]
    return "\n".join(lines) + "\n"


def _dist_info(meta):
    """name -> text of the .dist-info files other than RECORD."""
    scripts = meta["project"].get("scripts", {})
    return {"METADATA": _metadata(meta),
            "WHEEL": "Wheel-Version: 1.0\nGenerator: kit_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            "entry_points.txt": "[console_scripts]\n" + "".join("%s = %s\n" % kv for kv in scripts.items()),
            "top_level.txt": "permcheck_adapter\n"}


def _files(meta):
    """(path in the wheel, path on disk) of every module, packages mapped as setuptools maps them."""
    tool = meta["tool"]["setuptools"]
    dirs = tool.get("package-dir", {})
    for pkg in tool["packages"]:
        src = os.path.join(ROOT, dirs.get(pkg, pkg.replace(".", os.sep)))
        for f in sorted(os.listdir(src)):
            if f.endswith(".py"):
                yield pkg.replace(".", "/") + "/" + f, os.path.join(src, f)


if not _setuptools_builds_wheels() and _project() is not None:
    def get_requires_for_build_wheel(config_settings=None):
        return []

    def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
        meta = _project()
        info = "%s-%s.dist-info" % _dist(meta)
        os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
        for name, text in _dist_info(meta).items():
            with open(os.path.join(metadata_directory, info, name), "w") as f:
                f.write(text)
        return info

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        meta = _project()
        name, version = _dist(meta)
        info = "%s-%s.dist-info" % (name, version)
        wheel = "%s-%s-py3-none-any.whl" % (name, version)
        entries = []
        for arc, path in _files(meta):
            with open(path, "rb") as f:
                entries.append((arc, f.read()))
        entries += [(info + "/" + n, t.encode()) for n, t in _dist_info(meta).items()]
        record = "".join("%s,sha256=%s,%d\n" % (arc, base64.urlsafe_b64encode(hashlib.sha256(data).digest())
                                                .rstrip(b"=").decode(), len(data)) for arc, data in entries)
        entries.append((info + "/RECORD", (record + info + "/RECORD,,\n").encode()))
        with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
            for arc, data in entries:
                z.writestr(arc, data)
        return wheel
else:
    get_requires_for_build_wheel = _setuptools.get_requires_for_build_wheel
    prepare_metadata_for_build_wheel = _setuptools.prepare_metadata_for_build_wheel
    build_wheel = _setuptools.build_wheel
