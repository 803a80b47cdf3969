#!/usr/bin/env python3
"""Checks Package.swift's dependency edges against the imports of each target's Swift files.

Every dependency a target declares (another target, or a product) must be imported by at least one of its files:
an edge nothing uses is a build cost and a false statement about the architecture. Every module a file imports must
be declared by its target, or be one of the toolchain's modules, or one of the few modules that come with a declared
product (`TRANSITIVE`, e.g. NIOCore with Hummingbird and AsyncHTTPClient).

Targets are read from `.target(`, `.testTarget(` and `.executableTarget(` entries: `name:`, `path:` (default
`Sources/<name>` or `Tests/<name>`), the quoted target names in `dependencies:` and each `.product(name:)`.
Prints one line on success; exits 1 listing each problem.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Modules every Swift toolchain on Linux provides.
TOOLCHAIN = {
    "Foundation",
    "FoundationEssentials",
    "FoundationNetworking",
    "Dispatch",
    "Glibc",
    "Musl",
    "Darwin",
    "Synchronization",
    "Testing",
}
# Products whose modules are named otherwise (a product may hold several modules).
PRODUCT_MODULES = {"Metrics": {"Metrics", "CoreMetrics"}}
# Modules that arrive with a declared product (its package's own libraries), importable without their own edge.
TRANSITIVE = {
    "NIOCore",
    "NIOHTTP1",
    "NIOPosix",
    "NIOConcurrencyHelpers",
    "NIOFoundationCompat",
    "HTTPTypes",
}

TARGET_START = re.compile(r"\.(target|testTarget|executableTarget)\(")
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public\s+|package\s+|internal\s+)?import\s+"
    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass
class Target:
    name: str
    kind: str
    path: Path
    dependencies: set[str] = field(default_factory=set)


def entries(package: str) -> list[tuple[str, str]]:
    """The text of each target entry (balanced parentheses), with its kind."""
    found = []
    for match in TARGET_START.finditer(package):
        depth, index = 0, match.end() - 1
        while index < len(package):
            if package[index] == "(":
                depth += 1
            elif package[index] == ")":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        found.append((match.group(1), package[match.end() : index]))
    return found


def parse_targets(root: Path) -> list[Target]:
    package = (root / "Package.swift").read_text(encoding="utf-8")
    targets = []
    for kind, body in entries(package):
        name = re.search(r'name:\s*"([^"]+)"', body)
        if not name:
            continue
        path = re.search(r'path:\s*"([^"]+)"', body)
        folder = "Tests" if kind == "testTarget" else "Sources"
        target = Target(name.group(1), kind, root / (path.group(1) if path else f"{folder}/{name.group(1)}"))
        deps = re.search(
            r"dependencies:\s*\[(.*?)\]\s*,\s*(?:swiftSettings|exclude|path|resources|plugins|\Z)", body, re.S
        )
        text = deps.group(1) if deps else ""
        target.dependencies |= set(re.findall(r'\.product\(name:\s*"([^"]+)"', text))
        target.dependencies |= set(
            re.findall(r'(?<![:\w])"([A-Za-z][A-Za-z0-9]*)"', re.sub(r"\.product\([^)]*\)", "", text))
        )
        targets.append(target)
    return targets


def imports(target: Target) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for file in sorted(target.path.rglob("*.swift")):
        for line in file.read_text(encoding="utf-8").splitlines():
            match = IMPORT.match(line)
            if match:
                found.setdefault(match.group(1), []).append(file)
    return found


def problems(root: Path) -> tuple[list[str], int]:
    targets = parse_targets(root)
    names = {target.name for target in targets}
    # A test target depends on an executable target to have it built (the tests run it), not to import it.
    executables = {target.name for target in targets if target.kind == "executableTarget"}
    found = []
    edges = 0
    for target in targets:
        imported = imports(target)
        edges += len(target.dependencies)
        provided = {
            module for dependency in target.dependencies for module in PRODUCT_MODULES.get(dependency, {dependency})
        }
        for dependency in sorted(target.dependencies - executables):
            if not PRODUCT_MODULES.get(dependency, {dependency}) & set(imported):
                found.append(f"{target.name}: declares {dependency} but none of its files imports it")
        for module, files in sorted(imported.items()):
            if module in provided or module in TOOLCHAIN or module in TRANSITIVE or module == target.name:
                continue
            where = files[0].relative_to(root)
            what = "a target" if module in names else "a module"
            found.append(f"{target.name}: {where} imports {module}, {what} the target does not declare")
    return found, edges


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    found, edges = problems(args.root)
    if found:
        print("\n".join(found))
        return 1
    print(f"dependencies: all {edges} edges of Package.swift are imported; no target imports an undeclared module")
    return 0


if __name__ == "__main__":
    sys.exit(main())
