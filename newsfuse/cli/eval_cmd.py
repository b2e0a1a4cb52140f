"""``newsfuse eval …``: evaluations on labelled data, each beside baselines in one run.

Each command lives in ``newsfuse.evaluation.<name>`` as a ``command`` function; heavy imports
happen inside it, so ``newsfuse --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="Evaluate a stage on labelled data, side by side with baselines.",
    no_args_is_help=True,
)

_COMMANDS = {
    "stories": "Story clustering: BCubed P/R/F1 and ARI vs TF-IDF+agglomerative and embeddings+HDBSCAN.",
    "brief": "Briefs: ROUGE-1/2/L vs LexRank, TextRank and the lead sentence.",
    "claims": "Claim judging: accuracy per status on a gold set of article pairs.",
    "repair": "Repair: precision/recall per damage kind and false repairs per 10k clean words.",
    "extract": "Entities, quotes, speakers, quantities: P/R vs plain spaCy and textacy.",
}

for _name, _help in _COMMANDS.items():
    try:
        _module = importlib.import_module(f"newsfuse.evaluation.{_name}")
    except ImportError:
        continue
    app.command(_name, help=_help)(_module.command)
