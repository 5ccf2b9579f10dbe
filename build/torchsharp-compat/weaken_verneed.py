#!/usr/bin/env python3
"""Mark one version requirement of an ELF shared object as weak (VER_FLG_WEAK).

Usage: weaken_verneed.py FILE VERSION   e.g. libLibTorchSharp.so GLIBCXX_3.4.32

The dynamic loader refuses to load a library whose .gnu.version_r names a version that no
loaded object defines, unless that entry is weak; then it only warns. The symbol bound to
that version must still be supplied by some loaded object (see ios_base_library_init.cpp).
Exit codes: 0 patched or already weak, 1 version not referenced, 2 not a usable ELF file.
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path: str, version: str) -> int:
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        print(f"{path}: not a 64-bit little-endian ELF file", file=sys.stderr)
        return 2
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        off = e_shoff + i * e_shentsize
        sh_name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, sh_info = struct.unpack_from(
            "<IIQQQQII", data, off)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    for sh_type, sh_offset, _size, sh_link, sh_info in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab_offset = sections[sh_link][1]

        def name_at(o: int) -> str:
            end = data.index(0, strtab_offset + o)
            return data[strtab_offset + o:end].decode()

        need = sh_offset
        for _ in range(sh_info):
            _vn_version, vn_cnt, _file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(vn_cnt):
                _hash, vna_flags, _other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                if name_at(vna_name) == version:
                    if vna_flags & VER_FLG_WEAK:
                        return 0
                    struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                    with open(path, "wb") as f:
                        f.write(data)
                    return 0
                aux += vna_next
            if vn_next == 0:
                break
            need += vn_next
    print(f"{path}: does not require {version}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
