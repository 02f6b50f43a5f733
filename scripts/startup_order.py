#!/usr/bin/env python3
"""Lists the functions a run of the release binary executed, for the linker to put side by side.

    startup_order.py LINKER_MAP CALLGRIND_OUT... > src-tauri/startup.order

LINKER_MAP is LLD's map of the binary that ran (`-Map`, with `--no-demangle`: the list must hold
the names as they are in the object files). Each CALLGRIND_OUT is callgrind's output of that
binary run with `--dump-instr=yes`, which gives the address of every instruction it executed.
Each address is looked up among the map's input sections, and each section that was run is
named by the first symbol the map lists in it: the linker moves whole sections, so one name per
section is enough. The names are sorted so that a new list differs from the old one only where
the code did. scripts/startup-order.sh runs this; docs/BENCHMARKS.md says why.
"""
import bisect
import os
import re
import sys

# "VMA LMA Size Align Out In Symbol" columns; an input section line ends in "file:(section)", a
# symbol line is the four numbers and a name.
SECTION = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+\S.*:\((\.text[^)]*)\)\s*$")
SYMBOL = re.compile(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+\s+(\S+)\s*$")


def code_sections(map_path):
    """(start, end, first symbol) of every non-empty code section in the map, by address."""
    sections = []
    pending = None  # a section whose first symbol is the next symbol line
    with open(map_path) as lines:
        for line in lines:
            section = SECTION.match(line)
            if section:
                start, size = int(section.group(1), 16), int(section.group(2), 16)
                pending = [start, start + size, None] if size else None
                continue
            symbol = SYMBOL.match(line)
            if symbol and pending is not None and pending[2] is None:
                pending[2] = symbol.group(1)
                sections.append(tuple(pending))
                pending = None
    sections.sort()
    return sections


def executed_addresses(callgrind_path, binary_name):
    """Instruction addresses callgrind recorded in the named object (positions may be relative)."""
    in_binary, position = False, 0
    # Callgrind names an object once, as "ob=(id) path" or "cob=(id) path", then only as "(id)".
    objects = {}
    with open(callgrind_path) as lines:
        for line in lines:
            first = line[:1]
            if first in ("o", "c") and line.startswith(("ob=", "cob=")):
                reference = re.match(r"c?ob=(?:\((\d+)\))?\s*(.*)", line.rstrip("\n"))
                key, path = reference.group(1), reference.group(2)
                if path and key:
                    objects[key] = path
                if first == "o":
                    in_binary = os.path.basename(path or objects.get(key, "")) == binary_name
            elif first and first in "0123456789+-*":
                token = line.split(None, 1)[0]
                if token.startswith("0x"):
                    position = int(token, 16)
                elif first == "+":
                    position += int(token[1:], 0)
                elif first == "-":
                    position -= int(token[1:], 0)
                elif first != "*":
                    position = int(token, 0)
                if in_binary:
                    yield position


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    map_path, callgrind_paths = sys.argv[1], sys.argv[2:]
    binary_name = os.environ.get("BINARY", "kickstart")
    sections = code_sections(map_path)
    starts = [start for start, _, _ in sections]
    run, unplaced = set(), 0
    for path in callgrind_paths:
        for address in executed_addresses(path, binary_name):
            index = bisect.bisect_right(starts, address) - 1
            if index >= 0 and address < sections[index][1]:
                run.add(index)
            else:
                unplaced += 1
    if not run:
        sys.exit(f"no instructions of {binary_name} in {callgrind_paths}: was it the binary that ran?")
    size = sum(sections[index][1] - sections[index][0] for index in run)
    print(
        f"{len(run)} of {len(sections)} code sections ran, {size / 2**20:.2f} MiB; "
        f"{unplaced} instructions outside any section",
        file=sys.stderr,
    )
    for name in sorted({sections[index][2] for index in run}):
        print(name)


if __name__ == "__main__":
    main()
