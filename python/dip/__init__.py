"""Deep Image Prior restoration filters on NumPy arrays, through libdip's C ABI.

    import dip, numpy as np
    clean = dip.run("denoise --sigma 25", noisy)              # uint8/uint16/float32, HxW or HxWxC
    big = dip.run("denoise ! sr --scale 2", image, seed=1)
    filled = dip.run("inpaint", image, mask=mask)             # mask: nonzero/white = keep
    f = dip.Filter("denoise"); f.set("sigma", 25); out = f.run(noisy, progress=print)

Errors are `dip.DipError` subclasses carrying libdip's message and result code. A progress
callback gets (step, total, loss); returning True cancels the run (`dip.Cancelled`), and Ctrl-C
during a run cancels it and raises KeyboardInterrupt. The GIL is released while libdip works.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import os
from typing import Callable, Optional, Sequence

import numpy as np

__all__ = ["run", "Filter", "filters", "parameters", "Parameter", "version",
           "DipError", "Misuse", "NoMemory", "BadParameter", "BadImage", "Cancelled"]


class DipError(Exception):
    """A libdip failure: `code` is the dip.h result code, the message is libdip's."""
    code = 1

    def __init__(self, message: str, code: Optional[int] = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class Misuse(DipError, ValueError):
    code = 2


class NoMemory(DipError, MemoryError):
    code = 3


class BadParameter(DipError, ValueError):
    code = 4


class BadImage(DipError, ValueError):
    code = 5


class Cancelled(DipError):
    code = 6


_ERRORS = {c.code: c for c in (Misuse, NoMemory, BadParameter, BadImage, Cancelled)}


def _error(code: int, message: str) -> DipError:
    return _ERRORS.get(code, DipError)(message, code)


class _Image(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("channels", ctypes.c_int),
                ("type", ctypes.c_int), ("stride", ctypes.c_size_t), ("pixels", ctypes.c_void_p)]


_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_float)
_TYPES = {np.dtype(np.uint8): 1, np.dtype(np.uint16): 2, np.dtype(np.float32): 3}


def _load() -> ctypes.CDLL:
    """libdip: $DIP_LIBRARY, else the copy installed inside this package, else the system's."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("DIP_LIBRARY"), os.path.join(here, "libdip.so.0"),
                  ctypes.util.find_library("dip"), "libdip.so.0"]
    errors = []
    for path in filter(None, candidates):
        if os.sep in path and not os.path.exists(path):
            continue
        try:
            lib = ctypes.CDLL(path)   # CDLL, not PyDLL: calls release the GIL
        except OSError as e:
            errors.append(str(e))
            continue
        _declare(lib)
        return lib
    raise ImportError("dip: cannot load libdip (set DIP_LIBRARY to libdip.so.0, or reinstall "
                      "the package from a dip checkout): " + "; ".join(errors or ["not found"]))


def _declare(lib: ctypes.CDLL) -> None:
    c_char_p, c_int, handle = ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p
    sigs = {
        "dip_version": ([], c_char_p), "dip_filter_count": ([], c_int),
        "dip_filter_name": ([c_int], c_char_p), "dip_filter_summary": ([c_char_p], c_char_p),
        "dip_filter_param_count": ([c_char_p], c_int),
        "dip_filter_new": ([c_char_p, ctypes.POINTER(handle)], c_int),
        "dip_filter_free": ([handle], None), "dip_filter_errmsg": ([handle], c_char_p),
        "dip_filter_set": ([handle, c_char_p, c_char_p], c_int),
        "dip_filter_inputs": ([handle], c_int),
        "dip_filter_output_size": ([handle, c_int, c_int, ctypes.POINTER(c_int), ctypes.POINTER(c_int)], c_int),
        "dip_filter_run": ([handle, ctypes.POINTER(_Image), c_int, ctypes.POINTER(_Image), _PROGRESS, ctypes.c_void_p], c_int),
        "dip_filter_reset": ([handle], c_int),
    }
    for field in ("name", "type", "default", "range", "help"):
        sigs["dip_filter_param_" + field] = ([c_char_p, c_int], c_char_p)
    for name, (args, result) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, result


_lib = _load()


def _text(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b is not None else ""


def version() -> str:
    """libdip's version string."""
    return _text(_lib.dip_version())


def filters() -> list[str]:
    """The names of the filters libdip provides."""
    return [_text(_lib.dip_filter_name(i)) for i in range(_lib.dip_filter_count())]


class Parameter:
    """One declared parameter of a filter, from libdip's catalog."""

    def __init__(self, name: str, type: str, default: str, range: str, help: str):
        self.name, self.type, self.default, self.range, self.help = name, type, default, range, help

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, {self.type}, default={self.default!r}, range={self.range!r})"


def parameters(filter_name: str) -> list[Parameter]:
    """The parameters `filter_name` declares (name, type word, default text, range, help)."""
    key = filter_name.encode()
    count = _lib.dip_filter_param_count(key)
    if count < 0:
        raise BadParameter(f"{filter_name}: unknown filter")
    fields = ("name", "type", "default", "range", "help")
    return [Parameter(*(_text(getattr(_lib, "dip_filter_param_" + f)(key, i)) for f in fields))
            for i in range(count)]


def _as_image(array: np.ndarray, what: str) -> tuple[_Image, np.ndarray]:
    """A dip_image over `array` (kept alive by the returned contiguous copy or view)."""
    a = np.asarray(array)
    if a.dtype == np.bool_:   # a boolean mask: True = keep (white)
        a = a.astype(np.uint8) * np.uint8(255)
    if a.dtype not in _TYPES:
        raise TypeError(f"dip: {what}: dtype {a.dtype} is not uint8, uint16 or float32")
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or not 1 <= a.shape[2] <= 4:
        raise ValueError(f"dip: {what}: shape {array.shape} is not HxW or HxWxC with C in 1..4")
    if a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"dip: {what}: shape {array.shape} has no pixels")
    a = np.ascontiguousarray(a)
    image = _Image(a.shape[1], a.shape[0], a.shape[2], _TYPES[a.dtype], 0, a.ctypes.data)
    return image, a


class Filter:
    """A filter chain in dip-pipe's syntax ("denoise --sigma 25 ! sr --scale 2").

    Consecutive `run` calls are a stream (video frames): a DIP stage whose image has the size of
    the previous run's and is no scene cut starts from its previous fit (far fewer steps), and a
    restoration's result is deflickered against the previous one's. Call `reset()` between
    unrelated images, or set `temporal="off"` to fit every image from scratch and
    `deflicker="off"` to leave results as they come.
    """

    def __init__(self, spec: str, **params):
        self._handle = ctypes.c_void_p()
        code = _lib.dip_filter_new(spec.encode(), ctypes.byref(self._handle))
        if code != 0:
            message = _text(_lib.dip_filter_errmsg(self._handle)) if self._handle else "out of memory"
            self.close()
            raise _error(code, message)
        self.spec = spec
        self._seed: Optional[str] = None
        for name, value in params.items():
            self.set(name.replace("_", "-"), value)

    def close(self) -> None:
        if getattr(self, "_handle", None):
            _lib.dip_filter_free(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _check(self, code: int) -> None:
        if code != 0:
            raise _error(code, _text(_lib.dip_filter_errmsg(self._handle)))

    def set(self, name: str, value) -> "Filter":
        """Sets a parameter ("sigma", "2.sigma", "seed", "max-memory") from a Python value."""
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = str(value)
        self._check(_lib.dip_filter_set(self._handle, name.encode(), text.encode()))
        if name.lstrip("-") == "seed":
            self._seed = text
        return self

    def reset(self) -> "Filter":
        """Forgets the previous runs: the next one starts fresh (see the class notes)."""
        self._check(_lib.dip_filter_reset(self._handle))
        return self

    @property
    def inputs(self) -> int:
        """How many images a run takes: 1, plus each extra image (mask, flash) the chain needs."""
        return _lib.dip_filter_inputs(self._handle)

    def output_size(self, width: int, height: int) -> tuple[int, int]:
        w, h = ctypes.c_int(), ctypes.c_int()
        self._check(_lib.dip_filter_output_size(self._handle, width, height, ctypes.byref(w), ctypes.byref(h)))
        return w.value, h.value

    def run(self, image: np.ndarray, *extras: np.ndarray, mask: Optional[np.ndarray] = None,
            flash: Optional[np.ndarray] = None, seed: Optional[int] = None,
            progress: Optional[Callable[[int, int, float], Optional[bool]]] = None) -> np.ndarray:
        """Runs the chain on `image` and returns the result with the input's dtype and channels.

        `mask` (inpaint) or `flash` (flash/no-flash) is the extra image; a chain with several
        takes them positionally in stage order. `progress(step, total, loss)` returning True
        cancels (`Cancelled`); an exception it raises cancels the run and is re-raised.
        """
        named = [(n, a) for n, a in (("mask", mask), ("flash", flash)) if a is not None]
        for name, _ in named:
            if self.inputs < 1 + len(extras) + len(named):
                self.set(name, name)   # the image comes as an extra input, labelled by its name
        if seed is not None and str(seed) != self._seed:   # a set starts the stream afresh
            self.set("seed", seed)
        arrays = [image, *extras, *(a for _, a in named)]
        if len(arrays) != self.inputs:
            raise Misuse(f"{self.spec}: needs {self.inputs} image(s), got {len(arrays)}", 2)
        images, keep = [], []
        for i, a in enumerate(arrays):
            img, kept = _as_image(a, "image" if i == 0 else f"extra image {i}")
            images.append(img)
            keep.append(kept)
        src = keep[0]
        ow, oh = self.output_size(src.shape[1], src.shape[0])
        out = np.empty((oh, ow, src.shape[2]), dtype=src.dtype)
        out_image = _Image(ow, oh, src.shape[2], _TYPES[src.dtype], 0, out.ctypes.data)

        raised: list[BaseException] = []

        def report(_user, step, total, loss):
            if progress is None:
                return 0
            try:
                return 1 if progress(step, total, float(loss) if not math.isnan(loss) else math.nan) else 0
            except BaseException as e:   # KeyboardInterrupt included: cancel, re-raise after
                raised.append(e)
                return 1

        callback = _PROGRESS(report)
        array_type = _Image * len(images)
        code = _lib.dip_filter_run(self._handle, array_type(*images), len(images), ctypes.byref(out_image),
                                   callback, None)
        if raised:
            raise raised[0]
        self._check(code)
        return out[:, :, 0] if np.asarray(image).ndim == 2 else out


def run(spec: str, image: np.ndarray, *extras: np.ndarray, mask: Optional[np.ndarray] = None,
        flash: Optional[np.ndarray] = None, seed: Optional[int] = None,
        progress: Optional[Callable[[int, int, float], Optional[bool]]] = None, **params) -> np.ndarray:
    """Runs the chain `spec` once on `image`: `dip.run("denoise --sigma 25", noisy)`. Keyword
    parameters are set on the chain (`sigma=25`, `max_memory="2G"`); see `Filter.run`."""
    with Filter(spec, **params) as f:
        return f.run(image, *extras, mask=mask, flash=flash, seed=seed, progress=progress)
