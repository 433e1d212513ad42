"""permcheck adapter kit: speak permcheck's backend protocol (docs/protocol.md) from Python.

Standard library and numpy only. A port registers functions on an Adapter and calls serve():

    adapter = Adapter("my-port", "1.0", dtypes=["f32", "bf16"], features=["probs", "padding"])

    @adapter.op("token_dispatch")
    def dispatch(inputs, attrs, profile): ...   # returns {"output": Tensor(...), ...}

    adapter.serve()
"""
from .adapter import PROTOCOL, Adapter, NotSupported
from .tensor import Tensor, load, save
from . import dtypes

__all__ = ["PROTOCOL", "Adapter", "NotSupported", "Tensor", "load", "save", "dtypes"]
