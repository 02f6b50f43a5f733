"""Shared helpers for the MCP tests: the real `kickstart` binary (KICKSTART_APP), its command line
for profiles and tokens, and a fresh data folder per test module (see scripts/mcp-test.sh)."""

import hashlib
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = Path(os.environ.get("KICKSTART_APP", ROOT / "target" / "debug" / "kickstart"))
PASSWORD = "correct horse battery"


@dataclass
class Profile:
    username: str
    password: str
    token: str  # an MCP access token (ksm_…) for this profile


class Kickstart:
    """The app's command line over one data folder, with dates in UTC and logs in a temp folder."""

    def __init__(self, data_dir: Path, log_dir: Path):
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.env = {
            "TZ": "UTC",
            "KICKSTART_TZ": "UTC",
            "KICKSTART_LOG_DIR": str(log_dir),
            # Never the app's real folders, whatever the command does.
            "XDG_DATA_HOME": str(data_dir / "xdg-data"),
        }

    def command(self, *args: str) -> list[str]:
        return [str(APP), *args, "--data-dir", str(self.data_dir)]

    def process_env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("KICKSTART_")}
        env.update(self.env)
        env.update(extra)
        return env

    def run(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args),
            input=stdin,
            capture_output=True,
            text=True,
            env=self.process_env(**env),
            timeout=60,
        )

    def create_profile(self, username: str, password: str = PASSWORD) -> str:
        """Makes a profile (password on stdin) and returns its recovery key."""
        done = self.run("profile", "create", "--username", username, stdin=password + "\n")
        assert done.returncode == 0, done.stderr
        assert f'Created profile "{username}"' in done.stdout
        return done.stdout.strip().splitlines()[-1].split(": ")[-1]

    def create_token(self, username: str, password: str = PASSWORD, name: str = "pytest") -> str:
        """Makes an MCP token (password in KICKSTART_PASSWORD): stdout is the token and nothing else."""
        done = self.run("mcp-token", "create", "--username", username, "--name", name, KICKSTART_PASSWORD=password)
        assert done.returncode == 0, done.stderr
        token = done.stdout.strip()
        assert token.startswith("ksm_") and "\n" not in token, done.stdout
        return token

    def profile(self, username: str) -> Profile:
        self.create_profile(username)
        return Profile(username, PASSWORD, self.create_token(username))

    def revoke(self, token: str) -> None:
        """Revokes a token the way Settings → MCP does (there is no command for it): sets
        `revoked_at` on its row, found by the token's SHA-256, in the shared WAL database."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        with sqlite3.connect(self.data_dir / "kickstart.db", timeout=10) as db:
            changed = db.execute(
                "UPDATE mcp_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", (now, digest)
            ).rowcount
        assert changed == 1, "the token was not found in mcp_tokens"

    def token_row(self, token: str) -> dict:
        digest = hashlib.sha256(token.encode()).hexdigest()
        with sqlite3.connect(self.data_dir / "kickstart.db", timeout=10) as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM mcp_tokens WHERE token_hash = ?", (digest,)).fetchone()
        assert row is not None
        return dict(row)


@pytest.fixture(scope="module")
def kickstart(tmp_path_factory) -> Kickstart:
    """A fresh data folder for the module (profiles are costly: real Argon2, ~0.5 s each)."""
    if not APP.is_file():
        pytest.fail(f"{APP} does not exist: build it (cargo build --bin kickstart) or set KICKSTART_APP")
    base = tmp_path_factory.mktemp("kickstart")
    (base / "data").mkdir()
    (base / "logs").mkdir()
    return Kickstart(base / "data", base / "logs")


@pytest.fixture
def anyio_backend():
    return "asyncio"
