#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check purgatory blobs and embed them in a C file.

    mkblob.py --abi purgatory_abi.h --output purgatory_blobs.c \
              [--blob ARCH LINKED.elf FLAT.bin]...

For each blob, the linked ELF must be for ARCH (x86_64, arm64, riscv64), have no
relocation section with anything in it (the blob is copied into memory as
is, nobody relocates it), its entry must be 0, and the flat binary (objcopy
-O binary of the ELF) must start with a jump over the header (x86 JMP,
arm64 B, riscv64 JAL x0) and carry the header of purgatory_abi.h at
KX_PURGATORY_HEADER_OFFSET whose params_offset and memsz agree with the
ELF's kx_params and kx_end symbols. Any failure fails the build.

The offset of kx_purgatory_verify() in each blob is recorded too, so that
a unit test can run the blob's own digest check in user space.

Without any --blob the table is empty: kx_purgatory_blob() then reports
that no purgatory is built in.
"""

import argparse
import re
import struct
import sys

SHT_SYMTAB = 2
SHT_RELA = 4
SHT_REL = 9
SHT_NOBITS = 8
SHT_RELR = 19
SHF_ALLOC = 2
# What objcopy puts in the blob, and the PIE bookkeeping that may exist
# beside it (nothing the blob's code uses).
IMAGE_SECTIONS = {".text", ".rodata", ".data"}
BOOKKEEPING_SECTIONS = {".dynamic", ".dynsym", ".dynstr", ".hash", ".gnu.hash",
                        ".gnu.version", ".gnu.version_d", ".gnu.version_r"}
RELOC_TYPES = {SHT_RELA: "RELA", SHT_REL: "REL", SHT_RELR: "RELR"}
# The reserved GOT header the AArch64 and RISC-V linkers emit even when
# nothing uses the GOT (.got[0] = _DYNAMIC; three .got.plt words on
# AArch64, two on RISC-V): at most this many bytes is bookkeeping, more
# would be real entries (which in a PIE would also need the relocations
# rejected above).
GOT_HEADER = {"arm64": {".got": 8, ".got.plt": 24},
              "riscv64": {".got": 8, ".got.plt": 16}}
# e_machine of each architecture's purgatory.
EM_X86_64 = 62
EM_AARCH64 = 183
EM_RISCV = 243
MACHINES = {"x86_64": EM_X86_64, "arm64": EM_AARCH64, "riscv64": EM_RISCV}


class BlobError(Exception):
    pass


def abi_constant(abi_text, name):
    m = re.search(r"^#define\s+%s\s+(0x[0-9a-fA-F]+|\d+)" % name, abi_text, re.M)
    if not m:
        raise BlobError("%s not found in the ABI header" % name)
    return int(m.group(1), 0)


def elf_machine(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise BlobError("not a little-endian ELF64 file")
    return struct.unpack_from("<H", elf, 18)[0]


def elf_sections(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise BlobError("not a little-endian ELF64 file")
    e_entry, = struct.unpack_from("<Q", elf, 24)
    e_shoff, = struct.unpack_from("<Q", elf, 40)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", elf, 58)
    sections = []
    for i in range(e_shnum):
        (name, stype, flags, addr, offset, size, link, _info, _align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", elf, e_shoff + i * e_shentsize)
        sections.append(dict(name=name, type=stype, flags=flags, addr=addr,
                             offset=offset, size=size, link=link, entsize=entsize))
    shstr = sections[e_shstrndx]
    for s in sections:
        s["name"] = cstring(elf, shstr["offset"] + s["name"])
    return e_entry, sections


def cstring(data, offset):
    end = data.index(b"\0", offset)
    return data[offset:end].decode()


def elf_symbols(elf, sections):
    syms = {}
    for s in sections:
        if s["type"] != SHT_SYMTAB:
            continue
        strtab = sections[s["link"]]
        for off in range(s["offset"], s["offset"] + s["size"], s["entsize"]):
            name, _info, _other, _shndx, value, _size = struct.unpack_from("<IBBHQQ", elf, off)
            syms[cstring(elf, strtab["offset"] + name)] = value
    return syms


def check_entry_jump(arch, blob, header_end):
    """The first instruction must jump over the header."""
    if arch == "x86_64":
        if blob[0] not in (0xEB, 0xE9):
            raise BlobError("does not start with a jmp (first byte 0x%02x)" % blob[0])
        return
    if arch == "riscv64":
        # JAL x0, <label> (the J pseudo-instruction): opcode 0x6f, rd = 0,
        # a signed offset in bits imm[20|10:1|11|19:12]. A 4-byte
        # instruction (no compressed C.J: the blob is built without C).
        insn, = struct.unpack_from("<I", blob, 0)
        if insn & 0xFFF != 0x06F:
            raise BlobError("does not start with a JAL x0 instruction (0x%08x)" % insn)
        target = (((insn >> 31) & 1) << 20 | ((insn >> 21) & 0x3FF) << 1 |
                  ((insn >> 20) & 1) << 11 | ((insn >> 12) & 0xFF) << 12)
        if target & (1 << 20):
            target -= 1 << 21
        if not header_end <= target < len(blob):
            raise BlobError("the entry jump goes to 0x%x, not past the header into the blob"
                            % target)
        return
    # arm64: B <label> is 0b000101 in bits [31:26], a signed word offset in
    # [25:0]; it must land past the header, inside the blob.
    insn, = struct.unpack_from("<I", blob, 0)
    if insn & 0xFC000000 != 0x14000000:
        raise BlobError("does not start with a B instruction (0x%08x)" % insn)
    target = (insn & 0x03FFFFFF) * 4
    if not header_end <= target < len(blob):
        raise BlobError("the entry branch goes to 0x%x, not past the header into the blob"
                        % target)


def check_blob(arch, elf_path, bin_path, abi_text):
    with open(elf_path, "rb") as f:
        elf = f.read()
    with open(bin_path, "rb") as f:
        blob = f.read()

    if arch not in MACHINES:
        raise BlobError("unknown architecture (known: %s)" % ", ".join(sorted(MACHINES)))
    machine = elf_machine(elf)
    if machine != MACHINES[arch]:
        raise BlobError("ELF machine %d, expected %d for %s" % (machine, MACHINES[arch], arch))
    entry, sections = elf_sections(elf)
    relocs = ["%s (%s, %d bytes)" % (s["name"], RELOC_TYPES[s["type"]], s["size"])
              for s in sections if s["type"] in RELOC_TYPES and s["size"]]
    if relocs:
        raise BlobError("has relocations, it must be position independent: "
                        + ", ".join(relocs))
    if entry != 0:
        raise BlobError("entry point 0x%x, must be 0" % entry)
    left_out = [s["name"] for s in sections
                if s["flags"] & SHF_ALLOC and s["type"] != SHT_NOBITS and s["size"]
                and s["name"] not in IMAGE_SECTIONS | BOOKKEEPING_SECTIONS
                and not s["size"] <= GOT_HEADER.get(arch, {}).get(s["name"], -1)]
    if left_out:
        raise BlobError("sections with contents that the flat binary would leave out: "
                        + ", ".join(left_out))

    hdr_off = abi_constant(abi_text, "KX_PURGATORY_HEADER_OFFSET")
    magic = abi_constant(abi_text, "KX_PURGATORY_MAGIC")
    if len(blob) < hdr_off + 16:
        raise BlobError("%d bytes, too short for the header" % len(blob))
    check_entry_jump(arch, blob, hdr_off + 16)
    got_magic, params_offset, memsz = struct.unpack_from("<QII", blob, hdr_off)
    if got_magic != magic:
        raise BlobError("magic 0x%016x, expected 0x%016x" % (got_magic, magic))

    syms = elf_symbols(elf, sections)
    for name, value in (("kx_params", params_offset), ("kx_end", memsz)):
        if name not in syms:
            raise BlobError("no symbol %s" % name)
        if syms[name] != value:
            raise BlobError("header says 0x%x for %s, the ELF 0x%x" % (value, name, syms[name]))
    if params_offset % 8 or params_offset >= len(blob):
        raise BlobError("params_offset 0x%x is not inside the %d-byte blob"
                        % (params_offset, len(blob)))
    if memsz < len(blob):
        raise BlobError("memsz 0x%x is smaller than the blob (%d bytes)" % (memsz, len(blob)))
    verify = syms.get("kx_purgatory_verify")
    if verify is None or verify >= len(blob):
        raise BlobError("kx_purgatory_verify is not inside the blob")
    return blob, verify


def c_array(name, data):
    lines = ["static const uint8_t %s[%d] __attribute__((aligned(16))) = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    lines.append("};")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--abi", required=True, help="purgatory_abi.h")
    ap.add_argument("--output", required=True)
    ap.add_argument("--blob", nargs=3, action="append", default=[],
                    metavar=("ARCH", "ELF", "BIN"))
    args = ap.parse_args()

    with open(args.abi) as f:
        abi_text = f.read()

    out = ["// SPDX-License-Identifier: GPL-2.0-or-later",
           "/* Generated by src/purgatory/mkblob.py: do not edit. */",
           '#include "purgatory/blobs.h"',
           ""]
    table = []
    for arch, elf_path, bin_path in args.blob:
        if not re.fullmatch(r"[a-z0-9_]+", arch):
            sys.exit("mkblob.py: bad architecture name %r" % arch)
        try:
            blob, verify = check_blob(arch, elf_path, bin_path, abi_text)
        except BlobError as e:
            sys.exit("mkblob.py: %s purgatory (%s): %s" % (arch, elf_path, e))
        out.append(c_array("blob_" + arch, blob))
        out.append("")
        table.append('\t{ "%s", blob_%s, sizeof(blob_%s), 0x%x },' % (arch, arch, arch, verify))
    out.append("const struct kx_purgatory_embedded kx_purgatory_embedded[] = {")
    out.extend(table)
    out.append("\t{ NULL, NULL, 0, 0 },")
    out.append("};")
    out.append("")

    with open(args.output, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
