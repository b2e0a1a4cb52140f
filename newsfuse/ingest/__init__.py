"""Ingest: files, directories, globs and stdin -> Article objects (or InputError lines).

Public API:
    iter_inputs(inputs, settings, stdin=None) -> Iterator[Article | InputError]
    article_id(text) -> str   # hash of the normalised text: same article, same id
"""
