"""One canonical entity per real-world thing, within an article, across a story and the store.

1. Within an article: a full PERSON name is an anchor; a surname or titled mention
   (``Mr. Hegeth``) joins the anchor with that surname (``Mr. HEELEY`` joins ``John Healey``
   when the spellings are close), or, being nobody's surname, the one anchor it is the first
   name of (``Kim`` joins ``Kim Jong-un``). Other types group by normalised name.
2. Across articles (and ``known`` entities from the store): candidates are blocked by first
   letter and compared with rapidfuzz, a typo rule (same first letter and ending), a
   metaphone match, transliteration keys (Zelensky/Zelenskyy, Kiev/Kyiv) and truncation
   (``Bid`` for ``Biden``). Full names merge when the first names agree; a lone surname merges
   with the single best person when its article shares context (co-occurring entities) or the
   spelling is near-identical. Different first names, genders or kinds of role (a senator vs a
   coach) never merge; two distinct people named in one article never merge. When unsure the
   pair is recorded as a CandidateLink with its score.
3. The canonical spelling is the best-supported one: most articles, then closest to the other
   spellings (typos are independent deviations from the true name), then most mentions.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import jellyfish
from rapidfuzz import fuzz

from newsfuse.extract.entities import (
    gender_of,
    honorific_before,
    normalize_name,
    role_words,
)
from newsfuse.settings import ExtractSettings
from newsfuse.types import Alias, Article, ArticleAnnotations, CandidateLink, Entity, EntityLinks

# well-known transliteration / spelling variants -> preferred spelling
TRANSLITERATIONS = {
    "kiev": "Kyiv",
    "kyiv": "Kyiv",
    "kharkov": "Kharkiv",
    "kharkiv": "Kharkiv",
    "odessa": "Odesa",
    "odesa": "Odesa",
    "lvov": "Lviv",
    "lviv": "Lviv",
    "nikolaev": "Mykolaiv",
    "mykolaiv": "Mykolaiv",
    "chernigov": "Chernihiv",
    "chernihiv": "Chernihiv",
    "tschernihiv": "Chernihiv",
    "zaporozhye": "Zaporizhzhia",
    "zaporizhzhia": "Zaporizhzhia",
    "lugansk": "Luhansk",
    "luhansk": "Luhansk",
    "donetsk": "Donetsk",
    "artemovsk": "Bakhmut",
    "gaddafi": "Gaddafi",
    "qaddafi": "Gaddafi",
    "kadhafi": "Gaddafi",
    "peking": "Beijing",
    "bombay": "Mumbai",
    "burma": "Myanmar",
}
# Ukrainian and Russian romanisations of one first name (Г is "h" in one, "g" in the other)
_SLAVIC_FIRST_NAMES = {
    "oleh": "oleg", "serhiy": "sergey", "serhii": "sergey", "sergei": "sergey", "sergiy": "sergey",
    "andriy": "andrey", "andrii": "andrey", "andrei": "andrey", "dmytro": "dmitry",
    "dmitri": "dmitry", "dmitriy": "dmitry", "mykola": "nikolay", "nikolai": "nikolay",
    "mykhailo": "mikhail", "mykhaylo": "mikhail", "hennadiy": "gennady", "hennadii": "gennady",
    "gennadiy": "gennady", "heorhiy": "georgy", "heorhii": "georgy", "georgiy": "georgy",
    "ihor": "igor", "yuriy": "yuri", "yurii": "yuri", "oleksandr": "aleksandr",
    "alexander": "aleksandr", "oleksiy": "aleksey", "oleksii": "aleksey", "alexei": "aleksey",
    "alexey": "aleksey", "vitaliy": "vitaly", "vitalii": "vitaly", "yevhen": "yevgeny",
    "yevgeniy": "yevgeny", "evgeny": "yevgeny", "petro": "pyotr", "pavlo": "pavel",
}
# surname endings of Slavic names, where an h/g difference is the romanisation, not the name
_SLAVIC_ENDINGS = ("ov", "ev", "enko", "uk", "yuk", "yk", "ko", "sky", "skyi", "ych", "ich", "yn")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "jnr", "snr"}
_ROLE_GROUPS = {
    # one group for government and legislature: a House minority leader is a representative,
    # and in a parliament the ministers sit as MPs (two groups split Nancy Pelosi in two
    # on a BASIL story: "Leader Pelosi" in one outlet, "Representative Pelosi" in another)
    "politics": {
        "president",
        "minister",
        "secretary",
        "chancellor",
        "premier",
        "governor",
        "mayor",
        "king",
        "queen",
        "prince",
        "pope",
        "leader",
        "boss",
        "head",
        "chief",
        "ambassador",
        "envoy",
        "diplomat",
        "official",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "aide",
        "adviser",
        "advisor",
        "negotiator",
        "commissioner",
        "senator",
        "lawmaker",
        "congressman",
        "congresswoman",
        "representative",
        "mp",
    },
    "jud": {"judge", "justice", "prosecutor", "attorney", "lawyer"},
    "mil": {"general", "colonel", "captain", "commander", "admiral", "marshal", "sergeant"},
    "biz": {"ceo", "founder", "chairman", "chairwoman", "executive", "director", "manager"},
    "sport": {"coach", "player", "striker"},
    "acad": {"professor", "researcher", "analyst", "economist"},
    "press": {"reporter", "correspondent", "editor", "author"},
    "arts": {"actor", "actress", "singer"},
}
_TYPE_GROUP = {"GPE": "place", "LOC": "place", "FAC": "place"}
LINKED_LABELS = {
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
}


def translit_key(token: str) -> str:
    """Spelling-variant key: ``Zelenskyy``/``Zelenskiy``/``Zelensky`` -> ``zelensky``."""
    text = unicodedata.normalize("NFKD", token.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    if text in TRANSLITERATIONS:
        return TRANSLITERATIONS[text].lower()
    for old, new in (
        ("tsch", "ch"),
        ("sch", "sh"),
        ("yy", "y"),
        ("iy", "y"),
        ("ij", "y"),
        ("kh", "h"),
        ("tz", "ts"),
        ("w", "v"),
        ("ii", "i"),
    ):
        text = text.replace(old, new)
    if text.endswith("ski"):
        text = text[:-1] + "y"
    if text in _SLAVIC_FIRST_NAMES:
        return _SLAVIC_FIRST_NAMES[text]
    if len(text) >= 6 and text.endswith(_SLAVIC_ENDINGS):
        text = text.replace("h", "g")  # Synehubov / Synegubov, Horlivka-style names
    return text


def name_similarity(a: str, b: str) -> float:
    """Similarity of two single name tokens (0..1) for typos, variants and truncations."""
    if a == b:
        return 1.0
    if translit_key(a) == translit_key(b):
        return 0.95
    score = fuzz.ratio(a, b) / 100.0
    if (
        len(a) >= 5
        and len(b) >= 5
        and a[0] == b[0]
        and a[-3:] == b[-3:]
        and abs(len(a) - len(b)) <= 2
    ):
        score = max(score, 0.8)  # a typo inside the word: Hrsseth / Hegseth
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short) and len(short) >= 0.5 * len(long_):
        score = max(score, 0.8)  # truncation: Bid / Biden
    if score >= 0.7 and jellyfish.metaphone(a) == jellyfish.metaphone(b):
        score = min(1.0, score + 0.05)
    return score


def _role_groups(roles: set[str]) -> set[str]:
    return {g for g, words in _ROLE_GROUPS.items() if roles & words}


def _display(surface: str, person: bool = True) -> str:
    """``HEELEY`` -> ``Heeley`` for names of people; acronyms (``RCMP``: no vowel) and mixed
    case are kept."""
    if person and surface.isupper() and len(surface) > 3 and re.search(r"[AEIOUY]", surface):
        return " ".join(w.capitalize() for w in surface.split())
    if surface.islower():
        return " ".join(w.capitalize() for w in surface.split())
    return surface


def _tokens(name: str) -> list[str]:
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", name.strip()):
        name = name.replace(".", "")  # U.S. -> US
    parts = [p for p in normalize_name(name).replace("'s", "").split() if p not in _SUFFIXES]
    return [p for p in parts if len(p) > 1 or not p.isalpha()] or parts


@dataclass
class Node:
    """A group of mentions believed to be one thing (one article), or a known entity."""

    group: str  # PERSON / place / ORG / NORP ...
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[tuple[str, str]] = field(default_factory=Counter)  # (surface, article)
    articles: set[str] = field(default_factory=set)
    first_names: set[str] = field(default_factory=set)
    surnames: Counter[str] = field(default_factory=Counter)  # surname spelling -> articles
    key: str = ""
    roles: set[str] = field(default_factory=set)
    gender: str | None = None
    context: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (annotation idx, mention idx)
    known: Entity | None = None
    full: bool = False  # has a full (first + last) name

    @property
    def orphan(self) -> bool:
        return self.group == "PERSON" and not self.full and self.known is None


def _person_nodes(text: str, article_id: str, ann_i: int, ann: ArticleAnnotations) -> list[Node]:
    anchors: dict[tuple[str, str], Node] = {}
    singles: list[tuple[int, str]] = []
    for m_i, mention in enumerate(ann.mentions):
        if mention.label != "PERSON":
            continue
        tokens = _tokens(mention.text)
        if not tokens:
            continue
        if len(tokens) >= 2:
            first, last = tokens[0], tokens[-1]
            node = anchors.get((first, last))
            if node is None:
                node = anchors[(first, last)] = Node("PERSON", key=last, full=True)
                node.first_names.add(first)
            _add_mention(node, text, article_id, ann_i, m_i, mention, last)
        else:
            singles.append((m_i, tokens[0]))
    by_surname: dict[str, list[Node]] = defaultdict(list)
    for node in anchors.values():
        by_surname[node.key].append(node)
    orphans: dict[str, Node] = {}
    for m_i, token in singles:
        mention = ann.mentions[m_i]
        gender = gender_of(honorific_before(text, mention.start))
        target = None
        exact = by_surname.get(token) or by_surname.get(translit_key(token))
        if exact:
            earlier = [
                n
                for n in exact
                if min(ann.mentions[j].start for _, j in n.mentions) < mention.start
            ]
            target = (earlier or exact)[-1] if len(exact) > 1 else exact[0]
        elif len(by_first := [n for n in anchors.values() if token in n.first_names]) == 1:
            # nobody's surname, the first name of one person: "Kim" after "Kim Jong-un" (a
            # family name written first), "Charlie" after "Charlie Noxon"
            target = by_first[0]
        else:
            scored = sorted(
                (
                    (max(name_similarity(token, s) for s in n.surnames), id(n), n)
                    for n in anchors.values()
                ),
                reverse=True,
            )
            if (
                scored
                and scored[0][0] >= 0.8
                and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1)
            ):
                target = scored[0][2]
        if target is not None and gender and target.gender and gender != target.gender:
            target = None
        if target is None:
            target = orphans.get(token)
            if target is None:
                target = orphans[token] = Node("PERSON", key=token)
        _add_mention(target, text, article_id, ann_i, m_i, mention, token)
    return list(anchors.values()) + list(orphans.values())


def _add_mention(
    node: Node, text: str, article_id: str, ann_i: int, m_i: int, mention, surname: str
) -> None:
    node.labels[mention.label] += 1
    node.surfaces[(_display(mention.text), article_id)] += 1
    node.articles.add(article_id)
    node.surnames[surname] = 1
    node.mentions.append((ann_i, m_i))
    gender = gender_of(honorific_before(text, mention.start))
    if gender and node.gender is None:
        node.gender = gender
    node.roles.update(role_words(text, mention.start, mention.end))


def _other_nodes(text: str, article_id: str, ann_i: int, ann: ArticleAnnotations) -> list[Node]:
    nodes: dict[str, Node] = {}
    for m_i, mention in enumerate(ann.mentions):
        if mention.label == "PERSON" or mention.label not in LINKED_LABELS:
            continue
        key = " ".join(translit_key(t) for t in _tokens(mention.text))
        if not key:
            continue
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = Node(_TYPE_GROUP.get(mention.label, mention.label), key=key)
        node.labels[mention.label] += 1
        node.surfaces[(_display(mention.text, person=False), article_id)] += 1
        node.articles.add(article_id)
        node.mentions.append((ann_i, m_i))
    # the majority label decides the group (a GPE tagged ORG once stays a place)
    for node in nodes.values():
        node.group = _TYPE_GROUP.get(
            node.labels.most_common(1)[0][0], node.labels.most_common(1)[0][0]
        )
    return list(nodes.values())


def _known_node(entity: Entity) -> Node:
    group = "PERSON" if entity.type == "PERSON" else _TYPE_GROUP.get(entity.type, entity.type)
    node = Node(group, known=entity)
    node.labels[entity.type] += max(1, entity.mentions)
    names = [entity.name] + [a.name for a in entity.aliases]
    for name in names:
        tokens = _tokens(name)
        if not tokens:
            continue
        if group == "PERSON":
            node.surnames[tokens[-1]] = max(node.surnames[tokens[-1]], 1)
            if len(tokens) >= 2:
                node.first_names.add(tokens[0])
                node.full = True
        else:
            node.key = node.key or " ".join(translit_key(t) for t in tokens)
    if group == "PERSON":
        node.key = _tokens(entity.name)[-1] if _tokens(entity.name) else ""
    node.articles.update(entity.article_ids)
    return node


class _Components:
    """Union-find over nodes that keeps per-component facts for the merge constraints."""

    def __init__(self, nodes: list[Node]) -> None:
        self.parent = list(range(len(nodes)))
        self.nodes = nodes
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(nodes))}
        self._facts: dict[int, tuple] = {}
        self._articles: dict[int, set[str]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def facts(self, root: int) -> tuple[set[str], set[str], set[str], set[str], int, set[str]]:
        """(first names, genders, roles, articles with a full name, known count, surnames);
        cached per component and combined on union, so merging stays linear."""
        cached = self._facts.get(root)
        if cached is None:
            cached = self._facts[root] = self._compute(root)
        return cached

    def articles(self, root: int) -> set[str]:
        cached = self._articles.get(root)
        if cached is None:
            cached = self._articles[root] = set().union(
                *(self.nodes[i].articles for i in self.members[root])
            )
        return cached

    def _compute(self, root: int) -> tuple[set[str], set[str], set[str], set[str], int, set[str]]:
        firsts: set[str] = set()
        genders: set[str] = set()
        roles: set[str] = set()
        full_articles: set[str] = set()
        known = 0
        surnames: set[str] = set()
        for i in self.members[root]:
            node = self.nodes[i]
            firsts |= node.first_names
            if node.gender:
                genders.add(node.gender)
            roles |= node.roles
            if node.full and node.known is None:
                full_articles |= node.articles
            known += node.known is not None
            surnames |= set(node.surnames)
        return firsts, genders, roles, full_articles, known, surnames

    def can_merge(self, a: int, b: int) -> str | None:
        """None when components ``a`` and ``b`` may be one entity, else the reason why not."""
        fa, ga, ra, arts_a, ka, sa = self.facts(a)
        fb, gb, rb, arts_b, kb, sb = self.facts(b)
        if ka and kb:
            return "two known entities"
        if fa and fb and not any(_first_compatible(x, y) for x in fa for y in fb):
            return "different first names"
        if len(ga | gb) > 1:
            return "different genders"
        # roles are read from the words around each mention and differ between outlets
        # ("RNC chairman" vs "former lieutenant governor"); they tell people apart only where a
        # side has no first name (agreeing first names on both sides, checked above, say more)
        groups_a, groups_b = _role_groups(ra), _role_groups(rb)
        if groups_a and groups_b and not groups_a & groups_b and not (fa and fb):
            return "different kinds of role"
        if arts_a & arts_b and not _one_name_two_forms(fa, fb, sa, sb):
            return "two people named in one article"
        return None

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        fa, fb = self.facts(a), self.facts(b)
        merged = (
            fa[0] | fb[0],
            fa[1] | fb[1],
            fa[2] | fb[2],
            fa[3] | fb[3],
            fa[4] + fb[4],
            fa[5] | fb[5],
        )
        articles = self.articles(a) | self.articles(b)
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self._facts.pop(b, None)
        self._articles.pop(b, None)
        self._facts[a] = merged
        self._articles[a] = articles


# English first names and their usual short forms: one outlet's "Chris Dodd" is another's
# "Christopher Dodd", "Dick Blumenthal" is "Richard Blumenthal"
_NICKNAME_SETS = (
    "alexander alex", "alexandra alex", "andrew andy drew", "anthony tony", "benjamin ben",
    "charles chuck charlie", "christopher chris", "daniel dan danny", "david dave",
    "edward ed ted teddy", "elizabeth liz beth betsy", "frederick fred", "gerald jerry",
    "gregory greg", "henry hank", "james jim jimmy", "jeffrey jeff", "john jack johnny",
    "joseph joe", "katherine kate kathy", "catherine kate cathy", "kenneth ken",
    "lawrence larry", "matthew matt", "michael mike", "mitchell mitch", "nathan nate",
    "nicholas nick", "patrick pat", "patricia pat", "peter pete", "richard dick rick rich",
    "robert bob bobby rob", "ronald ron", "samuel sam", "stephen steve", "steven steve",
    "susan sue", "thomas tom", "timothy tim", "vincent vince", "william bill billy will",
    "zachary zach",
)
_NICKNAMES: dict[str, set[str]] = {}
for _names in _NICKNAME_SETS:
    for _name in _names.split():
        _NICKNAMES.setdefault(_name, set()).update(_names.split())


def _one_name_two_forms(fa: set[str], fb: set[str], sa: set[str], sb: set[str]) -> bool:
    """One article may call a man "Richard Blumenthal" and "Dick Blumenthal": the same surname
    with first names that are one name's full and short forms is one person, not two."""
    if not (fa and fb and sa & sb):
        return False
    return all(x == y or y in _NICKNAMES.get(x, ()) for x in fa for y in fb)


def _first_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if b in _NICKNAMES.get(a, ()):
        return True
    return fuzz.ratio(a, b) >= 80 or translit_key(a) == translit_key(b)


def _context_overlap(a: Node, b: Node) -> float:
    ca, cb = a.context - {a.key}, b.context - {b.key}
    if not ca or not cb:
        return 0.0
    return len(ca & cb) / min(len(ca), len(cb))


def _block_keys(name: str) -> set[str]:
    first_word = name.split()[0]
    keys = {"p:" + name[:3], "s:" + name[:1] + name[-3:], "t:" + translit_key(first_word)}
    code = jellyfish.metaphone(first_word)
    if code:
        keys.add("m:" + code[:3])
    return keys


def _acronym(words: str) -> str:
    return "".join(w[0] for w in words.split() if w not in ("of", "the", "and", "for", "de"))


def link_entities(
    articles: Sequence[Article],
    annotations: Sequence[ArticleAnnotations],
    known: Sequence[Entity] = (),
    settings: ExtractSettings | None = None,
) -> EntityLinks:
    """Canonical entities for the given annotations; fills entity ids in place."""
    name_similarity_threshold = (settings or ExtractSettings()).name_similarity
    texts = {a.id: a.text for a in articles}
    nodes: list[Node] = []
    for ann_i, ann in enumerate(annotations):
        text = texts.get(ann.article_id, "")
        article_nodes = _person_nodes(text, ann.article_id, ann_i, ann) + _other_nodes(
            text, ann.article_id, ann_i, ann
        )
        context = {n.key for n in article_nodes if n.key}
        for node in article_nodes:
            node.context = context
        nodes.extend(article_nodes)
    _vote_person_surnames(nodes)
    first_known = len(nodes)
    nodes.extend(_known_node(e) for e in known)
    comps = _Components(nodes)
    candidates: dict[tuple[int, int], tuple[float, str]] = {}
    threshold = name_similarity_threshold / 100.0

    # identical names (the same full name, lone surname or normalised name) are merged
    # first without comparing them pairwise; only one representative per name is compared
    # below, so a story where 1,000 articles say "Trump" costs one comparison, not 500,000
    representatives: list[int] = []
    by_signature: dict[tuple, int] = {}
    for i, node in enumerate(nodes):
        if node.known is not None:
            representatives.append(i)
            continue
        if node.group == "PERSON":
            signature: tuple = (
                ("F", tuple(sorted(node.first_names)), node.key) if node.full else ("O", node.key)
            )
        else:
            signature = (node.group, node.key)
        rep = by_signature.get(signature)
        if rep is None:
            by_signature[signature] = i
            representatives.append(i)
            continue
        if comps.can_merge(comps.find(rep), comps.find(i)) is None:
            comps.union(rep, i)
        else:
            representatives.append(i)  # kept apart (e.g. two roles): compared on its own

    # blocking: a pair is compared only when it shares a key that any mergeable pair shares
    # (same first three letters: truncations; same first letter + ending: typos; same
    # metaphone start; same transliteration key; acronym), so a big story never compares
    # all pairs of names that merely start with the same letter
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in representatives:
        node = nodes[i]
        names = list(node.surnames) if node.group == "PERSON" else [node.key]
        keys: set[str] = set()
        for name in names:
            if not name:
                continue
            keys.update(_block_keys(name))
        if node.group in ("ORG", "place") and " " in node.key:
            keys.add("acr:" + _acronym(node.key))
        elif node.group in ("ORG", "place") and node.key.isalpha():
            keys.add("acr:" + node.key)
        for key in keys:
            blocks[(node.group, key)].append(i)

    seen_pairs: set[tuple[int, int]] = set()
    pairs: list[tuple[float, int, int]] = []
    for (group, _), members in blocks.items():
        for x in range(len(members)):
            a = members[x]
            for y in range(x + 1, len(members)):
                b = members[y]
                if a >= first_known and b >= first_known:
                    continue  # known entities are already distinct
                if (a, b) in seen_pairs:
                    continue
                seen_pairs.add((a, b))
                score = _pair_score(nodes[a], nodes[b], group)
                if score >= 0.7:
                    pairs.append((score, a, b))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    # pass 1: full names and non-persons; pass 2: lone surnames, each to its single best match
    deferred: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for score, a, b in pairs:
        na, nb = nodes[a], nodes[b]
        if na.group == "PERSON" and (na.orphan or nb.orphan):
            if na.orphan and nb.orphan:
                if score >= 0.95:
                    _try_union(comps, a, b, score, candidates)
                else:
                    candidates[(a, b)] = (score, "similar surnames only")
                continue
            orphan, other = (a, b) if na.orphan else (b, a)
            deferred[orphan].append((score, other))
            continue
        if na.group == "PERSON":
            if not (na.first_names and nb.first_names):
                ok = score >= 0.95  # a known entity without first name, or similar
            else:
                ok = score >= threshold
            if ok:
                _try_union(comps, a, b, score, candidates)
            else:
                candidates[(a, b)] = (score, "similar names")
        elif score >= 0.92:
            _try_union(comps, a, b, score, candidates)
        else:
            candidates[(a, b)] = (score, "similar names")
    # most certain lone surnames first, so a later, weaker one sees the articles they joined
    order = sorted(deferred, key=lambda o: -max(s for s, _ in deferred[o]))
    for orphan in order:
        options = deferred[orphan]
        best: dict[int, tuple[float, int]] = {}
        for score, other in options:
            root = comps.find(other)
            bonus = 0.1 * _context_overlap(nodes[orphan], nodes[other]) + (
                0.1 if nodes[orphan].articles & nodes[other].articles else 0
            )
            if root not in best or score + bonus > best[root][0]:
                best[root] = (score + bonus, other)
        ranked = sorted(best.values(), reverse=True)
        top_score, top = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        raw = max(s for s, o in options if o == top)
        component_articles = comps.articles(comps.find(top))
        shares_article = bool(nodes[orphan].articles & component_articles)
        overlap = _context_overlap(nodes[orphan], nodes[top])
        evidence = shares_article or overlap >= 0.3 or raw >= 0.9
        if raw >= threshold and evidence and top_score - runner >= 0.05:
            _try_union(comps, orphan, top, top_score, candidates)
        else:
            for score, other in ranked[:3]:
                candidates[(orphan, other)] = (score, "lone surname, unsure which person")

    return _build(nodes, comps, candidates, annotations, first_known)


def _vote_person_surnames(nodes: list[Node]) -> None:
    """A lone name tagged ORG/GPE that is the surname of a full PERSON name becomes a person."""
    surnames = {n.key for n in nodes if n.group == "PERSON" and n.full}
    person_label_votes: Counter[str] = Counter()
    for n in nodes:
        if n.group == "PERSON":
            person_label_votes[n.key] += n.labels["PERSON"]
    place_votes: Counter[str] = Counter()
    for node in nodes:
        if node.group != "PERSON":
            place_votes[node.key] += sum(node.labels.values())
    full_names = {
        (translit_key(next(iter(n.first_names))), translit_key(n.key)): n
        for n in nodes
        if n.group == "PERSON" and n.full and len(n.first_names) == 1
    }
    translit_surnames = {translit_key(s) for s in surnames}
    any_surname = translit_surnames | {translit_key(n.key) for n in nodes if n.group == "PERSON"}
    for node in nodes:
        tokens = node.key.split()
        # "Maja Ekdahl" tagged ORG in one article, "Ekdahl" a person in another
        surname_of_a_person = (
            node.group in ("ORG", "NORP", "place")
            and len(tokens) == 2
            and tokens[1] in any_surname
            and all(
                word[:1].isupper() and word[1:].islower()
                for surface, _ in node.surfaces
                for word in surface.split()
            )
        )
        # "Volodymyr Zelenskiy('s office)" tagged ORG while the person is known by name
        name_of_a_person = node.group != "PERSON" and len(tokens) == 2 and (tokens[0], tokens[1]) in full_names
        if surname_of_a_person or name_of_a_person:
            node.group = "PERSON"
            node.full = True
            node.first_names = {tokens[0]}
            node.surnames = Counter({tokens[1]: 1})
            node.key = tokens[1]
            continue
        if (
            node.group != "PERSON"
            and " " not in node.key
            and (node.key in surnames or node.key in translit_surnames)
        ):
            person_votes = person_label_votes[node.key]
            if person_votes >= place_votes[node.key]:
                node.group = "PERSON"
                token = node.key
                node.surnames = Counter({token: 1})
                node.full = False


def _pair_score(a: Node, b: Node, group: str) -> float:
    if a.group != b.group:
        return 0.0
    if group == "PERSON":
        return max((name_similarity(x, y) for x in a.surnames for y in b.surnames), default=0.0)
    if a.key == b.key:
        return 1.0
    if (" " in a.key) != (" " in b.key):
        short, long_ = (a.key, b.key) if " " not in a.key else (b.key, a.key)
        if group in ("ORG", "place") and len(short) >= 2 and _acronym(long_) == short:
            return 0.95
    score = fuzz.ratio(a.key, b.key) / 100.0
    if min(len(a.key), len(b.key)) < 6:
        score = min(score, 0.85)  # short names: Iran/Iraq, Mali/Bali stay apart
    return score


def _try_union(comps: _Components, a: int, b: int, score: float, candidates: dict) -> None:
    ra, rb = comps.find(a), comps.find(b)
    if ra == rb:
        return
    reason = comps.can_merge(ra, rb)
    if reason is None:
        comps.union(ra, rb)
    else:
        candidates[(a, b)] = (score, reason)


def _entity_id(kind: str, name: str) -> str:
    digest = hashlib.sha1(f"{kind}|{normalize_name(name)}".encode()).hexdigest()
    return "ent_" + digest[:16]


def _canonical(members: list[Node]) -> tuple[str, str]:
    """(canonical name, type) of a component; see module docstring."""
    labels: Counter[str] = Counter()
    for node in members:
        labels.update(node.labels)
    for node in members:
        if node.known is not None:
            return node.known.name, node.known.type
    is_person = any(n.group == "PERSON" for n in members)
    etype = "PERSON" if is_person else labels.most_common(1)[0][0]
    surface_articles: dict[str, set[str]] = defaultdict(set)
    surface_counts: Counter[str] = Counter()
    display: dict[str, Counter[str]] = defaultdict(Counter)
    for node in members:
        for (surface, article), count in node.surfaces.items():
            tokens = _tokens(surface)
            if not tokens:
                continue
            key = " ".join(tokens)
            surface_articles[key].add(article)
            surface_counts[key] += count
            display[key][surface] += count
    if not surface_articles:
        return members[0].key, etype
    if is_person:
        last_articles: dict[str, set[str]] = defaultdict(set)
        last_counts: Counter[str] = Counter()
        first_counts: Counter[str] = Counter()
        for key, arts in surface_articles.items():
            tokens = key.split()
            last_articles[tokens[-1]] |= arts
            last_counts[tokens[-1]] += surface_counts[key]
            if len(tokens) >= 2:
                first_counts[tokens[0]] += len(arts) * 100 + surface_counts[key]
        in_full: Counter[str] = Counter()
        for key, arts in surface_articles.items():
            if len(key.split()) >= 2:
                in_full[key.split()[-1]] += len(arts)

        def support(name: str) -> tuple[float, int, int]:
            own = len(last_articles[name])
            # plain string similarity: the typo floor of name_similarity would hide which
            # spelling sits closest to all the others
            others = sum(
                fuzz.ratio(name, o) / 100.0 * len(last_articles[o])
                for o in last_articles
                if o != name
            )
            # ties: the spelling used when the person is introduced in full, then mentions
            return (round(own + others, 6), in_full[name], last_counts[name])

        surname = max(last_articles, key=lambda s: (support(s), s))
        first = first_counts.most_common(1)[0][0] if first_counts else None
        if first:
            # a full name as written, when one spells these two: "Kim Jong-un", "Jean-Luc
            # Picard", "George W. Bush" keep the parts between and inside that the key drops
            written = [
                k for k in surface_articles if len(k.split()) >= 2 and k.split()[0] == first and k.split()[-1] == surname
            ]
            if written:
                best = max(written, key=lambda k: (len(surface_articles[k]), surface_counts[k], -len(k), k))
                form = display[best].most_common(1)[0][0]
                return _display(form), etype
        name = f"{first} {surname}" if first else surname
        # display case from the surfaces that spell these tokens
        return _cased(name, display), etype
    preferred = [TRANSLITERATIONS.get(k) for k in surface_articles if k in TRANSLITERATIONS]
    if preferred and preferred[0]:
        return preferred[0], etype
    best = max(
        surface_articles, key=lambda k: (len(surface_articles[k]), surface_counts[k], -len(k))
    )
    return display[best].most_common(1)[0][0], etype


def _cased(name: str, display: dict[str, Counter[str]]) -> str:
    words = name.split()
    out = []
    for word in words:
        cased = None
        capitals = None  # written only in capitals: HEELEY -> Heeley, but RCMP stays
        for forms in display.values():
            for form, _ in forms.most_common():
                for token in re.findall(r"[\w'\u2019-]+", form):
                    if token.lower() == word and not token.isupper():
                        cased = token
                        break
                    if token.lower() == word:
                        capitals = capitals or token
                if cased:
                    break
            if cased:
                break
        out.append(cased or (_display(capitals) if capitals else word.capitalize()))
    return " ".join(out)


def _build(
    nodes: list[Node],
    comps: _Components,
    candidates: dict,
    annotations: Sequence[ArticleAnnotations],
    first_known: int,
) -> EntityLinks:
    entities: list[Entity] = []
    entity_of_root: dict[int, str] = {}
    used_ids: set[str] = set()
    for root, member_ids in sorted(comps.members.items()):
        members = [nodes[i] for i in member_ids]
        if all(n.known is not None for n in members):
            continue  # a known entity nobody mentioned in this batch
        name, etype = _canonical(members)
        known = next((n.known for n in members if n.known is not None), None)
        entity_id = known.id if known is not None else _entity_id(etype, name)
        if entity_id in used_ids:
            # two things kept apart that share a name: the id also hashes their articles
            entity_id = _entity_id(
                etype, name + "|" + ",".join(sorted(set().union(*(n.articles for n in members))))
            )
        used_ids.add(entity_id)
        aliases: Counter[tuple[str, str]] = Counter()
        article_ids: set[str] = set()
        mention_count = 0
        for node in members:
            if node.known is not None:
                for alias in node.known.aliases:
                    aliases[(alias.name, alias.article_id)] += alias.count
                article_ids.update(node.known.article_ids)
                continue
            aliases.update(node.surfaces)
            article_ids |= node.articles
            mention_count += len(node.mentions)
            for ann_i, m_i in node.mentions:
                annotations[ann_i].mentions[m_i].entity_id = entity_id
        if known is not None:
            mention_count += known.mentions
        entity_of_root[root] = entity_id
        entities.append(
            Entity(
                id=entity_id,
                name=name,
                type=etype,
                aliases=[Alias(n, a, c) for (n, a), c in sorted(aliases.items())],
                article_ids=sorted(article_ids),
                mentions=mention_count,
            )
        )
    entities.sort(key=lambda e: (-e.mentions, e.name))
    links: list[CandidateLink] = []
    seen: set[tuple[str, str]] = set()
    for (a, b), (score, reason) in sorted(candidates.items(), key=lambda kv: -kv[1][0]):
        ea, eb = entity_of_root.get(comps.find(a)), entity_of_root.get(comps.find(b))
        if not ea or not eb or ea == eb:
            continue
        pair = tuple(sorted((ea, eb)))
        if pair in seen:
            continue
        seen.add(pair)  # type: ignore[arg-type]
        links.append(CandidateLink(pair[0], pair[1], round(score, 3), reason))
    roles_of = {
        entity_of_root[root]: comps.facts(root)[2]
        for root in comps.members
        if root in entity_of_root and any(nodes[i].group == "PERSON" for i in comps.members[root])
    }
    _fill_speakers(annotations, roles_of)
    return EntityLinks(entities=entities, candidates=links)


def _fill_speakers(
    annotations: Sequence[ArticleAnnotations], roles_of: dict[str, set[str]]
) -> None:
    """Quote.speaker_entity_id from the mention the speaker surface names (nearest one); a
    description nobody in its own article matched (``the chancellor said``) goes to the one
    person of the story whose role words agree, if exactly one does."""
    from newsfuse.extract.speakers import description_matches

    for ann in annotations:
        by_text: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for mention in ann.mentions:
            if mention.entity_id:
                by_text[mention.text].append((mention.start, mention.entity_id))
        for quote in ann.quotes:
            if quote.speaker and quote.speaker not in by_text and quote.speaker[:1].islower():
                matches = [
                    eid
                    for eid, roles in roles_of.items()
                    if description_matches(quote.speaker, roles)
                ]
                if len(matches) == 1:
                    quote.speaker_entity_id = matches[0]
                continue
            if not quote.speaker or quote.speaker not in by_text:
                continue
            options = by_text[quote.speaker]
            before = [o for o in options if o[0] <= quote.start]
            quote.speaker_entity_id = (before[-1] if before else options[0])[1]
