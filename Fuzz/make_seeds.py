#!/usr/bin/env python3
"""Writes the crafted seed inputs in Fuzz/Corpus/ (standard library only).

PNGDecoder seeds are small PNG files with one problem each; KernelParser seeds
start with the selector byte that Fuzz/KernelParser/main.swift reads (even:
matrix text, odd: JSON), followed by the text.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind, data):
    """Returns a PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width=4, height=4, declared=None, before_idat=b"", idat=None, after_iend=b""):
    """Returns a gray 8-bit PNG; `declared` overrides the IHDR size."""
    declared_width, declared_height = declared or (width, height)
    header = struct.pack(">IIBBBBB", declared_width, declared_height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes((x * 40 + y * 20) % 256 for x in range(width))
                    for y in range(height))
    data = idat if idat is not None else zlib.compress(rows)
    return (SIGNATURE + chunk(b"IHDR", header) + before_idat + chunk(b"IDAT", data)
            + chunk(b"IEND", b"") + after_iend)


def corrupt_crc(data, kind):
    """Flips the last CRC byte of the first chunk of type `kind`."""
    data = bytearray(data)
    start = data.find(kind) - 4
    length = struct.unpack(">I", data[start:start + 4])[0]
    data[start + 8 + length + 3] ^= 0xFF
    return bytes(data)


def write(folder, name, data):
    with open(os.path.join(HERE, "Corpus", folder, name), "wb") as file:
        file.write(data)


text = chunk(b"tEXt", b"Comment\x00seed")
write("PNGDecoder", "declared-100000x100000.png", png(1, 1, declared=(100000, 100000)))
write("PNGDecoder", "declared-zero-width.png", png(1, 1, declared=(0, 1)))
write("PNGDecoder", "extra-data-after-iend.png", png(after_iend=b"extra"))
write("PNGDecoder", "ancillary-crc-error.png", corrupt_crc(png(before_idat=text), b"tEXt"))
write("PNGDecoder", "bad-zlib-stream.png", png(idat=b"\x78\x9c" + b"not deflate data"))
write("PNGDecoder", "signature-then-garbage.png", SIGNATURE + bytes(range(256)) * 2)
write("PNGDecoder", "truncated-idat.png", png()[:60])
write("PNGDecoder", "srgb-gama.png", png(before_idat=chunk(b"sRGB", b"\x00")
                                             + chunk(b"gAMA", struct.pack(">I", 45455))))

kernels = {
    "matrix-3x3.txt": b"\x00" + b"1 2 1; 2 4 2; 1 2 1",
    "matrix-brackets-normalized.txt": b"\x02" + b"[1,2,1; 2,4,2; 1,2,1]",
    "matrix-comments.txt": b"\x04" + b"# edges\n-1 0 1  # row 1\n-2 0 2\n-1 0 1\n",
    "matrix-even.txt": b"\x08" + b"1 -1; -1 1",
    "matrix-ragged.txt": b"\x00" + b"1 2; 3",
    "matrix-nan.txt": b"\x00" + b"1 nan 1",
    "matrix-huge-number.txt": b"\x00" + b"1e39 1",
    "json-kernel.json": b"\x01" + b'{"kernel": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "divisor": 1}',
    "json-shared.json": b"\x03" + b'{"format": "convkit-kernel", "version": 1, "mode": "shared", '
                        b'"bias": [0.5], "border": "wrap", "weights": [[[[1, 2], [3, 4]]]]}',
    "json-depthwise.json": b"\x05" + b'{"mode": "depthwise", "weights": [[[[1]]], [[[2]]], [[[3]]]]}',
    "json-full.json": b"\x07" + b'{"mode": "full", "bias": [0, 0], "weights": '
                      b'[[[[1]], [[0]]], [[[0]], [[1]]]]}',
    "json-nested.json": b"\x01" + b'{"kernel": ' + b"[" * 64 + b"]" * 64 + b"}",
}
for name, data in kernels.items():
    write("KernelParser", name, data)
