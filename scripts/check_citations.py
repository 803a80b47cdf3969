#!/usr/bin/env python3
"""Check that every source the repository cites resolves inside the repository.

Definitions. The provider fact sheets are ``docs/providers/*.md`` (all but README.md). In each sheet, the first
table after the heading ``## Sources`` (whatever follows the word, e.g. "Sources (tags used below)") is its source
table: the header's first cell is ``Tag``, and every other row's first cell holds one or more tags in backticks,
e.g. ``| `[REF-CREATE]` `[REF-GET]` | ... |``. Those tags are defined; further columns (an "Authority" column in
some sheets) are ordinary text. Numbered headings (``## 2. Capabilities``, ``### 3.1 priority``) give a sheet its
section numbers.

Citations. A citation is an opening bracket followed by a tag token and then ``]``, whitespace, ``:`` or ``,``.
A tag token is optional digits, one capital letter, more capitals or digits, then any ``-word`` parts:
``[S000]``, ``[3P]``, ``[REF-CREATE callback_url]``, ``[S000 使用 Webhook 通知]``, ``[BP-REF-20b]``,
``[SDK-ACE: ...]``. Not citations: ``[String]``, ``[NotFound]``, ``[Image 1]`` (a lowercase letter follows the
first capital), ``[[fail:moderation]]``, ``[图1]``, ``[0, 9]``, ``[480p, 720p]``, markdown links. Scanned:
``Providers/**/manifest.yaml`` and ``Providers/**/contracts/*.json`` (whole text), ``docs/**/*.md``, README.md,
BENCHMARKS.md, Providers/README.md (whole text), and the comments of ``Sources/**/*.swift`` and ``Tests/**/*.swift``.
Every cited tag must be defined by some sheet.

Repository paths. Outside citations and source-table rows (which describe other repositories' files), a path
starting with ``Providers/``, ``Sources/``, ``Tests/``, ``openapi/``, ``docker/``, ``scripts/`` or ``tests/``, or a
``docs/`` path ending in ``.md``, ``/`` or another file extension (``docs/examples/production.yaml``), must exist. A
placeholder (``<id>``, ``*``, ``{...}``, ``…``) ends the path, so ``Providers/<id>/manifest.yaml`` checks
``Providers/``.

Files outside the repository. Nothing scanned may cite a file outside the repository: a relative path or markdown
link target (``../x``, ``create-outcomes.md``, ``../docs/providers/``) must resolve, from the citing file's folder, to
something inside the repository that exists; a path into the team's shared folder (``shared/…``, ``provider-docs/…``)
is always an error, in source-table rows too (cite the provider's public URL and title instead); and a document
named in capitals (``ARCHITECTURE.md``) must exist beside the citing file, in ``docs/providers/`` or at the root.

Section references. ``models.md §2``, ``models.md §2/§3`` and ``docs/providers/models.md §4`` (the file name may
be in backticks) name a file and section numbers: the file must exist (a bare name is looked up in
``docs/providers/``, beside the citing file, then at the root) and each number must be a numbered heading of it.
A ``§N`` (or a range ``§§N-M``, with a hyphen or an en dash) with no file before it refers to the sheet it is in;
outside a sheet it is an error.

Exit status 1 with one ``file:line: problem`` line each if anything does not resolve, else 0 and one summary line.
Usage: ``scripts/check_citations.py [--root DIR]``.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SHEETS_DIR = "docs/providers"
TAG = r"\d*[A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)*"
CITATION = re.compile(rf"\[({TAG})(?=[\]\s:,])")
CITATION_SPAN = re.compile(rf"\[{TAG}(?:[\s:,][^\[\]\n]*)?\]")
DEFINED_TAG = re.compile(rf"`\[({TAG})\]`")
SOURCES_HEADING = re.compile(r"^#{2,6}\s+Sources\b")
NUMBERED_HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s")
SECTION = r"§\d+(?:\.\d+)*"
FILE_SECTIONS = re.compile(rf"(?P<file>[\w./-]+\.md)`?\s+(?P<chain>{SECTION}(?:\s*/\s*{SECTION})*)")
BARE_SECTION = re.compile(r"§(§?)(\d+(?:\.\d+)*)(?:[\u2013-](\d+))?")
PATH_ROOTS = "docs|Providers|Sources|Tests|openapi|docker|scripts|tests"
PATH_CHARS = r"[^\s`'\"()\[\]<>{},;*…\\]"
PATH = re.compile(rf"(?<![\w./-])((?:{PATH_ROOTS})/{PATH_CHARS}*)")
HASHES = re.compile(r"#*")
# Links and relative paths that leave the citing file's folder; paths into the team's shared folder; capitalised
# document names (ARCHITECTURE.md). Each must resolve inside the repository (the shared folder never does).
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
RELATIVE_PATH = re.compile(rf"(?<![\w./-])(\.\./{PATH_CHARS}*)")
SHARED_FOLDER = re.compile(rf"(?<![\w.-])((?:\.\./)*(?:shared/|{PATH_CHARS}*provider-docs\b){PATH_CHARS}*)")
CAPITAL_DOCUMENT = re.compile(r"(?<![\w./-])([A-Z][A-Z0-9_-]*\.md)\b")
FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str


@dataclass
class Sheets:
    tags: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Tally:
    citations: int = 0
    tags: set[str] = field(default_factory=set)
    paths: int = 0
    sections: int = 0
    files: int = 0
    problems: list[Problem] = field(default_factory=list)


def table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def source_rows(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Yields (line number, line) for each row of the first table after a ``## Sources`` heading."""
    in_section = in_table = False
    for number, line in enumerate(lines, start=1):
        if SOURCES_HEADING.match(line):
            in_section = True
        elif in_section and line.startswith("|"):
            in_table = True
            yield number, line
        elif in_table or (in_section and line.startswith("#")):
            return


def parse_sheet(rel: str, lines: list[str], sheets: Sheets) -> set[int]:
    """Adds a sheet's defined tags to ``sheets``; returns the line numbers of its source-table rows."""
    rows = list(source_rows(lines))
    for index, (number, line) in enumerate(rows):
        first = table_cells(line)[0]
        if index == 0 and first != "Tag":
            sheets.problems.append(Problem(rel, number, f"source table header starts with {first!r}, not 'Tag'"))
        elif index > 0 and not set(first) <= set("-: "):
            tags = DEFINED_TAG.findall(first)
            if not tags:
                sheets.problems.append(Problem(rel, number, "source table row defines no `[TAG]`"))
            sheets.tags.update(tags)
    return {number for number, _ in rows}


@functools.cache
def section_numbers(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match[1] for line in lines if (match := NUMBERED_HEADING.match(line))}


def swift_comments(text: str) -> dict[int, str]:
    """The comment text of each line of a Swift file (strings and code left out)."""
    comments: dict[int, list[str]] = {}
    line, i, state, depth, closer = 1, 0, "code", 0, ""
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
            state = "code" if state == "line" or (state == "string" and len(closer.strip("#")) == 1) else state
            i += 1
        elif state == "code":
            i, state, depth, closer = swift_code_step(text, i)
        elif state == "line" or (state == "block" and not text.startswith(("/*", "*/"), i)):
            comments.setdefault(line, []).append(char)
            i += 1
        elif state == "block":
            depth += 1 if text.startswith("/*", i) else -1
            state = "block" if depth else "code"
            i += 2
        elif char == "\\" and not closer.endswith("#"):
            i += 1 if text[i + 1 : i + 2] == "\n" else 2
        elif text.startswith(closer, i):
            state, i = "code", i + len(closer)
        else:
            i += 1
    return {number: "".join(chars) for number, chars in comments.items()}


def swift_code_step(text: str, i: int) -> tuple[int, str, int, str]:
    """One step in code: returns (next index, state, block depth, string closer)."""
    if text.startswith("//", i):
        return i + 2, "line", 0, ""
    if text.startswith("/*", i):
        return i + 2, "block", 1, ""
    run = HASHES.match(text, i)
    hashes = run.end() - i if run else 0
    if text.startswith('"', i + hashes):
        quotes = '"""' if text.startswith('"""', i + hashes) else '"'
        return i + hashes + len(quotes), "string", 0, quotes + "#" * hashes
    return i + max(hashes, 1), "code", 0, ""


def scanned_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.glob("Providers/**/manifest.yaml"))
    yield from sorted(root.glob("Providers/**/contracts/*.json"))
    yield from sorted(root.glob("docs/**/*.md"))
    documents = ("README.md", "BENCHMARKS.md", "Providers/README.md")
    yield from (root / name for name in documents if (root / name).is_file())
    for folder in ("Sources", "Tests"):
        yield from sorted(root.glob(f"{folder}/**/*.swift"))


def file_lines(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".swift":
        yield from sorted(swift_comments(text).items())
    else:
        yield from enumerate(text.splitlines(), start=1)


def resolve_file(root: Path, citing: Path, name: str) -> Path | None:
    bases = (root,) if "/" in name else (root / SHEETS_DIR, root)
    candidates = [base / name for base in bases] + [citing.parent / name]
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def path_exists(root: Path, reference: str) -> bool | None:
    """Whether a repository path exists; None if the text is not checked as a repository path."""
    reference = reference.rstrip(".:")
    if reference.startswith("docs/") and not reference.endswith("/") and not FILE_EXTENSION.search(reference):
        return None
    return (root / reference).exists()


def blank(pattern: re.Pattern[str], text: str) -> str:
    """The text with every match of ``pattern`` replaced by spaces, so positions stay the same."""
    return pattern.sub(lambda match: " " * len(match[0]), text)


def wanted_sections(match: re.Match[str]) -> list[str]:
    first, last = match[2], match[3]
    if last and first.isdigit():
        return [str(number) for number in range(int(first), int(last) + 1)]
    return [first]


@dataclass(frozen=True)
class Line:
    path: Path
    rel: str
    number: int
    text: str


class Checker:
    """Checks lines against the sheets' tags and the repository's files, counting what it checked."""

    def __init__(self, root: Path, tags: set[str], tally: Tally) -> None:
        self.root = root
        self.tags = tags
        self.tally = tally

    def problem(self, line: Line, message: str) -> None:
        self.tally.problems.append(Problem(line.rel, line.number, message))

    def check_line(self, line: Line, definition: bool) -> None:
        self.check_tags(line)
        self.check_shared_folder(line)
        if not definition:
            plain = self.check_file_sections(line, blank(CITATION_SPAN, line.text))
            self.check_bare_sections(line, plain)
            self.check_paths(line, plain)
            self.check_relative(line, plain)

    def check_tags(self, line: Line) -> None:
        for tag in CITATION.findall(line.text):
            self.tally.citations += 1
            self.tally.tags.add(tag)
            if tag not in self.tags:
                self.problem(line, f"[{tag}] is defined by no sheet in {SHEETS_DIR}/")

    def check_file_sections(self, line: Line, text: str) -> str:
        """Checks ``x.md §N`` references; returns the text with them blanked out."""
        for match in FILE_SECTIONS.finditer(text):
            target = resolve_file(self.root, line.path, match["file"])
            numbers = re.findall(r"§(\d+(?:\.\d+)*)", match["chain"])
            self.tally.sections += len(numbers)
            if target is None:
                self.problem(line, f"{match['file']} §{numbers[0]}: no such file in the repository")
                continue
            for missing in sorted(set(numbers) - section_numbers(target)):
                self.problem(line, f"{match['file']} has no section {missing}")
        return blank(FILE_SECTIONS, text)

    def check_bare_sections(self, line: Line, text: str) -> None:
        in_sheet = line.path.parent == self.root / SHEETS_DIR
        for match in BARE_SECTION.finditer(text):
            self.tally.sections += 1
            if not in_sheet:
                self.problem(line, f"§{match[2]} names no file (write `sheet.md §{match[2]}`)")
                continue
            wanted = wanted_sections(match)
            for missing in sorted(set(wanted) - section_numbers(line.path), key=wanted.index):
                self.problem(line, f"§{missing}: no such section in this sheet")

    def check_shared_folder(self, line: Line) -> None:
        for match in SHARED_FOLDER.finditer(line.text):
            self.tally.paths += 1
            self.problem(
                line,
                f"cites a file outside the repository (the team's shared folder): {match[1]}; cite the in-repo copy "
                "under docs/providers/, or the document's public URL and title",
            )

    def check_relative(self, line: Line, text: str) -> None:
        """Markdown link targets, ``../`` paths and capitalised document names resolve inside the repository."""
        targets = [target for target in LINK_TARGET.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:|#", target)]
        targets += RELATIVE_PATH.findall(blank(LINK_TARGET, text))
        # A path into the shared folder is reported once, by check_shared_folder.
        for target in (target for target in targets if not SHARED_FOLDER.search(target)):
            self.tally.paths += 1
            path = target.split("#", 1)[0].rstrip(".:")
            resolved = (line.path.parent / path).resolve()
            if not resolved.is_relative_to(self.root):
                self.problem(line, f"cites a file outside the repository: {target}")
            elif not resolved.exists():
                self.problem(line, f"no such path in the repository: {target} (from {line.rel})")
        for name in CAPITAL_DOCUMENT.findall(text):
            self.tally.paths += 1
            if resolve_file(self.root, line.path, name) is None:
                self.problem(line, f"{name}: no such document in the repository")

    def check_paths(self, line: Line, text: str) -> None:
        for match in PATH.finditer(text):
            exists = path_exists(self.root, match[1])
            if exists is not None:
                self.tally.paths += 1
                if not exists:
                    self.problem(line, f"no such path in the repository: {match[1]}")


def sheet_paths(root: Path) -> list[Path]:
    return sorted(path for path in (root / SHEETS_DIR).glob("*.md") if path.name != "README.md")


def definition_rows(root: Path, sheets: Sheets) -> dict[Path, set[int]]:
    rows: dict[Path, set[int]] = {}
    for path in sheet_paths(root):
        rel = path.relative_to(root).as_posix()
        rows[path] = parse_sheet(rel, path.read_text(encoding="utf-8").splitlines(), sheets)
    return rows


def check(root: Path) -> Tally:
    sheets = Sheets()
    rows = definition_rows(root, sheets)
    tally = Tally(problems=list(sheets.problems))
    if not rows:
        tally.problems.append(Problem(SHEETS_DIR, 0, "no fact sheets found"))
    checker = Checker(root, sheets.tags, tally)
    for path in scanned_files(root):
        tally.files += 1
        rel = path.relative_to(root).as_posix()
        for number, text in file_lines(path):
            definition = number in rows.get(path, set())
            # A source-table row defines its first cell's tags and describes other repositories' files.
            cited = " | ".join(table_cells(text)[1:]) if definition else text
            checker.check_line(Line(path, rel, number, cited), definition)
    return tally


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(f"{problem.path}:{problem.line}: {problem.message}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check that every cited source resolves inside the repository.")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="repository root")
    root = parser.parse_args().root.resolve()
    tally = check(root)
    if tally.problems:
        report(tally.problems)
        print(f"citations: {len(tally.problems)} unresolved", file=sys.stderr)
        return 1
    print(
        f"citations: {tally.citations} citations of {len(tally.tags)} tags, {tally.paths} repository paths and "
        f"{tally.sections} section references in {tally.files} files resolve"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
