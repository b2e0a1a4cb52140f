"""Render an Analysis: JSON (the contract), Markdown, self-contained HTML, terminal."""

from __future__ import annotations

import json

from newsfuse.render.contract import SCHEMA, analysis_to_dict
from newsfuse.render.markdown import render_markdown
from newsfuse.types import Analysis

__all__ = ["SCHEMA", "render_json", "render_markdown"]


def render_json(analysis: Analysis) -> str:
    return json.dumps(analysis_to_dict(analysis), ensure_ascii=False, indent=2) + "\n"
