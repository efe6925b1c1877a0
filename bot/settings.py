"""Where things live and which ports they use, from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    return Path(os.environ[name]) if os.environ.get(name) else default


@dataclass(frozen=True)
class Settings:
    """Run-time settings of the gateway, the engine and the CLI.

    :param root: project folder (models, var, engine virtualenv live below it)
    """

    root: Path = PROJECT_ROOT
    var_dir: Path = field(default_factory=lambda: _env_path("HOTLINE_VAR", PROJECT_ROOT / "var"))
    model_dir: Path = field(default_factory=lambda: _env_path("HOTLINE_MODELS", PROJECT_ROOT / "models"))
    engine_venv: Path = field(default_factory=lambda: _env_path("HOTLINE_ENGINE_VENV", PROJECT_ROOT / ".venv-engine"))
    host: str = field(default_factory=lambda: os.environ.get("HOTLINE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("HOTLINE_PORT", "8080")))
    engine_port: int = field(default_factory=lambda: int(os.environ.get("HOTLINE_ENGINE_PORT", "5005")))
    actions_port: int = field(default_factory=lambda: int(os.environ.get("HOTLINE_ACTIONS_PORT", "5055")))

    @property
    def database_path(self) -> Path:
        return _env_path("HOTLINE_DB", self.var_dir / "hotline.db")

    @property
    def engine_url(self) -> str:
        return f"http://127.0.0.1:{self.engine_port}"

    @property
    def model_path(self) -> Path:
        return self.model_dir / "hotline.tar.gz"

    def engine_token(self) -> str:
        """The engine's auth token: HOTLINE_ENGINE_TOKEN, else one kept in var/ (mode 0600)."""
        return self._secret("HOTLINE_ENGINE_TOKEN", "engine.token")

    def staff_token(self) -> str:
        """The staff API's bearer token: HOTLINE_STAFF_TOKEN, else one kept in var/ (mode 0600)."""
        return self._secret("HOTLINE_STAFF_TOKEN", "staff.token")

    def _secret(self, variable: str, file_name: str) -> str:
        if os.environ.get(variable):
            return os.environ[variable]
        token_file = self.var_dir / file_name
        if not token_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(32))
        return token_file.read_text().strip()
