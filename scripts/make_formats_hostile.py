#!/usr/bin/env python3
"""Hostile and seed inputs for the .doc, RTF and winmail.dat readers, written to
fuzz/corpus/{doc_read,rtf_read,tnef_read}/ (tests/suite/fuzz_replay.rs replays every file there, and
tests/suite/hostile.rs reads each through the reader and checks the outcome).

The hostile .doc files are fixtures/formats/forms/doc_formfields_table.doc (a LibreOffice
Word 97 file) with its compound-file tables bent: a FAT chain that loops back into itself,
every FAT entry pointing at one sector, a DIFAT that loops, a directory entry claiming a 4 GB
stream, a FIB whose text length and piece table point far past the stream, FKP page numbers
past the end. The RTF files nest a group 100,000 deep, hold 20,000 \\u escapes with lying \\uc
skips, a 4 GB \\bin and a control word 100,000 letters long. The TNEF files carry a 4 GB
attribute length, a MAPI property count of four billion, 20,000 attributes, and a winmail.dat
nested ten deep. Deterministic; run from the repository root:

    python3 scripts/make_formats_hostile.py
"""
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
SECTOR = 512


def u32(b, at):
    return struct.unpack_from("<I", b, at)[0]


def write(target, name, data):
    (CORPUS / target / name).write_bytes(bytes(data))


def fat_sectors(doc):
    return [s for s in struct.unpack_from("<109I", doc, 76) if s < 0xFFFFFFFA]


def fat_entry_offset(doc, index):
    """File offset of FAT entry `index` (sector size 512: 128 entries per FAT sector)."""
    fat_sector = fat_sectors(doc)[index // 128]
    return (fat_sector + 1) * SECTOR + 4 * (index % 128)


def directory_entries(doc):
    """(offset, name, start sector, size) of each directory entry, along the directory chain."""
    sector = u32(doc, 48)
    out = []
    for _ in range(64):
        if sector >= 0xFFFFFFFA:
            break
        base = (sector + 1) * SECTOR
        for i in range(4):
            at = base + 128 * i
            name_len = struct.unpack_from("<H", doc, at + 64)[0]
            name = doc[at:at + max(0, name_len - 2)].decode("utf-16le", "replace")
            out.append((at, name, u32(doc, at + 116), u32(doc, at + 120)))
        sector = u32(doc, fat_entry_offset(doc, sector))
    return out


def stream_start(doc, wanted):
    for at, name, start, size in directory_entries(doc):
        if name == wanted:
            return at, start, size
    raise SystemExit(f"{wanted} not found")


def docs():
    src = (ROOT / "fixtures/formats/forms/doc_formfields_table.doc").read_bytes()
    write("doc_read", "seed-formfields-table.doc", src)
    write("doc_read", "seed-table-glyphs.doc",
          (ROOT / "fixtures/formats/forms/doc_table_glyphs.doc").read_bytes())

    # 1. The WordDocument stream's chain loops back to its second sector.
    doc = bytearray(src)
    _, start, size = stream_start(doc, "WordDocument")
    chain = [start]
    while len(chain) < 4:
        nxt = u32(doc, fat_entry_offset(doc, chain[-1]))
        if nxt >= 0xFFFFFFFA:
            break
        chain.append(nxt)
    struct.pack_into("<I", doc, fat_entry_offset(doc, chain[-1]), chain[1])
    write("doc_read", "hostile-fat-chain-loop.doc", doc)

    # 2. Every FAT entry points at sector 0.
    doc = bytearray(src)
    for fs in fat_sectors(doc):
        for i in range(128):
            struct.pack_into("<I", doc, (fs + 1) * SECTOR + 4 * i, 0)
    write("doc_read", "hostile-fat-all-to-zero.doc", doc)

    # 3. Every FAT entry points at itself.
    doc = bytearray(src)
    for fs in fat_sectors(doc):
        for i in range(128):
            struct.pack_into("<I", doc, (fs + 1) * SECTOR + 4 * i, fs * 128 + i)
    write("doc_read", "hostile-fat-self-loops.doc", doc)

    # 4. A DIFAT chain that loops on itself (header: first DIFAT sector, count).
    doc = bytearray(src)
    struct.pack_into("<I", doc, 68, 1)       # first DIFAT sector
    struct.pack_into("<I", doc, 72, 1000)    # DIFAT sector count
    struct.pack_into("<I", doc, (1 + 1) * SECTOR + 508, 1)  # its "next" is itself
    write("doc_read", "hostile-difat-loop.doc", doc)

    # 5. The WordDocument directory entry claims a 4 GB stream from a sector past the end.
    doc = bytearray(src)
    at, _, _ = stream_start(doc, "WordDocument")
    struct.pack_into("<I", doc, at + 116, 0x7FFFFFF0)
    struct.pack_into("<I", doc, at + 120, 0xFFFFFFF0)
    write("doc_read", "hostile-dir-4gb-stream.doc", doc)

    # 6. The FIB: text length 2^31, the piece table past the table stream, FKP pages past the end.
    doc = bytearray(src)
    _, start, _ = stream_start(doc, "WordDocument")
    fib = (start + 1) * SECTOR
    struct.pack_into("<i", doc, fib + 0x4C, 0x7FFFFFFF)       # ccpText
    struct.pack_into("<II", doc, fib + 0x1A2, 0x7FFFFFF0, 0xFFFFFFF0)  # fcClx, lcbClx
    struct.pack_into("<II", doc, fib + 0xFA, 0, 0xFFFFFF00)   # PlcfBteChpx over everything
    write("doc_read", "hostile-fib-lies.doc", doc)

    # 7. Cut inside the directory (truncated file) and a bare header.
    write("doc_read", "hostile-truncated.doc", src[: len(src) * 3 // 5])
    write("doc_read", "hostile-header-only.doc", src[:SECTOR])


def rtfs():
    write("rtf_read", "seed-wordpad.rtf",
          (ROOT / "fixtures/formats/forms/rtf_wordpad_wingdings.rtf").read_bytes())
    write("rtf_read", "seed-lo-formfields.rtf",
          (ROOT / "fixtures/formats/forms/rtf_lo_formfields.rtf").read_bytes())
    deep = b"{\\rtf1 " + b"{" * 100_000 + b"deep" + b"}" * 100_000 + b" after\\par}"
    write("rtf_read", "hostile-nested-100000.rtf", deep)
    unclosed = b"{\\rtf1 " + b"{\\field{\\*\\fldinst FORMTEXT }{\\fldrslt x" * 2_000
    write("rtf_read", "hostile-unclosed-fields.rtf", unclosed)
    escapes = b"{\\rtf1\\uc9 " + b"\\u55357\\u-1\\'zz" * 20_000 + b"}"
    write("rtf_read", "hostile-unicode-escapes.rtf", escapes)
    write("rtf_read", "hostile-bin-4gb.rtf", b"{\\rtf1 \\bin4294967295 abc}")
    write("rtf_read", "hostile-long-word.rtf", b"{\\rtf1 \\" + b"a" * 100_000 + b"123456789012345 x}")
    cells = b"{\\rtf1 " + b"\\itap9999\\intbl\\nestcell\\cell\\row\\nestrow" * 5_000 + b"}"
    write("rtf_read", "hostile-table-marks.rtf", cells)


def record(level, attr, data):
    return (bytes([level]) + struct.pack("<II", attr, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def tnef(files):
    out = b"\x78\x9f\x3e\x22\x01\x00"
    for name, data in files:
        out += record(2, 0x00069002, b"\x01\x00" + b"\x00" * 12)
        out += record(2, 0x00018010, name.encode("cp1252") + b"\x00")
        out += record(2, 0x0006800F, data)
    return out


def tnefs():
    write("tnef_read", "seed-two-files.dat",
          tnef([("FORM.PDF", b"%PDF-1.4\n%%EOF\n"), ("a.docx", b"PK\x03\x04")]))
    lying = b"\x78\x9f\x3e\x22\x01\x00" + bytes([2]) + struct.pack("<II", 0x0006800F, 0xFFFFFFFF)
    write("tnef_read", "hostile-length-4gb.dat", lying + b"x" * 64)
    props = struct.pack("<I", 0xFFFFFFFF) + struct.pack("<HH", 0x101F, 0x3707) + b"\xff" * 8
    write("tnef_read", "hostile-property-count.dat",
          b"\x78\x9f\x3e\x22\x01\x00" + record(2, 0x00069002, b"\x00" * 14)
          + record(2, 0x00069005, props))
    many = b"\x78\x9f\x3e\x22\x01\x00" + record(1, 0x00018004, b"x") * 20_000
    write("tnef_read", "hostile-20000-attributes.dat", many)
    nested = tnef([("form.pdf", b"%PDF-1.4\n%%EOF\n")])
    for i in range(10):
        nested = tnef([(f"winmail{i}.dat", nested)])
    write("tnef_read", "hostile-nested-10.dat", nested)


if __name__ == "__main__":
    docs()
    rtfs()
    tnefs()
