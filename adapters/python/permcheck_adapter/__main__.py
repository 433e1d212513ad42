"""python -m permcheck_adapter serve MODULE_OR_FILE[:ATTR]  (serve_cli.py says what it serves)."""
import sys

from . import serve_cli

if len(sys.argv) >= 2 and sys.argv[1] == "serve":
    sys.exit(serve_cli.main(sys.argv[2:]))
sys.stderr.write("usage: python -m permcheck_adapter serve MODULE_OR_FILE[:ATTR]\n")
sys.exit(2)
