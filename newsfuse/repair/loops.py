"""Repeated word and phrase loops: ``minerals minerals``, ``a meeting in a meeting in a Meeting``,
``the Middle East and the Middle East``.

Kinds:
- ``doubled_word``: one word written twice in a row (``the the``).
- ``loop``: a phrase of up to ``RepairSettings.max_loop_words`` words repeated two or more
  times (case-insensitive), the copies joined by nothing, by commas, or by ``and``.

A run of copies is collapsed to its first copy. When a contiguous run ends in a partial
copy of two or more words (``a meeting | in a meeting | in a meeting``), the loop body is the
rotated phrase and the text keeps only the words before it (``a meeting``).

Left alone, by rule rather than by list of strings seen in the data:
- copies joined by ``, and`` (a new clause: ``thanked the speaker, and the speaker said``);
- two copies joined by ``and`` or a comma when the second opens a longer phrase: a name
  going on (``Windows Server 2008, Windows Server 2008 R2``) or ``the`` + noun going on as a
  compound (``the city and the city council``); and two-word comma repeats with no function
  word at either edge (``so close, so close``);
- single words joined by ``and`` or commas (``more and more``, ``again and again``,
  ``go, go, go``, ``very, very``, ``Smith and Smith``);
- ``X <connector> X <connector> X`` (``day after day after day``, ``over and over and over``);
- grammatical doubles (``had had``, ``that that``; ``is is`` and ``do do`` after a wh-clause;
  a particle after a verb, ``marched in in``) and interjections or
  chants (``bye bye``, ``ha ha``, ``no no no``, ``blah blah``);
- capitalised doubles that look like names (``Walla Walla``, ``Sirhan Sirhan``, ``New York,
  New York``): a doubled single name, or a name repeated after a comma, is collapsed only
  when the name also stands alone elsewhere in the same text (then at confidence 0.6); a
  doubled multi-word name (``Representative Jane Representative Jane Doe``) or a name
  repeated three times or more (``Speaker John, Speaker John, Speaker John A. Boehner``) is
  collapsed at 0.7;
- repeats of numbers; comma-separated repeats inside a quotation or after a chant verb
  (``lock her up, lock her up``) unless the phrase starts or ends with a function word
  (``of the disabled, of the disabled``), which chants do not;
- (but 50 or more copies of one word in a row are always collapsed: that is never prose);
- anything across a line break or a sentence end (a headline repeated as the lead, chants
  written as sentences ``We will win. We will win.``).
"""

from __future__ import annotations

import re
from itertools import accumulate
from dataclasses import dataclass

from newsfuse.repair.spans import Edit

_TOKEN_SPLIT = re.compile(r"([^\W_]+(?:['’\-][^\W_]+)*)")
_SPACE, _COMMA, _HARD = 0, 1, 2
_GAP_SPACE = re.compile(r"[ \t]+")
_GAP_COMMA = re.compile(r"[ \t]*,[ \t]*")

# grammatical doubles that are always fine ("he had had enough", "he said that that was all")
ALWAYS_LEGIT_DOUBLES = frozenset({"had", "that"})
# "what it is is", "what they do do": fine after a wh-clause or a noun like "problem"
COPULA_DOUBLES = frozenset({"is", "was", "do", "does", "did"})
WH_HEADS = frozenset({"what", "thing", "things", "problem", "question", "point", "reason", "issue",
                      "fact", "truth", "idea", "all", "trouble", "catch", "whatever", "answer"})
# a phrasal verb's particle then a preposition: "marched in in February"
PARTICLES = frozenset({"in", "on", "up", "out", "off", "down", "over", "around", "back", "through",
                       "along"})
PARTICLE_VERBS = frozenset({
    "go", "goes", "went", "gone", "come", "comes", "came", "get", "gets", "got", "put", "puts",
    "set", "sets", "turn", "turns", "move", "moves", "log", "logs", "check", "checks", "sign",
    "signs", "fill", "fills", "give", "gives", "gave", "given", "take", "takes", "took", "taken",
    "let", "lets", "bring", "brings", "brought", "call", "calls", "hand", "hands", "stay", "stays",
    "sit", "sits", "sat", "stand", "stands", "stood", "run", "runs", "ran", "keep", "keeps", "kept",
    "hold", "holds", "held", "carry", "carries", "pass", "passes", "walk", "walks", "look",
    "looks", "weigh", "weighs", "chip", "chips", "pay", "pays", "paid", "step", "steps", "break",
    "breaks", "broke", "broken", "cut", "cuts", "shut", "shuts", "win", "wins", "won", "drop",
    "drops", "fall", "falls", "fell", "hang", "hangs", "hung", "lay", "lays", "laid", "lie",
    "lies", "lock", "locks", "pull", "pulls", "push", "pushes", "send", "sends", "sent",
})
CHANT_WORDS = frozenset({
    "bye", "no", "yes", "so", "very", "ha", "hah", "haha", "hee", "ho", "hoo", "la", "na",
    "blah", "bla", "yada", "knock", "tut", "tsk", "hush", "chop", "night", "boo", "choo", "bang",
    "boom", "hip", "rah", "ooh", "oh", "ah", "aah", "woo", "yeah", "tick", "cha", "go", "now",
    "there", "well", "hey", "beep", "ding", "dong", "pom", "yum", "mm", "hmm", "uh", "um", "er",
    "wow", "bravo", "encore", "shame", "yo", "oi", "olé", "ole", "ay", "aye", "nay", "quack",
    "woof", "meow", "zoom", "vroom", "ping", "pong", "chug", "clap", "ta", "tat", "pooh", "bla",
    # emphatic doubling in speech: "really really", "happy happy new year"
    "really", "happy", "super", "much", "many", "long", "far", "way",
})
CONNECTORS = frozenset({"after", "by", "to", "upon", "for", "in", "on", "and", "or", "over",
                        "from", "with", "against", "versus", "vs", "than", "of"})
FUNCTION_EDGE = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
    "into", "than", "its", "their",
})
# words that may follow a mended "X and X" / "X, X": they cannot continue the phrase X
FOLLOWERS = frozenset(
    "a an the and or but nor of in on at to for from by with as than that which who whom whose "
    "is are was were be been being has have had will would can could should may might must do "
    "does did said says say told this these those it its he she they we i you his her their our "
    "after before during since until while when where because if though although about into "
    "over under between against across through without within also not".split()
)
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "its", "his", "her",
                         "their", "our", "my", "your"})
CHANT_VERBS = re.compile(r"\b(?:chant(?:s|ed|ing)?|shout(?:s|ed|ing)?|yell(?:s|ed|ing)?|"
                         r"sang|sing(?:s|ing)?|cr(?:y|ies|ied|ying)|scream(?:s|ed|ing)?|"
                         r"roar(?:s|ed|ing)?|repeat(?:s|ed|ing)?|slogans?|refrain)\b", re.I)


class _Tokens:
    """Word tokens as parallel lists (fast to build on megabytes of text)."""

    __slots__ = ("starts", "ends", "norms", "gaps")

    def __init__(self, text: str) -> None:
        # split() on a capturing token pattern gives [gap, token, gap, token, ..., gap] in C,
        # in one linear scan; accumulate turns lengths into offsets (10 MB in about a second)
        parts = _TOKEN_SPLIT.split(text)
        words = parts[1::2]
        gap_strings = parts[0:-1:2]
        bounds = list(accumulate(map(len, parts)))
        self.starts: list[int] = bounds[0:-1:2]
        self.ends: list[int] = bounds[1::2]
        self.norms: list[str] = [w.lower() for w in words]
        classes = {g: _classify_gap(g) for g in set(gap_strings)}
        self.gaps: list[int] = [classes[g] for g in gap_strings]  # gap BEFORE each token
        if self.gaps:
            self.gaps[0] = _HARD

    def __len__(self) -> int:
        return len(self.starts)


def _classify_gap(g: str) -> int:
    if _GAP_SPACE.fullmatch(g):
        return _SPACE
    if _GAP_COMMA.fullmatch(g):
        return _COMMA
    return _HARD


def tokenize(text: str) -> _Tokens:
    return _Tokens(text)


@dataclass
class _Run:
    i: int  # first token of copy 1
    k: int  # words per copy
    sep: int  # tokens between copies: 0, or 1 for "and"
    sep_gap: int  # _SPACE or _COMMA (gap class before the next copy or before "and")
    copies: int
    partial: int  # words of a trailing partial copy (contiguous runs only)


# 50 or more copies of one word in a row is never prose (not even a chant): collapsed by one
# C-level regex before tokenising, so megabytes of one repeated word cost a single scan
_FLOOD = re.compile(r"(?<![^\W_])([^\W_]{1,40})(?:[ \t]+\1(?![^\W_])){49,}", re.I)
_FLOOD_MIN_CHARS = 50_000  # shorter texts go through the ordinary loop pass quickly enough


def flood_edits(text: str) -> list[Edit]:
    if len(text) < _FLOOD_MIN_CHARS:
        return []
    return [Edit(m.end(1), m.end(), "", "loop", 0.95) for m in _FLOOD.finditer(text)]


class _Index:
    """Built on first need, once per text: where each word occurs, which words are ever written
    in lower case. Keeps the name checks linear however many doubles a text holds."""

    def __init__(self, text: str, toks: _Tokens) -> None:
        self.positions: dict[str, list[int]] = {}
        self.lowercase: set[str] = set()
        self.single: dict[tuple[str, ...], bool] = {}  # phrase -> stands alone somewhere
        for x, (w, st, en) in enumerate(zip(toks.norms, toks.starts, toks.ends)):
            self.positions.setdefault(w, []).append(x)
            if text[st:en] == w:
                self.lowercase.add(w)


def loop_edits(text: str, max_words: int = 12) -> list[Edit]:
    """Edits that collapse repeated words and phrases (see the module docstring)."""
    toks = tokenize(text)
    n = len(toks)
    if n < 2:
        return []
    norms = toks.norms
    nxt = [-1] * n
    last: dict[str, int] = {}
    for idx in range(n - 1, -1, -1):
        w = norms[idx]
        nxt[idx] = last.get(w, -1)
        last[w] = idx
    # a copy never crosses a hard gap (line break, sentence mark, quote, dash): the next
    # hard gap after each token bounds the search, so hard-separated text costs nothing
    gaps = toks.gaps
    hard_after = [n] * n
    nearest = n
    for idx in range(n - 1, -1, -1):
        hard_after[idx] = nearest
        if gaps[idx] == _HARD:
            nearest = idx
    index: _Index | None = None
    edits: list[Edit] = []
    i = 0
    window = max_words + 1
    while i < n - 1:
        q = nxt[i]
        if q == -1 or q - i > window or q >= hard_after[i]:
            i += 1
            continue
        run = _find_run(toks, nxt, i, max_words, hard_after[i])
        if run is None:
            i += 1
            continue
        if index is None:
            index = _Index(text, toks)
        edit = _judge(text, toks, run, index)
        if edit is not None:
            edits.append(edit)
        i = _run_end(run)
    return edits


def _find_run(toks: _Tokens, nxt: list[int], i: int, max_words: int, hard: int) -> _Run | None:
    """The shortest repeating unit starting at token ``i``, if any (second copy before ``hard``)."""
    norms, gaps = toks.norms, toks.gaps
    q = nxt[i]
    while q != -1 and q - i <= max_words + 1 and q < hard:
        # copies joined by "and": unit of q - i - 1 words
        k = q - i - 1
        # (", and" starts a new clause: "thanked the speaker, and the speaker said")
        if k >= 1 and norms[q - 1] == "and" and gaps[q - 1] == _SPACE \
                and gaps[q] == _SPACE and k <= max_words:
            run = _count(toks, i, k, 1, _SPACE)
            if run is not None:
                return run
        k = q - i
        if k <= max_words and gaps[q] in (_SPACE, _COMMA):
            run = _count(toks, i, k, 0, gaps[q])
            if run is not None:
                return run
        q = nxt[q]
    return None


def _same_copy(toks: _Tokens, i: int, j: int, k: int) -> bool:
    """Whether the k tokens at j repeat those at i, with the same inner gaps."""
    norms, gaps = toks.norms, toks.gaps
    if j + k > len(norms):
        return False
    for x in range(k):
        if norms[i + x] != norms[j + x]:
            return False
        if x and gaps[i + x] != gaps[j + x]:
            return False
    return True


def _count(toks: _Tokens, i: int, k: int, sep: int, sep_gap: int) -> _Run | None:
    norms, gaps = toks.norms, toks.gaps
    for x in range(1, k):
        if gaps[i + x] == _HARD:
            return None
    copies = 1
    pos = i
    n = len(norms)
    if k == 1 and sep == 0:  # fast path: one word repeated (also 10 MB of one word)
        w = norms[i]
        while pos + 1 < n and norms[pos + 1] == w and gaps[pos + 1] == sep_gap:
            pos += 1
        copies = pos - i + 1
    else:
        while True:
            nxt_pos = pos + k + sep
            if nxt_pos + k > n:
                break
            if sep:
                if norms[pos + k] != "and" or gaps[pos + k] != sep_gap or gaps[nxt_pos] != _SPACE:
                    break
            elif gaps[nxt_pos] != sep_gap:
                break
            if not _same_copy(toks, i, nxt_pos, k):
                break
            copies += 1
            pos = nxt_pos
    if copies < 2:
        return None
    partial = 0
    if sep == 0:
        end = pos + k
        while partial < k - 1 and end + partial < n and norms[end + partial] == norms[i + partial] \
                and gaps[end + partial] == (sep_gap if partial == 0 else gaps[i + partial]):
            partial += 1
    return _Run(i, k, sep, sep_gap, copies, partial)


def _run_end(run: _Run) -> int:
    return run.i + run.copies * (run.k + run.sep) - run.sep + run.partial


def _judge(text: str, toks: _Tokens, run: _Run, index: _Index) -> Edit | None:
    """Decide whether a run is damage; return the collapsing edit or None."""
    norms, starts, ends = toks.norms, toks.starts, toks.ends
    i, k = run.i, run.k
    unit = norms[i : i + k]
    surface = [text[starts[x] : ends[x]] for x in range(i, i + k)]
    if all(w.isdigit() for w in unit):
        return None
    last_copy = i + (run.copies - 1) * (k + run.sep)
    separated = bool(run.sep) or run.sep_gap == _COMMA
    confidence = 0.95 if run.copies >= 3 else 0.9
    if k == 1:
        w = unit[0]
        if separated:
            return None  # "more and more", "go, go, go", "very, very"
        if w in CHANT_WORDS:
            return None
        if run.copies == 2:
            if w in ALWAYS_LEGIT_DOUBLES:
                return None
            if w in PARTICLES and i > 0 and _verb_like(norms[i - 1]):
                return None  # "marched in in February", "going on on the ground"
            if w in COPULA_DOUBLES and WH_HEADS.intersection(norms[max(0, i - 6) : i]):
                return None  # "what it is is", "the problem was was"
            if w in PARTICLES or w in COPULA_DOUBLES:
                confidence = 0.75
    if k == 2 and run.partial == 1 and unit[1] in CONNECTORS:
        return None  # "day after day after day"
    if k == 2 and run.copies == 2 and not separated and ({"and", "or"} & set(unit)) and \
            not (set(unit) & DETERMINERS):
        return None  # "X and X" seen one word early: "… and more and more states"
    if k >= 2 and all(x in CHANT_WORDS for x in unit):
        return None  # "no, no", "ha ha" variants in a phrase
    j = i + k + run.sep
    second_surface = [text[starts[x] : ends[x]] for x in range(j, j + k)]
    names = all(_is_capitalised(w) for w in surface) and \
        all(_is_capitalised(w) for w in second_surface) and \
        norms[i] not in index.lowercase
    if names:
        # a doubled multi-word name or a tripled name is a slip; a doubled single name
        # (Walla Walla) or "New York, New York" only when the name also stands alone
        if (separated and run.copies == 2) or (k == 1 and run.copies == 2):
            if not _single_form_elsewhere(norms, index, unit):
                return None
            confidence = 0.6
        else:
            confidence = 0.7
    if separated and run.copies == 2:
        # "the city and the city council", "Windows Server 2008, Windows Server 2008 R2": the
        # second copy opens a longer phrase. Mend two copies only when a function word,
        # punctuation or the end follows them
        after = last_copy + k
        if after < len(norms) and toks.gaps[after] != _HARD and norms[after] not in FOLLOWERS:
            nxt_word = text[starts[after] : ends[after]]
            if nxt_word[:1].isupper() or nxt_word[:1].isdigit():
                if all(w[:1].isupper() or w[:1].isdigit() for w in surface):
                    return None  # a longer name: "Windows Server 2008 R2"
            elif k == 2 and unit[0] in DETERMINERS:
                return None  # a longer noun phrase: "the city council"
        if run.sep_gap == _COMMA and not run.sep and k <= 2 and \
                unit[0] not in FUNCTION_EDGE and unit[-1] not in FUNCTION_EDGE:
            return None  # "so close, so close", "save me, save me": rhetoric
    if separated:
        # inside a quotation two copies may be rhetoric ("I say what I mean and I mean what
        # I say") or a chant ("lock her up, lock her up"); three or more copies joined by a
        # bare "and" ("is fully and is fully and is fully") are a slip even there
        if not (run.sep and run.copies >= 3) and _in_quote_or_chant(text, starts[i]) and \
                unit[0] not in FUNCTION_EDGE and unit[-1] not in FUNCTION_EDGE:
            return None
        confidence = min(confidence, 0.8 if run.sep else 0.75)
    kind = "doubled_word" if k == 1 and run.copies == 2 else "loop"
    if run.partial >= 2 and run.sep == 0 and run.copies >= 2:
        # rotated loop body: keep only the words before it
        keep_end = ends[i + run.partial - 1]
        cut_end = ends[last_copy + k + run.partial - 1]
        return Edit(keep_end, cut_end, "", "loop", min(confidence, 0.8))
    return Edit(ends[i + k - 1], ends[last_copy + k - 1], "", kind, confidence)


def _verb_like(word: str) -> bool:
    return word.endswith(("ed", "ing")) or word in PARTICLE_VERBS


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _single_form_elsewhere(norms: list[str], index: _Index, unit: list[str]) -> bool:
    """Whether the phrase also occurs on its own (not doubled) somewhere in the text.

    ``Ukraine Ukraine`` in a text that says ``Ukraine`` twenty times is a slip; ``Walla
    Walla`` in a text where ``Walla`` never stands alone is a name."""
    key = tuple(unit)
    if key in index.single:
        return index.single[key]
    k = len(unit)
    found = [x for x in index.positions.get(unit[0], ()) if norms[x : x + k] == unit]
    starts = set(found)
    answer = any(not ({x - k, x + k, x - k - 1, x + k + 1} & starts) for x in found)
    index.single[key] = answer
    return answer


def _in_quote_or_chant(text: str, pos: int) -> bool:
    para_start = text.rfind("\n", max(0, pos - 2000), pos) + 1
    before = text[para_start:pos]
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    return CHANT_VERBS.search(before[-80:]) is not None
