#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What a saved crash dump is, read from its header only: kdump-compressed
(makedumpfile's disk_dump_header, "KDUMP   "), the same inside makedumpfile's
flattened format (-F: a "makedumpfile" header, then (offset, size, data)
records, big-endian, ending with offset -1), or ELF.  Prints one line:
    format=<...> release=<uts release> nodename=<uts nodename>
and exits 0; or prints why not and exits 1.  Used by tests/system."""
import struct
import sys

UTS_LEN = 65


def uts(header):
    # disk_dump_header: signature[8], int header_version, new_utsname
    # {sysname, nodename, release, ...}[65] each.
    fields = [header[12 + i * UTS_LEN:12 + (i + 1) * UTS_LEN].split(b"\0")[0].decode("ascii", "replace")
              for i in range(3)]
    if fields[0] != "Linux":
        raise ValueError("utsname.sysname is %r, not 'Linux'" % fields[0])
    return fields[2], fields[1]


def flattened_first_block(f, size):
    # The flattened header is one 4096-byte page; records follow.
    f.seek(4096)
    pos = 4096
    while pos + 16 <= size:
        offset, length = struct.unpack(">qq", f.read(16))
        if offset == -1:
            break
        if offset < 0 or length < 0 or pos + 16 + length > size:
            raise ValueError("record at %d: offset %d size %d runs past the file (%d bytes)"
                             % (pos, offset, length, size))
        if offset == 0:
            return f.read(min(length, 4096))
        f.seek(length, 1)
        pos += 16 + length
    raise ValueError("no record for offset 0 (the kdump header)")


def main(path):
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        head = f.read(4096)
        if head.startswith(b"\x7fELF"):
            return "format=ELF release=? nodename=?"
        if head.startswith(b"makedumpfile\0"):
            kind, version = struct.unpack(">qq", head[16:32])
            if kind != 1 or version != 1:
                raise ValueError("flattened header type %d version %d, not 1 and 1" % (kind, version))
            block = flattened_first_block(f, size)
            fmt = "flattened kdump-compressed (makedumpfile -F)"
        else:
            block, fmt = head, "kdump-compressed (makedumpfile)"
        if not block.startswith(b"KDUMP   "):
            raise ValueError("no 'KDUMP   ' signature: %r" % block[:8])
        release, node = uts(block)
        return "format=%s release=%s nodename=%s" % (fmt.replace(" ", "_"), release, node)


if __name__ == "__main__":
    try:
        print(main(sys.argv[1]))
    except (OSError, ValueError, struct.error) as e:
        print("%s: %s" % (sys.argv[1], e))
        sys.exit(1)
