"""Settings: one object, documented defaults, TOML overrides that refuse unknown keys."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsfuse.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    settings = Settings()
    missing = [
        f"{section.name}.{field.name}"
        for section in dataclasses.fields(settings)
        for field in dataclasses.fields(getattr(settings, section.name))
        if f"`{section.name}.{field.name}`" not in doc
    ]
    assert missing == [], f"document these in docs/settings.md: {missing}"


def test_toml_overrides_key_by_key(tmp_path: Path) -> None:
    path = tmp_path / "newsfuse.toml"
    path.write_text("[brief]\nsentences = 7\n[ingest]\nmax_input_bytes = 1000\n", encoding="utf-8")
    s = Settings.from_file(path)
    assert s.brief.sentences == 7
    assert s.ingest.max_input_bytes == 1000
    assert s.cluster == Settings().cluster  # untouched sections keep their defaults


@pytest.mark.parametrize(
    "toml", ["[brief]\nsentencez = 7\n", "[nonsense]\nx = 1\n", "brief = 3\n"]
)
def test_unknown_settings_are_refused(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError):
        Settings.from_file(path)


def test_cli_reports_a_bad_settings_file(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    path = tmp_path / "bad.toml"
    path.write_text("[brief]\nsentencez = 7\n", encoding="utf-8")
    proc = run_cli("analyze", "examples", "--no-store", "--settings", str(path))
    assert proc.returncode == 2
    assert "sentencez" in proc.stderr.decode()
