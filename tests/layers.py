#!/usr/bin/env python3
"""layers — pins the module structure (docs/ARCHITECTURE.md, "Who calls whom"):

1. Below the commands nothing reaches up: no file of src/ other than the
   command files (cmd_*.c, cmdtable.c, main.c) includes a command header
   (commands.h, cmd_*.h) or a dashboard header (ui/*.h, ui/*.def).
2. Headers form no include cycle (src/*.h, ui/*.h).
3. Functions form no call cycle between files, and no file below the
   commands calls a function defined in a command file or in ui/: read from
   the built objects with nm (a declaration in the wrong header, such as
   advice.h once declaring loaders defined in cmd_advise.c, is seen here).
   Registries (the command list, the pane table) point at their rows' data,
   which is not a call: only function symbols count.

Runs in a second; `make check` runs it from the build tree (SD_SRCDIR names
the sources). Exit 0, or 1 with one line per finding."""
import os
import re
import subprocess
import sys

SRC = os.environ.get("SD_SRCDIR", ".")
BUILD = os.getcwd()
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def command_file(name):
    return name.startswith("cmd_") or name in ("cmdtable.c", "main.c", "commands.h")


def files(folder, exts):
    d = os.path.join(SRC, folder)
    return sorted(f for f in os.listdir(d) if f.endswith(exts))


def includes(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return INCLUDE.findall(fh.read())


def find_cycle(graph):
    """One cycle of graph (node -> successors) as a list, or None."""
    colour, stack = {}, []

    def visit(v):
        colour[v] = 1
        stack.append(v)
        for w in graph.get(v, ()):
            if colour.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in colour:
                found = visit(w)
                if found:
                    return found
        stack.pop()
        colour[v] = 2
        return None

    for v in sorted(graph):
        if v not in colour:
            found = visit(v)
            if found:
                return found
    return None


def check_includes(problems):
    ui_headers = set(files("ui", (".h", ".def")))
    for f in files("src", (".c", ".h")):
        if command_file(f):
            continue
        for inc in includes(os.path.join(SRC, "src", f)):
            base = os.path.basename(inc)
            if base == "commands.h" or base.startswith("cmd_"):
                problems.append(f"src/{f} includes the command header {inc}")
            elif base in ui_headers:
                problems.append(f"src/{f} includes the dashboard header {inc}")


def check_header_cycles(problems):
    graph = {}
    for folder in ("src", "ui"):
        for f in files(folder, (".h",)):
            graph[f] = [os.path.basename(i) for i in includes(os.path.join(SRC, folder, f))
                        if i.endswith(".h")]
    cycle = find_cycle(graph)
    if cycle:
        problems.append("headers include each other in a cycle: " + " -> ".join(cycle))


def objects():
    out = []
    for folder in ("src", "ui"):
        d = os.path.join(BUILD, folder)
        if os.path.isdir(d):
            out += [os.path.join(folder, f) for f in sorted(os.listdir(d))
                    if f.endswith(".o") and f != "main.o" and f != "embedded_data.o"]
    return out


def check_calls(problems):
    objs = objects()
    if len(objs) < 10:
        problems.append(f"no built objects under {BUILD}/src: build first (make)")
        return
    wanted = {o[:-2]: set() for o in objs}
    defined = {}
    # one nm for all: "src/model.o:    U ctx_fail" (not one process per file)
    nm = subprocess.run(["nm", "-A"] + objs, cwd=BUILD, capture_output=True, text=True,
                        check=True).stdout
    for line in nm.splitlines():
        where, _, rest = line.partition(".o:")
        name = where
        p = rest.split()
        if len(p) == 2 and p[0] == "U":
            wanted[name].add(p[1])
        elif len(p) == 3 and p[1] == "T":
            defined[p[2]] = name
    graph = {}
    for name, syms in wanted.items():
        graph[name] = sorted({defined[s] for s in syms if s in defined and defined[s] != name})
        below = name.startswith("src/") and not command_file(os.path.basename(name) + ".c")
        for s in sorted(syms):
            owner = defined.get(s)
            if below and owner and (owner.startswith("ui/") or
                                    command_file(os.path.basename(owner) + ".c")):
                problems.append(f"{name}.c calls {s}, defined in {owner}.c")
    cycle = find_cycle(graph)
    if cycle:
        problems.append("files call each other in a cycle: " + " -> ".join(c + ".c" for c in cycle))


def main():
    problems = []
    check_includes(problems)
    check_header_cycles(problems)
    check_calls(problems)
    for p in problems:
        print("layers: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
