"""Keeps the protocol's stdout to the protocol while a port serves (docs/protocol.md: one JSON
answer per line on stdout; anything else there breaks the engine's reading).

install() moves the protocol to a private duplicate of fd 1 and points fd 1 at a pipe whose other
end is copied to stderr (or to the file PERMCHECK_STRAY_OUTPUT names). So a print() in a port, and
a C extension or Triton writing to fd 1, lands there instead; the first stray bytes are preceded by
one stderr line saying where they went. Python's sys.stdout is rebound to fd 1, the pipe, too.
"""
import atexit
import os
import sys
import threading

STRAY_ENV = "PERMCHECK_STRAY_OUTPUT"

_guard = None


class StdoutGuard:
    def __init__(self, destination=None):
        self.destination = destination
        sys.stdout.flush()
        # the protocol's own descriptor: what fd 1 was when serving began
        self.protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
        if destination:
            self.sink = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            where = "the file %s" % destination
        else:
            self.sink = os.dup(2)
            where = "stderr"
        self.notice = ("permcheck_adapter: stray output on stdout (a print() or a library writing to fd 1) "
                       "goes to %s; the protocol has its own descriptor\n" % where).encode()
        read_end, write_end = os.pipe()
        os.dup2(write_end, 1)
        os.close(write_end)
        sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        self.copier = threading.Thread(target=self._copy, args=(read_end,), name="permcheck-stray-stdout", daemon=True)
        self.copier.start()
        atexit.register(self.close)

    def _copy(self, read_end):
        told = False
        while True:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            if not told:
                os.write(2, self.notice)
                told = True
            os.write(self.sink, chunk)
        os.close(read_end)

    def close(self):
        """Gives fd 1 back to the protocol's descriptor and lets the copier drain (at exit)."""
        try:
            sys.stdout.flush()
            self.protocol.flush()
            os.dup2(self.protocol.fileno(), 1)   # closes the pipe's last write end: the copier sees EOF
            self.copier.join(2)
        except (OSError, ValueError):
            pass


def install(environ=os.environ):
    """The protocol's stream, installing the guard once per process."""
    global _guard
    if _guard is None:
        _guard = StdoutGuard(environ.get(STRAY_ENV) or None)
    return _guard.protocol
