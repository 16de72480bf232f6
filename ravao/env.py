"""Typed helpers that read settings from the environment.

Every secret may also come from a file named by ``NAME_FILE`` (Docker/Kubernetes secrets).
"""

import os
from pathlib import Path


def envstr(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = envstr(name, "")
    if not value:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: int) -> int:
    value = envstr(name, "")
    return int(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = envstr(name, "")
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
