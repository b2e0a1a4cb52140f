"""Page debris: photo captions with credits, ``Advertisement``, share bars, read-more and
newsletter prompts.

Kind ``debris``. Debris is recognised by its SHAPE, never by a word alone: a whole line that
is only a share bar or an ad label, a short line that is a newsletter/follow/read-more prompt,
a caption line that ends in a photo credit (``…in December.Credit…Jane Doe for The Times``,
``Photo: Jane Doe/AP``). A long line that merely mentions "credit" or "advertisement" is prose
and stays. When a caption and its credit are glued to the start of the next paragraph on
the same line, only the caption and credit are cut, up to the agency or outlet name that ends
the credit; if that end cannot be found the line is flagged, not cut.

Wire furniture is cut where it ends a line, even glued to the last sentence of prose (scraped
wire copy often comes as one long line): a copyright notice (``Copyright 2020 The Associated
Press. All rights reserved. This material may not be published, …``), the wire's credits
(``(Reporting by …; Editing by …)``, ``… contributed to this report.``, ``With files
from …``) and a follow prompt with a handle (``Follow him on Twitter @handle``). Each must
start a sentence.
"""

from __future__ import annotations

import re

from newsfuse.repair.spans import Edit

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")

# whole lines that are nothing but page furniture (compared lower-cased, punctuation stripped)
_AD_LINES = {
    "advertisement", "advertisements", "sponsored", "sponsored content", "ad", "skip advertisement",
    "continue reading the main story", "continue reading", "story continues below advertisement",
    "article continues below advertisement", "supported by", "scroll to continue with content",
    "listen to this article", "copy link", "link copied", "image", "photo", "video", "gallery",
    "view comments", "comments", "print", "email", "tweet", "share", "share this", "share this article",
    "share this story", "share on facebook", "share on twitter", "share via email", "open in app",
    "enlarge this image", "toggle caption", "hide caption", "loading", "play video", "watch video",
    "read more", "read full article", "see more", "more from", "related", "related articles",
    "related stories", "recommended", "trending", "most read", "top stories", "subscribe",
    "sign up", "log in", "sign in", "back to top", "follow us",
}
_SHARE_WORDS = {
    "share", "tweet", "email", "e-mail", "print", "facebook", "twitter", "x", "linkedin", "whatsapp",
    "reddit", "pinterest", "messenger", "telegram", "copy", "link", "comments", "comment", "save",
    "gift", "article", "this", "on", "via", "flipboard", "pocket", "mail", "sms", "threads",
    "bluesky", "more", "options",
}
_SHARE_HINT = {"share", "tweet", "facebook", "twitter", "linkedin", "whatsapp", "email", "pinterest"}

# short prompt lines: (pattern on the stripped line, max words)
_PROMPTS = [
    (re.compile(r"^(?:read more|read also|also read|related|see also|recommended|"
                r"related coverage|most read|further reading)\s*[:|>\-–—]", re.I), 30),
    (re.compile(r"^(?:watch|listen|more|video|photos)\s*:", re.I), 20),
    (re.compile(r"^(?:click here|tap here)\b", re.I), 25),
    # a newsletter prompt starts its line, after a lead-in question at most ("Like this story?"):
    # "Readers who sign up for the newsletter get the timetable." is a short paragraph of prose
    (re.compile(r"^(?:[^.!?\n]{0,60}[?!:]\s*)?(?:please )?(?:sign up|subscribe|signing up|subscribing|"
                r"enter your e-?mail)\b.*\b(?:newsletter|inbox|e-?mail|alerts?|briefing|digest)\b"
                r"|^(?:get |receive )?(?:our |the )?[\w'’ -]{0,40}\b(?:newsletter|inbox)\b.*\b(?:sign up|"
                r"subscribe)\b", re.I), 30),
    (re.compile(r"^(?:follow|like) (?:us|@?\w+) on (?:twitter|facebook|instagram|x|tiktok|"
                r"linkedin|threads|bluesky)\b", re.I), 20),
    (re.compile(r"^(?:get|download) (?:the|our) (?:\w+ )?app\b", re.I), 15),
    (re.compile(r"^this (?:article|story) (?:was|is) (?:originally )?(?:published|updated)\b", re.I), 25),
]

# photo credit markers; group "tail" is the credited name(s)
_CREDIT = re.compile(
    r"(?:Credit(?:s)?\s*(?:…|\.\.\.|:)\s*|(?<=[a-z.!?”’\"')])Credit(?=[A-Z])|"
    r"\b(?:Photo(?:graph)?|Image|Picture)s?(?: credit)?\s*:\s*|"
    r"\((?:Photo|Image|Picture)s? (?:by|credit:?|courtesy(?: of)?) |"
    r"\((?:Photo|Image|Picture)s? (?:source|credit)s?:\s*|"
    r"\((?:AP|AFP|EPA|UPI|Reuters)(?: Photo(?=[/)])/?|/))"  # not a dateline's "(AP)"
)
# a credit in brackets ends at its closing bracket: "(AP Photo/Rich Doe)"
_BRACKET_END = re.compile(r"[^()\n]{0,80}\)")
# what ends a credit glued to following prose: an agency/outlet or "for <Outlet>"
_CREDIT_END = re.compile(
    r"(?:for (?:The |the )?%(name)s(?: %(name)s){0,4}|"
    r"/?(?:Getty Images|Associated Press|AP|AFP|Reuters|EPA|EPA-EFE|Shutterstock|Bloomberg|"
    r"Zuma Press|ZUMA Wire|Sipa USA|Xinhua|TASS|Sputnik|Anadolu Agency|Pool|Handout|"
    r"The New York Times|The Washington Post|NurPhoto|SOPA Images|Alamy))\)?"
    # a name word stops where the glued next paragraph starts: "TimesWASHINGTON"
    % {"name": r"(?:[A-Z]{2,5}(?![A-Za-z])|[A-Z][a-z]+(?:[A-Z][a-z]+)*)(?:[.&'’-][A-Za-z]+)?"}
)
_MAX_CAPTION_WORDS = 70  # a caption with its credit is short; longer lines are prose
_MAX_CREDIT_TAIL_WORDS = 12
_SOCIAL = r"(?:Twitter|X|Instagram|Facebook|Threads|Bluesky|TikTok)"
_FOLLOW = rf"Follow (?:[\w.'’-]+ ){{0,8}}?on {_SOCIAL}(?: at)?:? ?@\w+\.?"  # with a handle
_SHARE_BUTTONS = (r"(?:Print|Email|E-mail|Twitter|Facebook|LinkedIn|Reddit|Tumblr|Pinterest|Skype|WhatsApp|"
                  r"Telegram|Pocket|More)\b")
_AP_NOTICE = r"This material may not be published, broadcast, rewritten,? or redistributed(?: without permission)?\.?"
# furniture that ends a line: each is cut from the end while one matches (a copyright notice
# after the reporting credits, say), and only where it starts a sentence
_LINE_TAILS = [  # (pattern, words one of which it needs: most lines have none, and skip the search)
    (re.compile(rf"(?:Copyright\b|©)[^\n]{{0,120}}?All rights reserved\.?(?:\s*{_AP_NOTICE})?\s*$", re.I),
     ("rights reserved",)),
    (re.compile(r"(?:Copyright\s*(?:©\s*)?|©\s*)(?:19|20)\d\d\b[^.!?\n]{0,80}\.?\s*$"), ("copyright", "©")),
    (re.compile(rf"{_AP_NOTICE}\s*$", re.I), ("may not be published",)),
    (re.compile(r"(?:(?:Like|Love|Haha|Funny|Wow|Sad|Angry)\s*\d*\s*){3,}$"),  # a reactions bar
     ("like", "love", "haha", "funny", "wow", "sad", "angry")),
    (re.compile(r"\((?:Additional )?(?:Reporting|Writing|Editing) by [^()\n]{3,300}(?:\)\.?)?\s*$"),
     ("reporting by", "writing by", "editing by")),
    (re.compile(r"(?:[-–—]+[ \t]*)?\(?With (?:files|assistance|additional reporting|reporting) (?:from|by) "
                r"(?:[^.!?()\n]|\b[A-Z]\.){2,200}\.?\)?\.?\s*$"),
     ("with files", "with assistance", "with additional", "with reporting")),
    (re.compile(r"(?P<credited>(?:[^.!?\n]|\b[A-Z]\.){3,200}?) contributed (?:reporting )?to this "
                r"(?:report|story|article)\.?\s*$"), ("contributed",)),
    (re.compile(rf"{_FOLLOW}\s*$", re.I), ("follow",)),
    (re.compile(r"For (?:all )?the latest [^.!?\n]{2,80}?,? (?:download|follow|visit|subscribe to|like) "
                r"[^.!?\n]{2,80}\.?\s*$"), ("the latest",)),
    # a blog's share bar: "Advertisements Share this: Print Email Twitter Like this: Like Loading..."
    (re.compile(rf"(?:Advertisements?\s+)?(?:Share this:(?:\s*{_SHARE_BUTTONS})*(?:\s*Like this:\s*Like\s*Loading\.*)?"
                r"|Like this:\s*Like\s*Loading\.*)\s*$"), ("share this:", "like loading")),
    (re.compile(rf"(?:{_SOCIAL}: ?@\w+\s+)?Read or Share this story:\s*\S*\s*$"),  # with the page's slug
     ("share this story:",)),
    (re.compile(r"(?:Like this story\?\s*|Read more (?:on|about) [^.!?\n]{2,80}? and )?[Ss]ign up (?:to|for) "
                r"(?:our|the) [^.!?\n]{0,40}?newsletters?\b[^.!?\n]{0,150}\.?\s*$"), ("newsletter",)),
    (re.compile(r"CLICK HERE TO [A-Z][A-Z .,'’-]{2,80}$"), ("click here to",)),
    # a wire's editor initials signing off a story: "… in Pyongyang. jg/jcm/bj"
    # (not an address's end: "… at www.un.org/en/sg")
    (re.compile(r"(?<![\w/])(?!(?:com|org|net|gov|edu|int|mil|info|biz|co|io|ac|us|uk|ca|au|in|de|fr|eu)/)"
                r"[a-z]{1,4}(?:/[a-z]{1,4}){1,5}\s*$"), ("/",)),
    # a syndicated stock report's promotion: "… Click to get this free report Acme Corp. (ACME) : Free
    # Stock Analysis Report To read this article on Zacks.com click here."
    (re.compile(r"(?:Want the latest recommendations from Zacks Investment Research\?\s*)?Today,? you can "
                r"download \d+ Best Stocks for the Next \d+ Days\.\s*Click to get this free report[^\n]{0,300}$"),
     ("free report",)),
]
_TAIL_REACH = 800  # no furniture above is longer: a pattern is only searched in this much of a line's end
_TAIL_HINT = re.compile("|".join(re.escape(word) for _, needs in _LINE_TAILS for word in needs))
# a follow prompt with a handle between two sentences
_INLINE_FOLLOW = re.compile(rf"(?<=[.!?”\"’])[ \t]+{_FOLLOW}(?=[ \t]+[A-Z“\"‘])", re.I)
_SENTENCE_END = ".!?”\"’)"
_LONG_LINE = 5000  # longer lines are prose, but for the furniture in their last _TAIL_WINDOW
_TAIL_WINDOW = 1500
# an ad label between two sentences on one line
_INLINE_AD = re.compile(r"(?<=[.!?”\"’])[ \t]*(?:ADVERTISEMENT|Advertisement)[ \t]*(?=[A-Z“\"‘])")
# a page's player and widget texts, which scrapers leave inside one-line copy: whole sentences
# no report writes (each with the spaces after it)
_INLINE_WIDGETS = re.compile(
    r"(?:Your browser does not support the (?:audio|video) (?:element|tag)\.?"
    r"|Please enable (?:JavaScript|Javascript|javascript) to (?:watch|view|play) this video\.?"
    r"|Send this page to someone via email\.?"
    r"|Sign up to (?:FREE )?(?:\w+ )?email alerts from [^.!?\n]{1,200}?Invalid Email"  # a newsletter form
    r"|(?:[A-Z]{2,5} News email )?The latest headlines in your inbox [^\n]{0,800}?Update newsletter preferences"
    r"|Image \d+ of / ?\d+ Caption Close [^\n]{0,300}? \d+ / \d+ Back(?: to Gallery)?"  # a photo gallery
    r"|(?<=\) )Details DMCA"  # "(Image by ...) Details DMCA"
    r"|CLICK HERE TO GET THE [A-Z]+(?: [A-Z]+){0,4} APP)"  # "CLICK HERE TO GET THE FOX NEWS APP"
    r"[ \t]*"
)
_WIDGET_HINT = re.compile(r"does not support the|enable javascript|send this page|email alerts|in your inbox|"
                          r"caption close|details dmca|click here to get the", re.I)
# a teaser for another article: a headline (or a cut-off sentence "...") and "Read more", after a
# sentence and before the next: "... was 77. The books that defined the decade Read more Mehta,
# who ...". The teaser is cut off ("...") or has a headline's colon, so that "The campaign,
# called Read More Books, starts" stays; and not at a line's start, where it may be the
# article's own headline
_INLINE_READ_MORE = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))[ \t]+"
    r"(?:[^.!?\n]{3,200}?(?:\.\.\.|…)|[^.!?:\n]{2,100}: [^.!?\n]{2,150}?)"  # cut off, or "Kicker: headline"
    r"[ \t]+Read [Mm]ore(?=[ \t]+[A-Z“\"‘])"
)


def debris_edits(text: str) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Edits that cut debris, and (start, end) spans of suspected debris left in place."""
    edits: list[Edit] = []
    suspects: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    lines = text.split("\n")
    verdicts: dict[str, float | None] = {}  # repeated lines (hostile input) are judged once
    for line in lines:
        start = pos
        end = start + len(line)
        pos = end + 1
        stripped = line.strip()
        if len(stripped) > _LONG_LINE:
            # a whole article on one line (scraped copy): only its last stretch can be furniture
            window = len(line) - _TAIL_WINDOW
            furniture = _tail_furniture(line[window:])
            if furniture:  # > 0: the window starts mid-prose, so a cut at 0 proves nothing
                edits.append(Edit(start + window + furniture, end, "", "debris", 0.85))
                line = line[: window + furniture]
            edits.extend(_inline_widgets(line, start))
            continue
        if not stripped:
            continue
        words = _WORD.findall(stripped)
        if stripped in verdicts:
            verdict = verdicts[stripped]
        else:
            verdict = _line_verdict(stripped, words)
            if len(verdicts) < 10_000:
                verdicts[stripped] = verdict
        if verdict is not None:
            edits.append(_cut_line(text, start, end, n, verdict))
            continue
        cred = _CREDIT.search(line)
        if cred is not None:
            cut = _caption_cut(line, cred, len(words))
            if cut is None:
                suspects.append((start, end))
            elif cut == (0, len(line)):
                edits.append(_cut_line(text, start, end, n, 0.9))
            else:
                edits.append(Edit(start + cut[0], start + cut[1], "", "debris", 0.75))
            if cut != (0, len(line)):  # furniture or a widget elsewhere on the line
                furniture = _tail_furniture(line)
                if furniture and (cut is None or furniture >= cut[1]):
                    edits.append(Edit(start + furniture, end, "", "debris", 0.85))
                    line = line[:furniture]
                edits.extend(_inline_widgets(line, start))  # (overlapping cuts merge)
            continue
        furniture = _tail_furniture(line)
        if furniture == 0:
            edits.append(_cut_line(text, start, end, n, 0.85))
            continue
        if furniture is not None:
            edits.append(Edit(start + furniture, end, "", "debris", 0.85))
            line = line[:furniture]
        for m in _INLINE_AD.finditer(line):
            edits.append(Edit(start + m.start(), start + m.end(), " ", "debris", 0.85))
        for m in _INLINE_FOLLOW.finditer(line):
            edits.append(Edit(start + m.start(), start + m.end(), "", "debris", 0.85))
        edits.extend(_inline_widgets(line, start))
    return edits, suspects


def _inline_widgets(line: str, start: int) -> list[Edit]:
    """Player, newsletter-form and read-more teaser texts inside a line of prose."""
    found = []
    if _WIDGET_HINT.search(line):
        found += [(m.start(), m.end()) for m in _INLINE_WIDGETS.finditer(line)]
    if "Read more" in line or "Read More" in line:
        found += [(m.start(), m.end()) for m in _INLINE_READ_MORE.finditer(line)]
    edits: list[Edit] = []
    last = -1
    for a, b in sorted(found):
        if a >= last:  # a teaser may hold a widget text: one cut
            edits.append(Edit(start + a, start + b, "", "debris", 0.8))
            last = b
    return edits


def _names_people(credited: str) -> bool:
    """"Times staff writers Ana Ruiz and Li Wei": mostly capitalised words, not a clause."""
    words = re.findall(r"[^\W\d_]+", credited)
    return bool(words) and sum(w[0].islower() for w in words) * 2 <= len(words)


def _tail_furniture(line: str) -> int | None:
    """Where the wire furniture that ends ``line`` starts (0: the whole line is furniture), or
    None. The cut takes the space before it, so the prose keeps its own end."""
    cut = None
    end = len(line)
    while end:
        start = max(0, end - _TAIL_REACH)
        tail = line[start:end].lower()
        if _TAIL_HINT.search(tail) is None:
            break  # one search for most lines (a feed of one-word lines has 300,000)
        for pattern, needs in _LINE_TAILS:
            # the lazy credit groups make a search cost ~200 steps per character: scanning every
            # line in full made repair five times slower (3.2 -> 14.9 ms per article)
            if not any(word in tail for word in needs):
                continue
            m = pattern.search(line, start, end)
            if m is None:
                continue
            before = line[: m.start()].rstrip()
            if before and before[-1] not in _SENTENCE_END:
                continue  # mid-sentence: prose that mentions a copyright or a byline
            if m.groupdict().get("credited") and not _names_people(m.group("credited")):
                continue  # "He thanked all who contributed to this report."
            cut = end = len(before)
            break
        else:
            break
    return cut


def _line_verdict(stripped: str, words: list[str]) -> float | None:
    """Confidence that a whole line is debris, or None when it is (or may be) prose."""
    key = re.sub(r"[^\w\s-]", "", stripped.lower()).strip()
    key = re.sub(r"\s+", " ", key)
    if key in _AD_LINES:
        return 0.95
    lower = [w.lower() for w in words]
    if 1 <= len(lower) <= 12 and all(w in _SHARE_WORDS for w in lower) and \
            any(w in _SHARE_HINT for w in lower):
        return 0.9
    for pattern, max_words in _PROMPTS:
        if len(words) <= max_words and pattern.search(stripped):
            return 0.85
    return None


def _caption_cut(line: str, cred: re.Match[str], nwords: int) -> tuple[int, int] | None:
    """The part of a line to cut for a caption/credit, or None when unsure."""
    head = line[: cred.start()]
    tail = line[cred.end() :]
    tail_words = len(_WORD.findall(tail))
    credit_like = cred.group().lstrip().startswith(("Credit", "(")) or tail_words <= 6
    if not credit_like:
        return None
    m = _BRACKET_END.match(tail) if cred.group().startswith("(") else None
    if m is None:
        m = _CREDIT_END.search(tail, 0, 160)
    rest = tail[m.end() :] if m else ""
    # what follows the credit's end on the same line starts a new sentence: prose goes on
    following = rest.lstrip(" \t\u00a0")
    glued = bool(following) and (following[:1].isupper() or following[:1] in "“\"‘")
    if not glued:
        # the credit runs to the line end (``/AFP via Getty Images``): the whole line is a
        # caption, unless a sentence follows the credited name on the same line
        if nwords > _MAX_CAPTION_WORDS or tail_words > _MAX_CREDIT_TAIL_WORDS:
            return None
        if m is not None and re.search(r"[.!?]\s+\S", rest):
            return None
        return (0, len(line))
    # credit glued to the following prose: cut up to the end of the credited name
    assert m is not None
    cut_end = cred.end() + m.end()
    # the caption starts at the last sentence end before the credit (or the line start)
    cap_start = 0
    for sm in re.finditer(r"[.!?”\"]\s+(?=[A-Z“\"])", head):
        cap_start = sm.end()
    caption_words = len(_WORD.findall(head[cap_start:]))
    if caption_words > 50:
        return None
    if cap_start == 0 and rest[:1] in " \t\u00a0":
        # "Headline glued to a caption (AP Photo/Jo Doe) Prose": where the caption starts is
        # unknown, so only the credit goes
        return (len(head.rstrip()), cut_end)
    if cap_start > 0:
        cap_start = len(head[:cap_start].rstrip()) + 1  # keep one space before what follows
        return (cap_start, cut_end)
    return (0, cut_end)


def _cut_line(text: str, start: int, end: int, n: int, confidence: float) -> Edit:
    """Remove a whole line with the line break after it (or before it at the very end)."""
    if end < n:
        return Edit(start, end + 1, "", "debris", confidence)
    if start > 0:
        return Edit(start - 1, end, "", "debris", confidence)
    return Edit(start, end, "", "debris", confidence)
