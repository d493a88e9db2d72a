"""Reading a GGUF file's metadata and tensor views fast: `read_gguf(path, gguf)`.

`gguf.GGUFReader` (llama.cpp's reader) builds a numpy view per array element, which takes ~30 s
for a 262k-token vocabulary on a 2-core machine. `_FastReader` reads the same little-endian GGUF
v2 / v3 layout with `struct` over one mmap and presents it the way GGUFReader does
(`fields[key].contents()`, `tensors` with name, shape, tensor_type, data), so models/gguf.py can
take either. Files it does not read (big-endian, another version) go to GGUFReader. The layout
(header, key-value pairs, tensor infos, aligned data) follows llama.cpp's gguf.h.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


# GGUF value types (llama.cpp's gguf.h): struct format of the scalars; 8 = string, 9 = array.
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_NUMPY = {"B": np.uint8, "b": np.int8, "H": np.uint16, "h": np.int16, "I": np.uint32, "i": np.int32,
          "f": np.float32, "?": np.bool_, "Q": np.uint64, "q": np.int64, "d": np.float64}


@dataclass
class _Field:
    value: object

    def contents(self):
        return self.value


@dataclass
class _Tensor:
    name: str
    shape: np.ndarray  # GGUF order: the fastest-varying dimension first
    tensor_type: object  # gguf.GGMLQuantizationType
    data: np.ndarray  # GGUFReader's layout: float types as themselves, quantized ones as bytes (rows, row bytes)


class _FastReader:
    """A little-endian GGUF v2 / v3 file's metadata and tensor views, read the way `gguf.GGUFReader`
    presents them (`fields[key].contents()`, `tensors`), but with struct over one mmap: GGUFReader
    builds a numpy view per array element, ~30 s for a 262k-token vocabulary on a 2-core machine."""

    def __init__(self, path: Path, gguf):
        import mmap
        import struct

        with open(path, "rb") as f:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._buf = buf
        magic, version, n_tensors, n_kv = struct.unpack_from("<IIQQ", buf, 0)
        if magic != 0x46554747 or version not in (2, 3):
            raise _Unusual(f"magic {magic:#x}, version {version}")
        pos = 24

        def string(at):
            (n,) = struct.unpack_from("<Q", buf, at)
            if at + 8 + n > len(buf):
                raise ValueError(f"a string runs past the end of the file at byte {at}")
            return buf[at + 8:at + 8 + n].decode("utf-8"), at + 8 + n

        def value(kind, at):
            if kind == _STRING:
                return string(at)
            if kind == _ARRAY:
                sub, count = struct.unpack_from("<IQ", buf, at)
                at += 12
                if sub == _STRING:
                    out = []
                    for _ in range(count):
                        item, at = string(at)
                        out.append(item)
                    return out, at
                if sub not in _SCALARS:
                    raise _Unusual(f"array of value type {sub}")
                dtype = np.dtype(_NUMPY[_SCALARS[sub]]).newbyteorder("<")
                end = at + count * dtype.itemsize
                if end > len(buf):
                    raise ValueError(f"an array runs past the end of the file at byte {at}")
                return np.frombuffer(buf[at:end], dtype=dtype).tolist(), end
            if kind not in _SCALARS:
                raise _Unusual(f"value type {kind}")
            fmt = "<" + _SCALARS[kind]
            return struct.unpack_from(fmt, buf, at)[0], at + struct.calcsize(fmt)

        self.fields = {"GGUF.version": _Field(version), "GGUF.tensor_count": _Field(n_tensors),
                       "GGUF.kv_count": _Field(n_kv)}  # as GGUFReader lists them
        for _ in range(n_kv):
            key, pos = string(pos)
            (kind,) = struct.unpack_from("<I", buf, pos)
            item, pos = value(kind, pos + 4)
            self.fields[key] = _Field(item)
        infos = []
        for _ in range(n_tensors):
            name, pos = string(pos)
            (n_dims,) = struct.unpack_from("<I", buf, pos)
            dims = struct.unpack_from(f"<{n_dims}Q", buf, pos + 4)
            kind, offset = struct.unpack_from("<IQ", buf, pos + 4 + 8 * n_dims)
            pos += 4 + 8 * n_dims + 12
            infos.append((name, dims, kind, offset))
        align = int(self.fields.get("general.alignment", _Field(32)).value)
        start = pos + (-pos % align)
        whole = np.memmap(path, dtype=np.uint8, mode="r")
        plain = {gguf.GGMLQuantizationType.F32: np.float32, gguf.GGMLQuantizationType.F16: np.float16,
                 gguf.GGMLQuantizationType.F64: np.float64, gguf.GGMLQuantizationType.I8: np.int8,
                 gguf.GGMLQuantizationType.I16: np.int16, gguf.GGMLQuantizationType.I32: np.int32,
                 gguf.GGMLQuantizationType.I64: np.int64}
        self.tensors = []
        for name, dims, kind, offset in infos:
            qtype = gguf.GGMLQuantizationType(kind)
            block, type_size = gguf.GGML_QUANT_SIZES[qtype]
            n = int(np.prod(dims)) if dims else 1
            nbytes = n * type_size // block
            shape = tuple(reversed(dims))
            at = start + offset
            if at + nbytes > len(whole):
                raise ValueError(f"tensor {name} runs past the end of the file")
            raw = whole[at:at + nbytes]
            if qtype in plain:
                data = raw.view(plain[qtype]).reshape(shape)
            else:  # GGUFReader's byte shape: the last dimension in bytes
                data = raw.reshape(*shape[:-1], shape[-1] // block * type_size)
            self.tensors.append(_Tensor(name, np.array(dims, dtype=np.uint64), qtype, data))


class _Unusual(Exception):
    """A file _FastReader does not read (big-endian, another version): gguf.GGUFReader reads it."""


def read_gguf(path: Path, gguf):
    """The file's metadata and tensors: our fast reader, or gguf.GGUFReader for files it does not read."""
    try:
        return _FastReader(path, gguf)
    except _Unusual:
        return gguf.GGUFReader(str(path))
