"""The protocol loop (docs/protocol.md, version 1): a port registers functions, this does the rest."""
import json
import os
import sys
import time
import traceback

from . import guards, stdout_guard
from .tensor import Tensor, load, save

PROTOCOL = 1

# CUDA errors that leave the process's device context unusable ("sticky": every later call fails
# too). Answered as an `error`, the fault would read as a refusal (PASS of B1 on a probe) and poison
# every case after it in the same process; so the adapter exits instead: the engine records CRASH
# (FAIL of B1 on a probe) and starts a fresh backend for the next case (docs/protocol.md section 4).
DEVICE_FAULTS = ("CUDA_ERROR_ILLEGAL_ADDRESS", "CUDA_ERROR_INVALID_ADDRESS_SPACE", "CUDA_ERROR_ILLEGAL_INSTRUCTION",
                 "CUDA_ERROR_MISALIGNED_ADDRESS", "CUDA_ERROR_INVALID_PC", "CUDA_ERROR_HARDWARE_STACK_ERROR",
                 "CUDA_ERROR_LAUNCH_FAILED", "CUDA_ERROR_ASSERT", "an illegal memory access was encountered",
                 "an illegal instruction was encountered", "CUDA error: misaligned address",
                 "unspecified launch failure", "device-side assert triggered")
EXIT_DEVICE_FAULT = 70


def device_fault(e):
    """The marker of DEVICE_FAULTS that exception `e` (or its cause) names, else None."""
    seen = 0
    while e is not None and seen < 8:
        text = "%s: %s" % (type(e).__name__, e)
        for marker in DEVICE_FAULTS:
            if marker in text:
                return marker
        e, seen = e.__cause__ or e.__context__, seen + 1
    return None


class DeviceFault(BaseException):
    """Raised out of run_case when the port's call hit a device fault; serve() ends the process."""


# docs/spec.md R1: the determinism levels a port may declare per op, strongest first
DETERMINISM_LEVELS = ("bit_exact", "group_order", "multiset")


class NotSupported(Exception):
    """Raise from a port function for a call it does not implement (answered as not_supported)."""


class Adapter:
    """Speaks the protocol on stdin/stdout and calls the port's functions.

    A port function takes (inputs: dict name -> Tensor, attrs: dict name -> int, profile: str) and
    returns a dict output name -> Tensor. Outputs the call does not produce are left out.
    """

    def __init__(self, name, version, device="CPU", ops=None, dtypes=(), profiles=("te-jax",), features=(), details=None,
                 unavailable=None, determinism=None):
        self.name = name
        self.version = version
        self.device = device
        self.functions = {}
        self.declared_ops = ops
        self.dtypes = list(dtypes)
        self.profiles = list(profiles)
        self.features = list(features)
        self.details = dict(details or {})
        # docs/protocol.md 3.1: op wire name -> "bit_exact" | "group_order" | "multiset", the level R1 judges the op's
        # second call against (docs/spec.md R1); an op left out keeps the engine's default. The engine refuses an
        # unknown op or level (every case ERROR), so a typo here is caught by the first run, not silently weakened.
        self.determinism = dict(determinism or {})
        for op, level in self.determinism.items():
            if level not in DETERMINISM_LEVELS:
                raise ValueError("determinism of %s: unknown level %r (known: %s)" % (op, level, ", ".join(DETERMINISM_LEVELS)))
        # docs/protocol.md 3.1: a backend that cannot run here says why in hello; every case is then
        # NOT_SUPPORTED with that reason (never a pass), and run requests are refused the same way
        self.unavailable = unavailable
        # how serve() ends the process after a device fault: os._exit, no interpreter teardown (a
        # dead CUDA context can hang at exit); tests replace it
        self.exit = os._exit

    def op(self, wire_name):
        """Decorator: registers the function that implements op `wire_name`."""
        def register(fn):
            self.functions[wire_name] = fn
            return fn
        return register

    def hello(self):
        answer = {
            "type": "hello", "protocol": PROTOCOL, "name": self.name, "version": self.version, "device": self.device,
            "capabilities": {
                "ops": list(self.declared_ops if self.declared_ops is not None else self.functions),
                "dtypes": self.dtypes, "profiles": self.profiles, "features": self.features,
            },
            "details": self.details,
        }
        if self.determinism:
            answer["determinism"] = dict(self.determinism)
        if self.unavailable:
            answer["unavailable"] = self.unavailable
        return answer

    def run_case(self, msg):
        """Answers one run request (a dict); never raises."""
        rid = msg.get("id")
        if self.unavailable:
            return {"type": "not_supported", "id": rid, "reason": "unavailable: %s" % self.unavailable}
        try:
            fn = self.functions.get(msg["op"])
            if fn is None:
                return {"type": "not_supported", "id": rid, "reason": "op %s not implemented" % msg["op"]}
            tl = time.perf_counter()
            inputs = {name: load(ref["path"], ref["dtype"]) for name, ref in msg["inputs"].items()}
            tl = time.perf_counter() - tl
            t0 = time.perf_counter()
            with guards.scope() as scope:   # guarded_empty / intercept register the call's outputs here
                outputs = fn(inputs, dict(msg.get("attrs", {})), msg.get("profile", "te-jax"))
                millis = (time.perf_counter() - t0) * 1000.0
                guarded, breaches = scope.report()
            directory = msg["dir"]
            refs = {}
            for name, t in outputs.items():
                if not isinstance(t, Tensor):
                    raise TypeError("output %s is not a Tensor" % name)
                file = "out_%s.npy" % name
                save(os.path.join(directory, file), t)
                refs[name] = {"path": file, "dtype": t.dtype, "shape": list(t.shape)}
            if os.environ.get("PERMCHECK_TIMING"):
                sys.stderr.write("adapter: load %.3f s, call %.3f s, save+reply %.3f s\n" % (tl, millis / 1000, time.perf_counter() - t0 - millis / 1000))
            answer = {"type": "result", "id": rid, "outputs": refs, "millis": round(millis, 3)}
            # docs/protocol.md 3.3: which outputs had guard bands, and any band a write changed (B2);
            # a breach is still a result, so the engine judges it instead of an error
            if guarded:
                answer["guarded"] = guarded
            if breaches:
                answer["guard_breaches"] = breaches
                for b in breaches:
                    sys.stderr.write("adapter: %s wrote outside output %s: %d guard bytes changed, first at byte %+d from its %s\n"
                                     % (msg["op"], b["output"], b["bytes"], b["offset"], "end" if b["offset"] >= 0 else "start"))
            return answer
        except NotSupported as e:
            return {"type": "not_supported", "id": rid, "reason": str(e)}
        except Exception as e:  # the port's failure is an answer, not the adapter's death
            traceback.print_exc(file=sys.stderr)
            marker = device_fault(e)
            if marker:  # ... unless the device context died with it
                raise DeviceFault("%s in %s: %s" % (marker, msg.get("op"), str(e).strip().splitlines()[0][:300] if str(e).strip() else type(e).__name__))
            return {"type": "error", "id": rid, "message": "%s: %s" % (type(e).__name__, e)}

    def handle(self, line):
        """Answers one request line; returns (answer dict, keep_going)."""
        try:
            msg = json.loads(line)
        except ValueError as e:
            return {"type": "error", "id": None, "message": "not JSON: %s" % e}, True
        if not isinstance(msg, dict):
            return {"type": "error", "id": None, "message": "not a JSON object"}, True
        kind = msg.get("type")
        if kind == "hello":
            if msg.get("protocol") != PROTOCOL:
                return {"type": "error", "id": None, "message": "protocol %r not supported; this adapter speaks %d" % (msg.get("protocol"), PROTOCOL)}, True
            return self.hello(), True
        if kind == "run":
            missing = [k for k in ("id", "op", "dir", "inputs") if k not in msg]
            if missing:
                return {"type": "error", "id": msg.get("id"), "message": "run request without %s" % ", ".join(missing)}, True
            return self.run_case(msg), True
        if kind == "bye":
            return {"type": "bye"}, False
        return {"type": "error", "id": msg.get("id"), "message": "unknown message type %r" % kind}, True

    def serve(self, stdin=None, stdout=None):
        """Reads requests until bye or end of input. Without `stdout` the answers go to the process's
        stdout, guarded (stdout_guard.py): stray output of the port goes to stderr instead."""
        stdin = stdin or sys.stdin
        stdout = stdout or stdout_guard.install()
        for line in stdin:
            if not line.strip():
                continue
            try:
                answer, keep_going = self.handle(line)
            except DeviceFault as f:
                sys.stderr.write("adapter: device fault (%s); the CUDA context is unusable, so this process exits (status %d) "
                                 "and the engine records CRASH and starts a fresh backend\n" % (f, EXIT_DEVICE_FAULT))
                sys.stderr.flush()
                self.exit(EXIT_DEVICE_FAULT)
                return
            stdout.write(json.dumps(answer, separators=(",", ":")) + "\n")
            stdout.flush()
            if not keep_going:
                return
