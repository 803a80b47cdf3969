#!/usr/bin/env python3
"""Check that each provider's credential names and variables agree everywhere they are written.

The source of truth is the ``credentials:`` map of ``Providers/<id>/manifest.yaml`` (credential name -> default
environment variable, block or flow style, e.g. ``app_id: CHANJING_APP_ID``). For every provider:

* ``docs/configuration.md``: the provider table (header ``| provider | variables | ...``) has a row for the
  provider listing exactly the manifest's variables, and has no row for a provider without a manifest; a
  ``credentials:`` map under the provider in the file's YAML examples has exactly the manifest's names and variables.
* ``docker/compose.yaml``: every variable is passed through to a service (``VAR: ${VAR:-}`` or ``- VAR=${VAR}``),
  and every variable passed through is declared by a manifest (``SEEDGATE_*`` and ``POSTGRES_*`` excepted).
* ``docker/*.yaml`` other than compose.yaml (SeedGate configurations): a provider's ``credentials:`` map uses only
  the names its manifest declares (the variables may differ: a configuration overrides them).
* the test fixtures' list of variables they withhold from SeedGate, so tests never hand it real credentials:
  ``CREDENTIAL_VARIABLES`` in ``tests/clients/conftest.py`` and ``PROVIDER_CREDENTIALS`` in
  ``scripts/seedgate_harness/processes.py`` (which the client fixtures now use): each of them that the file defines
  (read with ``ast``, never imported) holds every variable, and at least one is defined.

YAML is read by hand (PyYAML is not part of a clean Debian Python): only the small ``credentials:`` maps and
compose's environment lines are parsed. Exit status 1 with one line per disagreement naming the provider, the
variable and the file; else 0 and one summary line. Usage: ``scripts/check_credentials.py [--root DIR]``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CONFIGURATION = "docs/configuration.md"
COMPOSE = "docker/compose.yaml"
FIXTURES = (
    ("tests/clients/conftest.py", "CREDENTIAL_VARIABLES"),
    ("scripts/seedgate_harness/processes.py", "PROVIDER_CREDENTIALS"),
)
EXEMPT_PREFIXES = ("SEEDGATE_", "POSTGRES_")
VARIABLE = r"[A-Z][A-Z0-9_]*"
KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[\w.-]+):(?P<rest>.*)$")
BACKTICKED_VARIABLE = re.compile(rf"`({VARIABLE})`")
PASSED = re.compile(rf"^\s*(?:-\s*)?(?P<name>{VARIABLE})\s*[:=]\s*[\"']?\$\{{(?P<source>{VARIABLE})(?::?-[^}}]*)?\}}")

Credentials = dict[str, str]


@dataclass(frozen=True)
class CredentialMap:
    owner: str | None
    line: int
    entries: Credentials


def strip_comment(text: str) -> str:
    return re.sub(r"(^|\s)#.*$", "", text).strip()


def unquote(text: str) -> str:
    return text.strip().strip("\"'")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def flow_map(text: str) -> Credentials:
    """``{a: B, c: D}`` as a dict."""
    pairs = (item.split(":", 1) for item in text.strip().strip("{}").split(",") if ":" in item)
    return {unquote(key): unquote(value) for key, value in pairs}


def block_map(lines: list[str], start: int, indent: int) -> Credentials:
    """The ``key: value`` lines indented deeper than ``indent`` from ``lines[start]`` on."""
    entries: Credentials = {}
    for line in lines[start:]:
        content = strip_comment(line)
        if not content:
            continue
        if indent_of(line) <= indent:
            break
        key, _, value = content.partition(":")
        entries[unquote(key)] = unquote(value)
    return entries


def owner_of(lines: list[str], index: int, indent: int) -> str | None:
    """The key of the nearest line above ``lines[index]`` that is indented less, if any."""
    for line in reversed(lines[:index]):
        match = KEY_LINE.match(line)
        if strip_comment(line) and match and len(match["indent"]) < indent:
            return match["key"]
    return None


def credential_maps(lines: list[str], first_line: int = 1) -> Iterator[CredentialMap]:
    """Every ``credentials:`` map in YAML lines, with the key it sits under."""
    for index, line in enumerate(lines):
        match = KEY_LINE.match(line)
        if not match or match["key"] != "credentials":
            continue
        indent, rest = len(match["indent"]), strip_comment(match["rest"])
        entries = flow_map(rest) if rest.startswith("{") else block_map(lines, index + 1, indent)
        yield CredentialMap(owner_of(lines, index, indent), first_line + index, entries)


def yaml_blocks(markdown: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each fenced ``yaml`` block of a markdown text."""
    block: list[str] | None = None
    start = 0
    for number, line in enumerate(markdown.splitlines(), start=1):
        if block is None and line.strip() == "```yaml":
            block, start = [], number + 1
        elif block is not None and line.strip() == "```":
            yield start, block
            block = None
        elif block is not None:
            block.append(line)


def manifests(root: Path) -> dict[str, Credentials]:
    found: dict[str, Credentials] = {}
    for path in sorted(root.glob("Providers/*/manifest.yaml")):
        maps = [m for m in credential_maps(path.read_text(encoding="utf-8").splitlines()) if m.owner is None]
        found[path.parent.name] = maps[0].entries if maps else {}
    return found


def table_rows(markdown: str, header: tuple[str, str]) -> dict[str, list[str]]:
    """First cell (without backticks) -> the backticked variables of the second, for the table with ``header``."""
    rows: dict[str, list[str]] = {}
    in_table = False
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if tuple(cells[:2]) == header:
            in_table = True
        elif in_table and not cells:
            break
        elif in_table and len(cells) > 1 and not set(cells[0]) <= set("-: "):
            rows[cells[0].strip("`")] = BACKTICKED_VARIABLE.findall(cells[1])
    return rows


def passed_variables(compose: str) -> set[str]:
    matches = (PASSED.match(line) for line in compose.splitlines())
    return {match["name"] for match in matches if match and match["name"] == match["source"]}


def assigned_strings(source: str, name: str) -> set[str] | None:
    """The literal strings assigned to module-level ``name`` in Python source, or None if it is not assigned."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return None


def read(root: Path, rel: str, problems: list[str] | None = None) -> str:
    """The file's text; "" (and a problem, if ``problems`` is given) when it is missing."""
    path = root / rel
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if problems is not None:
        problems.append(f"{rel}: missing")
    return ""


def check_configuration(text: str, declared: dict[str, Credentials], problems: list[str]) -> None:
    rows = table_rows(text, ("provider", "variables"))
    if not rows:
        problems.append(f"{CONFIGURATION}: no provider table (header `| provider | variables |`)")
        return
    for provider, credentials in declared.items():
        listed = rows.get(provider)
        if listed is None:
            problems.append(f"{provider}: no row in the provider table of {CONFIGURATION}")
            continue
        for name, variable in credentials.items():
            if variable not in listed:
                problems.append(f"{provider}: {variable} ({name}) missing from {CONFIGURATION}'s provider table")
        for variable in sorted(set(listed) - set(credentials.values())):
            problems.append(f"{provider}: {CONFIGURATION}'s provider table lists {variable}, not in its manifest")
    for provider in sorted(set(rows) - set(declared)):
        problems.append(f"{provider}: in {CONFIGURATION}'s provider table, but Providers/{provider}/ has no manifest")


def check_configuration_examples(text: str, declared: dict[str, Credentials], problems: list[str]) -> None:
    for start, lines in yaml_blocks(text):
        for found in credential_maps(lines, start):
            expected = declared.get(found.owner or "")
            if expected is not None and found.entries != expected:
                problems.append(
                    f"{found.owner}: {CONFIGURATION}:{found.line} gives credentials {found.entries}, "
                    f"its manifest {expected}"
                )


def check_compose(text: str, declared: dict[str, Credentials], problems: list[str]) -> None:
    passed = passed_variables(text)
    variables = {variable for credentials in declared.values() for variable in credentials.values()}
    for provider, credentials in declared.items():
        for name, variable in credentials.items():
            if variable not in passed:
                problems.append(f"{provider}: {variable} ({name}) is not passed through in {COMPOSE}")
    for variable in sorted(passed - variables):
        if not variable.startswith(EXEMPT_PREFIXES):
            problems.append(f"{COMPOSE} passes {variable}, which no provider manifest declares")


def check_configurations(root: Path, declared: dict[str, Credentials], problems: list[str]) -> None:
    for path in sorted((root / "docker").glob("*.yaml")):
        if path.name == Path(COMPOSE).name:
            continue
        for found in credential_maps(path.read_text(encoding="utf-8").splitlines()):
            expected = declared.get(found.owner or "")
            rel = path.relative_to(root).as_posix()
            for name in sorted(set(found.entries) - set(expected or {})):
                problems.append(f"{found.owner}: {rel}:{found.line} names credential {name!r}, not in its manifest")


def check_fixtures(root: Path, declared: dict[str, Credentials], problems: list[str]) -> None:
    lists = {(rel, name): assigned_strings(read(root, rel), name) for rel, name in FIXTURES}
    if all(variables is None for variables in lists.values()):
        wanted = " or ".join(f"{name} in {rel}" for rel, name in FIXTURES)
        problems.append(f"no test fixture lists the provider credentials ({wanted})")
    for (rel, list_name), variables in lists.items():
        for provider, credentials in declared.items():
            for name, variable in credentials.items():
                if variables is not None and variable not in variables:
                    problems.append(f"{provider}: {variable} ({name}) missing from {list_name} in {rel}")


def check(root: Path) -> tuple[dict[str, Credentials], list[str]]:
    problems: list[str] = []
    declared = manifests(root)
    if not declared:
        problems.append("Providers/: no manifests found")
    for provider, credentials in declared.items():
        if not credentials:
            problems.append(f"{provider}: Providers/{provider}/manifest.yaml declares no credentials")
    configuration = read(root, CONFIGURATION, problems)
    if configuration:
        check_configuration(configuration, declared, problems)
        check_configuration_examples(configuration, declared, problems)
    compose = read(root, COMPOSE, problems)
    if compose:
        check_compose(compose, declared, problems)
    check_configurations(root, declared, problems)
    check_fixtures(root, declared, problems)
    return declared, problems


def main() -> int:
    parser = argparse.ArgumentParser(description="Check that provider credential names agree across the repository.")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="repository root")
    root = parser.parse_args().root.resolve()
    declared, problems = check(root)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"credentials: {len(problems)} disagreements", file=sys.stderr)
        return 1
    count = sum(len(credentials) for credentials in declared.values())
    fixtures = " and ".join(rel for rel, name in FIXTURES if assigned_strings(read(root, rel), name) is not None)
    print(
        f"credentials: {count} variables of {len(declared)} providers agree across their manifests, "
        f"{CONFIGURATION}, {COMPOSE} and {fixtures}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
