#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrite an ELF core so that every PT_LOAD holds whole pages.

The minimal cores of tests/fixtures/vmcore keep only the bytes vmcore-dmesg
read, in PT_LOADs of a few bytes; a dump file describes whole pages (a
PT_LOAD that holds part of a page does not count it, as makedumpfile counts
them). Each PT_LOAD is widened to the pages it touches, the bytes it does not
hold are zeros, PT_LOADs that share a page are merged. PT_NOTE is kept as is.

  pagealign.py IN OUT [PAGE_SIZE]
"""
import struct
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    ps = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    data = open(src, 'rb').read()
    assert data[:4] == b'\x7fELF' and data[4] == 2 and data[5] == 1
    phoff, = struct.unpack_from('<Q', data, 32)
    phnum, = struct.unpack_from('<H', data, 56)
    notes, pages = [], {}
    for i in range(phnum):
        p_type, p_flags, off, vaddr, paddr, filesz, memsz, align = struct.unpack_from('<IIQQQQQQ', data, phoff + 56 * i)
        if p_type == 4:
            notes.append(data[off:off + filesz])
        elif p_type == 1 and memsz:
            for a in range(paddr - paddr % ps, paddr + memsz, ps):
                page = pages.setdefault(a // ps, bytearray(ps))
                lo, hi = max(a, paddr), min(a + ps, paddr + filesz)
                if lo < hi:
                    page[lo - a:hi - a] = data[off + lo - paddr:off + hi - paddr]
    runs = []
    for pfn in sorted(pages):
        if runs and runs[-1][1] == pfn:
            runs[-1][1] = pfn + 1
        else:
            runs.append([pfn, pfn + 1])
    nph = len(notes) + len(runs)
    out = bytearray(data[:64])
    struct.pack_into('<QH', out, 32, 64, 0)
    struct.pack_into('<Q', out, 40, 0)           # e_shoff
    struct.pack_into('<HHHH', out, 54, 56, nph, 0, 0)
    body_off = 64 + 56 * nph
    body = bytearray()
    phdrs = bytearray()
    for n in notes:
        phdrs += struct.pack('<IIQQQQQQ', 4, 0, body_off + len(body), 0, 0, len(n), len(n), 0)
        body += n
    body += bytes((-(body_off + len(body))) % ps)  # page-align the data
    for start, end in runs:
        size = (end - start) * ps
        phdrs += struct.pack('<IIQQQQQQ', 1, 7, body_off + len(body), 0, start * ps, size, size, 0)
        for pfn in range(start, end):
            body += pages[pfn]
    open(dst, 'wb').write(bytes(out) + bytes(phdrs) + bytes(body))


main()
