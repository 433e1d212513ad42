"""Array helpers (permcheck_adapter/arrays_torch.py, arrays_cupy.py, arrays_jax.py): a protocol Tensor
to a library's array and back with its bits unchanged, bf16 and fp8 as bits, a result of the wrong
element type refused. On numpy-backed fakes here; against the real library where it is installed
(skipped, with the reason, where not). Expected bits are the inputs' own: nothing may convert a value.
"""
import contextlib
import importlib.util
import os
import sys
import types
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from permcheck_adapter import Tensor  # noqa: E402
from permcheck_adapter import arrays_cupy, arrays_jax, arrays_torch  # noqa: E402  (none imports its library)
import fake_torch  # noqa: E402

BF16 = np.array([[0x3F80, 0xFFC1], [0x8000, 0x7F7F]], np.uint16)   # 1.0, a NaN with payload, -0.0, max
FP8 = np.array([0x00, 0x7F, 0x80, 0xFF, 0x38], np.uint8)


def has(name):
    return importlib.util.find_spec(name) is not None


@contextlib.contextmanager
def module(name, m):
    saved = sys.modules.get(name)
    sys.modules[name] = m
    try:
        yield m
    finally:
        if saved is None:
            del sys.modules[name]
        else:
            sys.modules[name] = saved


class TorchHelpersOnFakeTest(unittest.TestCase):
    def test_bf16_goes_up_as_bits_viewed_as_bfloat16_and_comes_back_unchanged(self):
        with fake_torch.installed():
            x = arrays_torch.to_torch(Tensor(BF16, "bf16"), "cuda")
            self.assertEqual((str(x.dtype), x.device), ("torch.bfloat16", "cuda"))
            back = arrays_torch.from_torch(x, "bf16")     # fake numpy() refuses a cuda tensor: cpu() came first
        self.assertEqual(back.data.dtype, np.uint16)
        np.testing.assert_array_equal(back.data, BF16)

    def test_fp8_stays_uint8_bits_or_is_viewed_as_float8(self):
        with fake_torch.installed():
            bits = arrays_torch.to_torch(Tensor(FP8, "f8e4m3"), "cuda")
            f8 = arrays_torch.to_torch(Tensor(FP8, "f8e5m2"), "cuda", float8=True)
            self.assertEqual((str(bits.dtype), str(f8.dtype)), ("torch.uint8", "torch.float8_e5m2"))
            np.testing.assert_array_equal(arrays_torch.from_torch(f8, "f8e5m2").data, FP8)
            np.testing.assert_array_equal(arrays_torch.from_torch(bits, "f8e4m3").data, FP8)

    def test_a_result_of_the_wrong_element_type_is_refused(self):
        with fake_torch.installed() as torch:
            x = torch.from_numpy(np.zeros(3, np.float32))
            with self.assertRaises(TypeError) as e:
                arrays_torch.from_torch(x, "bf16")
        self.assertEqual(str(e.exception), "a bf16 output cannot hold float32 elements (takes bfloat16 or int16 or uint16)")

    def test_plain_dtypes_round_trip(self):
        with fake_torch.installed():
            for dtype, a in (("f32", np.array([1.5, -0.0], np.float32)), ("i64", np.array([7, -1], np.int64)),
                             ("f16", np.array([0.5], np.float16)), ("bool", np.array([True, False]))):
                back = arrays_torch.from_torch(arrays_torch.to_torch(Tensor(a, dtype)), dtype)
                self.assertEqual(back.data.tobytes(), a.tobytes(), dtype)


def fake_cupy():
    m = types.ModuleType("cupy")
    m.asarray = lambda a: np.array(a, copy=True)
    m.asnumpy = lambda a: np.array(a, copy=True)
    m.ascontiguousarray = np.ascontiguousarray
    return m


class CupyHelpersOnFakeTest(unittest.TestCase):
    def test_bits_round_trip_and_int16_is_accepted_for_bf16(self):
        with module("cupy", fake_cupy()):
            x = arrays_cupy.to_cupy(Tensor(BF16, "bf16"))
            self.assertEqual(x.dtype, np.uint16)
            np.testing.assert_array_equal(arrays_cupy.from_cupy(x, "bf16").data, BF16)
            signed = arrays_cupy.from_cupy(x.view(np.int16), "bf16")
            self.assertEqual(signed.data.dtype, np.uint16)
            np.testing.assert_array_equal(signed.data, BF16)
            with self.assertRaises(TypeError):
                arrays_cupy.from_cupy(np.zeros(2, np.float32), "f16")


class JArray:
    def __init__(self, a, dtype):
        self.a, self.dtype = a, dtype


def fake_jax():
    """JAX arrays as (numpy bits, dtype); bfloat16 / float8 as named dtypes without numpy types."""
    named = lambda name, storage: types.SimpleNamespace(name=name, storage=np.dtype(storage))  # noqa: E731
    jnp = types.ModuleType("jax.numpy")
    jnp.bfloat16, jnp.float8_e4m3fn, jnp.float8_e5m2 = named("bfloat16", "<u2"), named("float8_e4m3fn", "|u1"), named("float8_e5m2", "|u1")
    jnp.dtype = np.dtype
    jax = types.ModuleType("jax")
    jax.numpy = jnp
    jax.device_put = lambda a, device=None: JArray(np.array(a, copy=True), a.dtype)

    def bitcast(x, t):
        storage = getattr(t, "storage", t)
        assert storage.itemsize == x.a.dtype.itemsize, "bitcast_convert_type changes the width"
        return JArray(x.a.view(storage), t)

    jax.lax = types.SimpleNamespace(bitcast_convert_type=bitcast)
    jax.device_get = lambda x: x.a
    return jax


class JaxHelpersOnFakeTest(unittest.TestCase):
    def test_bf16_and_fp8_are_bitcast_on_the_device_both_ways(self):
        with module("jax", fake_jax()):
            x = arrays_jax.to_jax(Tensor(BF16, "bf16"))
            self.assertEqual(x.dtype.name, "bfloat16")
            np.testing.assert_array_equal(arrays_jax.from_jax(x, "bf16").data, BF16)
            f8 = arrays_jax.to_jax(Tensor(FP8, "f8e4m3"), float8=True)
            self.assertEqual(f8.dtype.name, "float8_e4m3fn")
            np.testing.assert_array_equal(arrays_jax.from_jax(f8, "f8e4m3").data, FP8)
            self.assertEqual(arrays_jax.to_jax(Tensor(FP8, "f8e4m3")).dtype, np.uint8)
            with self.assertRaises(TypeError):
                arrays_jax.from_jax(arrays_jax.to_jax(Tensor(np.zeros(2, np.float32), "f32")), "i32")


@unittest.skipUnless(has("torch"), "torch is not installed here: the real-torch round trip cannot run")
class RealTorchTest(unittest.TestCase):
    def test_bits_round_trip_on_the_best_device(self):
        import torch
        device = "cuda" if torch.cuda.is_available() else "cpu"
        x = arrays_torch.to_torch(Tensor(BF16, "bf16"), device)
        self.assertEqual(x.dtype, torch.bfloat16)
        np.testing.assert_array_equal(arrays_torch.from_torch(x, "bf16").data, BF16)
        f8 = arrays_torch.to_torch(Tensor(FP8, "f8e4m3"), device, float8=True)
        np.testing.assert_array_equal(arrays_torch.from_torch(f8, "f8e4m3").data, FP8)


@unittest.skipUnless(has("cupy"), "cupy is not installed here: the real-cupy round trip cannot run")
class RealCupyTest(unittest.TestCase):
    def test_bits_round_trip(self):
        np.testing.assert_array_equal(arrays_cupy.from_cupy(arrays_cupy.to_cupy(Tensor(BF16, "bf16")), "bf16").data, BF16)


@unittest.skipUnless(has("jax"), "jax is not installed here: the real-JAX round trip cannot run")
class RealJaxTest(unittest.TestCase):
    def test_bits_round_trip(self):
        import jax.numpy as jnp
        x = arrays_jax.to_jax(Tensor(BF16, "bf16"))
        self.assertEqual(x.dtype, jnp.bfloat16)
        np.testing.assert_array_equal(arrays_jax.from_jax(x, "bf16").data, BF16)
        np.testing.assert_array_equal(arrays_jax.from_jax(arrays_jax.to_jax(Tensor(FP8, "f8e5m2"), float8=True), "f8e5m2").data, FP8)


if __name__ == "__main__":
    unittest.main()
