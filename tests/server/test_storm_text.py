"""What the storm detector reads in a post: phrases without stop words (per language),
hashtags, shingles that make copies of one complaint near-duplicates whatever their order
numbers, and which phrases rose against their usual share."""

from __future__ import annotations

from collections import Counter

from nltk.tokenize import TweetTokenizer
from nltk.tokenize.casual import EMOTICON_RE

from app.server.services.storm_text import (
    READ_CHARS,
    NearDuplicates,
    phrase_counts,
    read_text,
    read_texts,
    risen,
    tokenize,
)

POSTS = (
    "@acme my card was CHARGED TWICE!!! #Refund 😡 https://t.co/abc",
    "Sooooo slow today... app is DOWN again :( http://status.acme.com/incident?id=42",
    "Bestellung #12345 nicht angekommen &amp; keine Antwort 😡😡😡 @AcmeDE",
    "Ça ne marche pas — j'ai été débité deux fois !!!! <3 www.acme.fr",
    "pedido 555-123-4567 atrasado, ninguém responde ???? #Acme_BR",
    "WOW :D love it 👍🏽 thanks @acme_support!!! best service ever — 10/10",
    "a." * 140,
)


def test_posts_split_as_nltks_tweet_tokenizer_splits_them() -> None:
    """`tokenize` runs nltk's patterns in the standard library's engine (four times faster):
    the tokens are the tokenizer's own, emoticons lower-cased too."""
    reference = TweetTokenizer(preserve_case=False, reduce_len=True, match_phone_numbers=False)
    for post in POSTS:
        theirs = [t.lower() if EMOTICON_RE.search(t) else t for t in reference.tokenize(post)]
        assert tokenize(post) == theirs, post
    assert len(tokenize("a." * 2_000)) == 4_000  # a longer text ends too (read_text reads less)
    assert READ_CHARS <= 280


def test_hashtags_handles_links_and_emoji_stay_whole() -> None:
    said = read_text("@acme my card was CHARGED TWICE!!! #Refund 😡 https://t.co/abc", "en")
    assert said.hashtags == {"#refund"}
    # Phrases run inside a sentence and neither start nor end with a stop word.
    assert {"card was charged", "charged twice"} <= said.phrases
    assert not any("@acme" in p or "http" in p or "😡" in p for p in said.phrases)
    assert not {"my", "was"} & said.phrases  # English stop words


def test_stop_words_of_the_posts_language() -> None:
    german = read_text("Die App ist schon wieder kaputt und der Support antwortet nicht", "de")
    assert "app kaputt" not in german.phrases  # "schon", "wieder" are no stop words
    assert {"app", "kaputt", "support", "antwortet"} <= german.phrases
    assert not {"die", "ist", "und", "der", "kaputt und der"} & german.phrases
    # What is wrong stays, though the lists count it a stop word ("nicht", "down").
    assert "antwortet nicht" in german.phrases
    unknown = read_text("the app is down", "xx")  # no list for it: English's still apply
    assert unknown.phrases == {"app", "app is down", "down"}
    two = read_text("Is the app down? Can not log in", "en")
    assert "app down" in two.phrases
    assert not any("down can" in p for p in two.phrases)  # never across two sentences


def test_copies_of_one_complaint_are_near_duplicates() -> None:
    index = NearDuplicates()
    first = read_text("@acme my card was charged twice for order 1234 and nobody answers")
    copy = read_text("@bob My card was charged twice for order 98765 and nobody answers!")
    other = read_text("Love the new spring collection, the jackets look great")
    assert index.add(1, first) == []
    assert index.add(2, copy) == [1]
    assert index.add(3, other) == []
    assert len(index) == 2  # a copy is not indexed again: the first stands for it


def test_what_rose_against_its_usual_share() -> None:
    storm = [read_text(f"refund page broken again #outage {i}") for i in range(12)]
    storm += [read_text("where is my parcel") for _ in range(8)]
    usual = [read_text("where is my parcel") for _ in range(50)]
    usual += [read_text("love the shop") for _ in range(50)]
    phrases, hashtags = phrase_counts(storm)
    usual_phrases, usual_hashtags = phrase_counts(usual)
    rose = risen(phrases, len(storm), usual_phrases, len(usual), limit=8)
    # Its parts add nothing: only the two longest runs the storm repeats.
    assert {r.text for r in rose} == {"refund page broken", "page broken again"}
    assert rose[0].count == 12
    assert rose[0].usual == 0.0
    tags = risen(hashtags, len(storm), usual_hashtags, len(usual), limit=8)
    assert [(r.text, r.count) for r in tags] == [("#outage", 12)]
    assert risen(Counter(), 0, usual_phrases, len(usual), limit=8) == []


def test_a_batch_reads_as_one_post_at_a_time() -> None:
    posts = [("Die App ist kaputt #fail", "de"), ("my order is late", None)]
    assert read_texts(posts) == [read_text(text, language) for text, language in posts]
