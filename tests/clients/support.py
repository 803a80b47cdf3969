"""Helpers shared by the client tests."""

import struct
import zlib


def is_mp4(data: bytes) -> bool:
    """Whether data is an ISO base media file (the emulators hand out real MP4s): a box size, then `ftyp`."""
    return len(data) > 8 and data[4:8] == b"ftyp"


def png(width: int = 320, height: int = 320) -> bytes:
    """A real, small PNG (providers want images at least 300 px a side)."""
    row = b"\x00" + bytes([200, 120, 40]) * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )
