"""Repair: mend machine-translation damage and page debris, every change recorded.

Public API:
    repair_article(article, settings) -> Article   # new Article: text, repairs, garbled set
    repair_text(text) -> RepairResult               # (text, repairs, garbled)
"""
