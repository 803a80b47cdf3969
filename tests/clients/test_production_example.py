"""docs/examples/production.yaml (quoted by docs/production.md) is a configuration SeedGate accepts: `seedgate
check-config` exits 0 on it with a dummy value in every variable it names, and 78 (EX_CONFIG) on a copy with a
misspelt key, with a variable it needs unset, or with the webhook-rotation variables set wrongly. No secret value ever
appears in what check-config prints."""

import base64
import os
import re
import subprocess
from pathlib import Path

import pytest

from seedgate_harness.processes import child_environment

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "production.yaml"
CONFIG_ERROR = 78
VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def dummy(name: str) -> str:
    """A made-up value of the right shape for the variable `name` (random, so it can be searched for in the output)."""
    token = base64.urlsafe_b64encode(os.urandom(18)).decode()
    if name == "SEEDGATE_DATABASE_URL":
        return f"postgres://seedgate:pw-{token}@db.internal.example.com:5432/seedgate"
    if name.startswith("SEEDGATE_WEBHOOK_SECRET"):
        return "whsec_" + base64.b64encode(os.urandom(32)).decode()
    return f"dummy-{token}"


def variables(text: str) -> dict[str, str]:
    """Every environment variable the file names (in keys' values and in its comments), with a dummy value."""
    return {name: dummy(name) for name in sorted(set(VARIABLE.findall(text)))}


def check_config(binary: Path, config: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`seedgate check-config` with exactly `env` for the variables the example names (none inherited, nor their
    _FILE forms), on top of the harness's usual environment."""
    named = set(VARIABLE.findall(EXAMPLE.read_text()))
    inherited = {k: v for k, v in child_environment({}).items() if k.removesuffix("_FILE") not in named}
    return subprocess.run(
        [str(binary), "check-config", "--config", str(config)],
        cwd=REPO,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_no_secret_shown(result: subprocess.CompletedProcess, env: dict[str, str]) -> None:
    shown = result.stdout + result.stderr
    for name, value in env.items():
        assert value not in shown, f"the value of {name} appears in check-config's output"


def test_the_production_example_is_a_valid_configuration(binary):
    env = variables(EXAMPLE.read_text())
    # The variables the operator must provide, all named by the file (so the test gives each a value).
    for name in ("SEEDGATE_DATABASE_URL", "SEEDGATE_WEBHOOK_SECRET", "SEEDGATE_MEDIA_LINK_SECRET", "AWS_ACCESS_KEY_ID"):
        assert name in env
    result = check_config(binary, EXAMPLE, env)
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout
    for line in (
        "mode: configured providers",
        "store: postgres",
        "public_url: https://seedgate.example.com",
        "previous secret SEEDGATE_WEBHOOK_SECRET_PREVIOUS set",
        "archive: S3 bucket seedgate-media-example",
    ):
        assert line in result.stdout, result.stdout
    # The failover route as the report draws it: the weighted tier first, then the failover tiers in order.
    assert "seedance-1.5-pro: [volcengine-ark ×3, modelverse ×1] → byteplus-modelark → acedata (route)" in result.stdout
    assert_no_secret_shown(result, env)


def test_the_secrets_may_come_from_files(binary, tmp_path):
    """Each secret variable X may be given as X_FILE instead, naming a file that holds the value (production.md)."""
    env = variables(EXAMPLE.read_text())
    from_files = {}
    for name, value in env.items():
        if name.startswith(("SEEDGATE_WEBHOOK_SECRET", "SEEDGATE_KEY_", "SEEDGATE_DATABASE_URL", "AWS_SECRET")):
            path = tmp_path / name.lower()
            path.write_text(value + "\n")
            from_files[f"{name}_FILE"] = str(path)
        else:
            from_files[name] = value
    result = check_config(binary, EXAMPLE, from_files)
    assert result.returncode == 0, result.stderr
    assert "previous secret SEEDGATE_WEBHOOK_SECRET_PREVIOUS set" in result.stdout
    assert_no_secret_shown(result, env)


MISSPELLINGS = [
    ("  public_url:", "  public_uri:", "server.public_uri: unknown key (did you mean server.public_url?)"),
    ("  routes:\n", "  route:\n", "routing.route: unknown key (did you mean routing.routes?)"),
    ("  previous_secret_env:", "  previous_secret_evn:", "did you mean webhooks.previous_secret_env?"),
    ("    path_style:", "    path_styel:", "did you mean archive.s3.path_style?"),
]


@pytest.mark.parametrize(("right", "wrong", "message"), MISSPELLINGS, ids=[m[1].strip(" :\n") for m in MISSPELLINGS])
def test_a_misspelt_copy_is_refused_naming_the_key(binary, tmp_path, right, wrong, message):
    text = EXAMPLE.read_text()
    assert text.count(right) == 1
    copy = tmp_path / "production.yaml"
    copy.write_text(text.replace(right, wrong))
    env = variables(text)
    result = check_config(binary, copy, env)
    assert result.returncode == CONFIG_ERROR, (result.stdout, result.stderr)
    assert message in result.stderr
    assert_no_secret_shown(result, env)


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("SEEDGATE_DATABASE_URL", "store.kind is postgres but neither store.url nor SEEDGATE_DATABASE_URL is set"),
        ("MODELVERSE_API_KEY", "providers.modelverse needs its api_key in the environment variable MODELVERSE_API_KEY"),
        ("SEEDGATE_KEY_OPS", "clients.ops: the environment variable SEEDGATE_KEY_OPS is not set"),
    ],
)
def test_a_variable_the_file_needs_must_be_set(binary, unset, message):
    env = variables(EXAMPLE.read_text())
    del env[unset]
    result = check_config(binary, EXAMPLE, env)
    assert result.returncode == CONFIG_ERROR, (result.stdout, result.stderr)
    assert message in result.stderr
    assert_no_secret_shown(result, env)


def test_webhook_rotation_variables_are_checked_without_showing_them(binary):
    env = variables(EXAMPLE.read_text())
    # The previous secret alone (the current one forgotten) would sign with a secret made up for the run: refused.
    alone = {name: value for name, value in env.items() if name != "SEEDGATE_WEBHOOK_SECRET"}
    result = check_config(binary, EXAMPLE, alone)
    assert result.returncode == CONFIG_ERROR
    expected = "SEEDGATE_WEBHOOK_SECRET_PREVIOUS (the previous webhook secret) is set but SEEDGATE_WEBHOOK_SECRET is"
    assert expected in result.stderr
    # A previous secret that is not whsec_<base64>: refused, naming the variable and never its value.
    broken = {**env, "SEEDGATE_WEBHOOK_SECRET_PREVIOUS": "whsec_not base64 at all!"}
    result = check_config(binary, EXAMPLE, broken)
    assert result.returncode == CONFIG_ERROR
    assert "SEEDGATE_WEBHOOK_SECRET_PREVIOUS is not a usable webhook secret" in result.stderr
    assert_no_secret_shown(result, broken)


def test_the_production_guide_quotes_the_example_as_it_is():
    guide = (REPO / "docs" / "production.md").read_text()
    assert f"```yaml\n{EXAMPLE.read_text()}```" in guide, "docs/production.md must quote docs/examples/production.yaml"
