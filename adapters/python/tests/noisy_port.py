"""A numpy test port that writes to stdout: a print() while loading and during a run, and a C-level
write to fd 1 inside the op (as a C extension or Triton would), none of which may reach the protocol."""
import ctypes
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from permcheck_adapter import Adapter  # noqa: E402

print("noisy: loading")
adapter = Adapter("noisy-port", "0.1.0", dtypes=["f32"], profiles=["te-jax"])
LIBC = ctypes.CDLL(None)


@adapter.op("token_dispatch")
def dispatch(inputs, attrs, profile):
    print("noisy: print during run")
    LIBC.write(1, b"noisy: C write to fd 1\n", 23)   # below Python: straight to file descriptor 1
    return {"output": inputs["inp"]}


if __name__ == "__main__":
    adapter.serve()
