"""What the replicas logged during a chaos run: lines per level, SeedGate's answers by route and status, the distinct
warning-and-worse messages (ids and key=value metadata taken out, so one kind of event is one row), and the lines
naming given job ids."""

import re
from collections import Counter
from pathlib import Path

LINE = re.compile(r"^\S+ (trace|debug|info|notice|warning|error|critical) (.*)$")
NOISE = re.compile(r"\S+=\S+|\b(job|req)_\w+|\bcgt-\S+|\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\d+(\.\d+)?")
SERIOUS = ("warning", "error", "critical")
# SeedGate's request log line ends "[SeedGateHTTP] METHOD PATH STATUS"; ids and callback tokens are folded.
REQUEST = re.compile(r"\[SeedGateHTTP\] ([A-Z]+) (\S+) (\d{3})$")
PATH_IDS = ((re.compile(r"/job_[^/?]+"), "/{id}"), (re.compile(r"(/v1/callbacks/[^/]+)/[^/?]+"), r"\1/{token}"))


def shape(message: str) -> str:
    """One row per kind of event: the message after its `[Module]` with numbers and ids folded, and its `error=`."""
    module = re.search(r"\[(\w+)\] (.*)$", message)
    text = f"{module.group(2)} [{module.group(1)}]" if module else message
    error = re.search(r"\berror=(\S+)", message)
    text = re.sub(r"\s+", " ", NOISE.sub("…", text)).strip()
    return (text + (f" (error={error.group(1)})" if error else ""))[:180]


def scan(logs: list[Path], job_ids: set[str], per_job: int = 3) -> dict:
    levels: Counter = Counter()
    answers: Counter = Counter()
    kinds: Counter = Counter()
    examples: dict[str, str] = {}
    naming: dict[str, list[str]] = {job_id: [] for job_id in job_ids}
    pattern = re.compile("|".join(re.escape(i) for i in sorted(job_ids))) if job_ids else None
    for path in logs:
        try:
            lines = path.read_text(errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            match = LINE.match(line)
            if match:
                level, message = match.groups()
                levels[level] += 1
                if level in SERIOUS:
                    kind = f"{level}: {shape(message)}"
                    kinds[kind] += 1
                    examples.setdefault(kind, f"{path.stem}: {line[:400]}")
            request = REQUEST.search(line)
            if request:
                method, route, status = request.groups()
                route = route.split("?")[0]
                for regex, replacement in PATH_IDS:
                    route = regex.sub(replacement, route)
                answers[f"{method} {route} {status}"] += 1
            if pattern:
                for found in set(pattern.findall(line)):
                    if len(naming[found]) < per_job:
                        naming[found].append(f"{path.stem}: {line[:400]}")
    return {
        "levels": dict(sorted(levels.items())),
        "answers": dict(sorted(answers.items())),
        "serious": [{"count": n, "kind": k, "example": examples[k]} for k, n in kinds.most_common()],
        "naming": {job_id: lines for job_id, lines in naming.items() if lines},
    }
