"""Helpers for counting words and lines in plain text."""
import re
from collections import Counter

WORD = re.compile(r"[A-Za-z']+")


def word_counts(text: str) -> Counter:
    """How often each lower-cased word occurs in the text."""
    return Counter(word.lower() for word in WORD.findall(text))


def longest_line(text: str) -> str:
    """The longest line of the text, without its newline."""
    return max(text.splitlines() or [""], key=len)


def repeated_lines(text: str) -> list:
    """Lines that occur more than once, in order of first appearance."""
    seen, repeated = set(), []
    for line in text.splitlines():
        if line in seen and line not in repeated:
            repeated.append(line)
        seen.add(line)
    return repeated
