"""Reading mentions for storms: what a mention says (its phrases and hashtags), which of them
rose against their usual frequency, and which mentions are near-duplicates of each other.

The text work is done by well-kept libraries, not by hand: nltk's `TweetTokenizer` patterns
split a post keeping hashtags, @handles, URLs and emoji whole (they need no corpus download;
see `tokenize` for why the standard library's engine runs them);
`nltk.util.everygrams` makes the 1- to 3-word phrases and `nltk.util.ngrams` the word shingles;
the `stopwords` package gives each language's stop words; `datasketch` estimates the overlap of
two mentions' shingles (MinHash) and finds a mention's near-duplicates among many at once
(MinHashLSH). Only the first `READ_CHARS` characters of a post are read (a tweet's length): a
long post's opening says what it is about, and the detector reads every mention as it arrives
(about 50 µs a post, so a storm's thousands a minute too)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

import stopwords
from datasketch import MinHash, MinHashLSH
from nltk.tokenize.casual import REGEXPS
from nltk.util import everygrams, ngrams

READ_CHARS = 280
PHRASE_WORDS = 3  # phrases are 1 to 3 content words
SHINGLE_WORDS = 3  # near-duplicates are compared on their 3-word shingles
# Two mentions are near-duplicates when about this share of their shingles is the same.
NEAR_DUPLICATE = 0.5
MINHASH_PERMUTATIONS = 64
# A phrase rose when at least this many mentions carry it, at least this share of them...
RISEN_MIN_MENTIONS = 3
RISEN_MIN_SHARE = 0.05
# ...and at least this many times as many as its usual share would give.
RISEN_FACTOR = 3.0
# A shorter phrase inside a longer one that rose with nearly its count adds nothing.
SUBSUMED_SHARE = 0.8

# nltk's TweetTokenizer patterns (URLs, emoticons, handles, hashtags, words, in its order), run
# by the standard library's engine. nltk runs them in the `regex` engine under a timeout on every
# call — its guard against patterns that backtrack without end on long input — at 150 µs a
# post, four times this. Only a post's first READ_CHARS characters are read here: the slowest
# such opening found among 20,000 random and crafted ones ("a.a.a.…") took 3 ms.
_WORDS = re.compile(f"({'|'.join(REGEXPS)})", re.VERBOSE | re.IGNORECASE)
_LENGTHENED = re.compile(r"(.)\1{2,}")  # "sooooo" → "sooo", as the tokenizer's reduce_len
_HANG = re.compile(r"([\W_])\1{3,}")  # a run of one symbol: at most three kept


def tokenize(text: str) -> list[str]:
    """The lower-cased tokens of `text`, as `TweetTokenizer(preserve_case=False,
    reduce_len=True, match_phone_numbers=False)` splits it (emoticons lower-cased too)."""
    text = _LENGTHENED.sub(r"\1\1\1", unescape(text))
    return _WORDS.findall(_HANG.sub(r"\1\1\1", text).lower())


@dataclass(frozen=True, slots=True)
class MentionText:
    """What one mention says, as the storm detector compares it."""

    phrases: frozenset[str]  # runs of 1 to 3 words, none starting or ending with a stop word
    hashtags: frozenset[str]  # "#refund"
    shingles: frozenset[str]  # its 3-word runs, every word kept: for near-duplicates


@dataclass(frozen=True, slots=True)
class Risen:
    """A phrase or hashtag that rose: how many mentions carry it, and how many usually would."""

    text: str
    count: int
    usual: float

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "count": self.count, "usual": round(self.usual, 2)}


# Words the stop-word lists drop that say what is wrong in a complaint ("the app is down",
# "charged twice", "not working"): a phrase may start or end with them.
COMPLAINT_WORDS = frozenset(
    {"down", "not", "no", "never", "off", "out", "again", "twice", "nothing", "cannot"}
    | {"can't", "won't", "don't", "didn't", "doesn't", "isn't", "wasn't", "couldn't"}
    | {"nicht", "kein", "keine", "pas", "jamais", "nunca", "nada", "niet", "geen"}
)


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of the mention's language (`en`, `de-AT` → `de`) and English's, which
    posts in every language mix in; English's alone when the language is unknown — less the
    complaint words (`COMPLAINT_WORDS`)."""
    english = stopwords.safe_get_stopwords("en")
    code = (language or "en").split("-")[0].split("_")[0].lower()
    own = stopwords.safe_get_stopwords(code) if code != "en" else []
    return frozenset(w.lower() for w in (*english, *own)) - COMPLAINT_WORDS


def _is_content(word: str, stops: frozenset[str]) -> bool:
    """A word a phrase may start or end with (stop words may sit inside: "app is down")."""
    return len(word) > 1 and word not in stops


def _is_word(token: str) -> bool:
    return token[:1].isalnum() and not token.startswith(("http:", "https:", "www."))


def _runs(tokens: Sequence[str]) -> list[list[str]]:
    """The runs of words between punctuation, handles, links and hashtags: a phrase never
    spans two sentences ("Is the app down? Can not log in")."""
    runs: list[list[str]] = [[]]
    for token in tokens:
        if _is_word(token):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


_has_digit = re.compile(r"\d").search


def read_text(text: str, language: str | None = None) -> MentionText:
    """Phrases, hashtags and shingles of a post (its first `READ_CHARS` characters)."""
    words = tokenize(text[:READ_CHARS])
    hashtags = frozenset(t for t in words if t.startswith("#") and len(t) > 1)
    stops = stop_words(language)
    phrases = frozenset(
        " ".join(gram)
        for run in _runs(words)
        for gram in everygrams(run, 1, PHRASE_WORDS)
        if _is_content(gram[0], stops)
        and _is_content(gram[-1], stops)
        and not any(w.isdigit() for w in gram)
    )
    # Shingles keep every word and hashtag, numbers as one token (order numbers vary between
    # copies of one complaint), not handles or links.
    runs = ["0" if _has_digit(t) else t for t in words if _is_word(t) or t in hashtags]
    if len(runs) >= SHINGLE_WORDS:
        shingles = frozenset(" ".join(gram) for gram in ngrams(runs, SHINGLE_WORDS))
    else:
        shingles = frozenset([" ".join(runs)]) if runs else frozenset()
    return MentionText(phrases=phrases, hashtags=hashtags, shingles=shingles)


def read_texts(posts: Sequence[tuple[str, str | None]]) -> list[MentionText]:
    """`read_text` of each (text, language): a batch for a reading process."""
    return [read_text(text, language) for text, language in posts]


def risen(
    counts: Counter[str],
    total: int,
    usual_counts: Counter[str],
    usual_total: int,
    *,
    limit: int,
) -> list[Risen]:
    """The phrases of `counts` (mentions carrying each, out of `total`) that rose against
    their share in `usual_counts` (out of `usual_total`), most risen first: each carried by
    at least `RISEN_MIN_MENTIONS` and `RISEN_MIN_SHARE` of the mentions, and by at least
    `RISEN_FACTOR` times as many as usual. A phrase inside a longer risen one with nearly its
    count is left out ("refund" beside "refund page" when most say both)."""
    if total <= 0:
        return []
    floor = max(RISEN_MIN_MENTIONS, RISEN_MIN_SHARE * total)
    found: list[Risen] = []
    for text, count in counts.items():
        if count < floor:
            continue
        usual = usual_counts.get(text, 0) / usual_total * total if usual_total > 0 else 0.0
        if count >= RISEN_FACTOR * usual:
            found.append(Risen(text, count, usual))
    # Most risen first: the excess over usual, then the longer (more telling) phrase.
    found.sort(key=lambda r: (-(r.count - r.usual), -len(r.text.split()), r.text))
    kept: list[Risen] = []
    for candidate in found:
        if any(
            _inside(candidate.text, longer.text)
            and longer.count >= SUBSUMED_SHARE * candidate.count
            for longer in found
            if longer is not candidate
        ):
            continue
        kept.append(candidate)
        if len(kept) >= limit:
            break
    return kept


def _inside(short: str, long: str) -> bool:
    """Whether phrase `short` is a run of whole words of the longer phrase `long`."""
    if len(short) >= len(long):
        return False
    return f" {short} " in f" {long} "


# Drawing a MinHash's permutations costs more than hashing a post: every signature shares one.
_PERMUTATIONS = MinHash(num_perm=MINHASH_PERMUTATIONS)


def minhash(shingles: Iterable[str]) -> MinHash:
    signature = MinHash(
        num_perm=MINHASH_PERMUTATIONS,
        permutations=_PERMUTATIONS.permutations,
        scheme=_PERMUTATIONS.scheme,
    )
    signature.update_batch([s.encode("utf-8") for s in shingles])
    return signature


class NearDuplicates:
    """Mentions indexed by their shingles' MinHash: which known mentions a new one nearly
    repeats (estimated Jaccard similarity of the shingles ≥ `NEAR_DUPLICATE`). Only a mention
    that repeats none is indexed: it stands for the copies that follow, so a storm of 10,000
    copies of one post keeps the index (and each look-up) small."""

    def __init__(self) -> None:
        self._index = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=MINHASH_PERMUTATIONS)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, mention_id: int, text: MentionText) -> list[int]:
        """The indexed mentions this one nearly repeats, lowest id first; when none, the
        mention is indexed itself."""
        if not text.shingles:
            return []
        signature = minhash(text.shingles)
        similar = sorted(int(key) for key in self._index.query(signature) if key != mention_id)
        if not similar:
            self._index.insert(mention_id, signature, check_duplication=False)
            self._size += 1
        return similar


def phrase_counts(texts: Sequence[MentionText]) -> tuple[Counter[str], Counter[str]]:
    """How many of `texts` carry each phrase, and each hashtag."""
    phrases: Counter[str] = Counter()
    hashtags: Counter[str] = Counter()
    for text in texts:
        phrases.update(text.phrases)
        hashtags.update(text.hashtags)
    return phrases, hashtags
