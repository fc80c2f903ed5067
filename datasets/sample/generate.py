#!/usr/bin/env python3
"""Writes phi4j's bundled sample data (everything in datasets/sample/ except books/).

All text below was written for phi4j; nothing is copied from elsewhere. The output is byte-for-byte
deterministic (fixed dates, record ids and gzip headers), so re-running this script changes no file:

    python3 datasets/sample/generate.py

The files are small but give every pipeline stage something to keep and something to drop: boilerplate to
strip, pages and files that are exact or near duplicates, low-quality pages, malformed records to quarantine,
and benchmark items planted verbatim and edited in the corpus for decontamination to find.
"""
import gzip
import html.parser
import io
import json
import os
import uuid

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(full, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": "\n"})) as f:
        f.write(data)


def gz(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as f:
        f.write(data)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Web pages: articles wrapped in navigation, cookie banners, sidebars and footers.

TIDE_POOLS = [
    "Life in a Tide Pool",
    "Twice a day the sea pulls back from the rocky shore and leaves behind small basins of water. These tide pools "
    "are some of the harshest homes on the planet. In a few hours the water can warm by ten degrees, grow saltier as "
    "it evaporates, or turn almost fresh during a rain shower. Anything that lives there has to survive all of it.",
    "Sea anemones close into soft green knots when the water drains away, holding a little seawater inside so they do "
    "not dry out. Periwinkles seal themselves shut with a hard plate called an operculum. Crabs simply hide under the "
    "nearest stone and wait for the tide to come back.",
    "The pools also sort animals by height. Near the top of the shore, where the sea returns only briefly, you find "
    "barnacles and a few hardy snails. Lower down, where the water stays longer, starfish, urchins and small fish "
    "share the space and compete for food. A careful visitor can walk from one zone to the next in a few steps.",
    "If you visit, step only on bare rock, turn stones back the way you found them, and never take animals home. A "
    "tide pool looks tough, but it recovers slowly from a stranger's boots.",
]

SOURDOUGH = [
    "Baking Your First Sourdough Loaf",
    "Sourdough bread rises without packaged yeast. Instead it relies on a starter, a paste of flour and water in which "
    "wild yeasts and lactic acid bacteria have settled. The yeasts make the gas that lifts the dough, and the bacteria "
    "give the bread its gentle sour taste.",
    "To make a starter, mix equal weights of flour and water in a clean jar and leave it somewhere warm. Each day, throw "
    "away half and feed it with fresh flour and water. After about a week it should double in size within six hours "
    "of a feeding and smell pleasantly of yoghurt. That is the sign it is ready to bake with.",
    "For one loaf, combine five hundred grams of flour, three hundred and fifty grams of water, one hundred grams of "
    "active starter and ten grams of salt. Fold the dough every half hour for the first two hours, then let it rise "
    "until it has grown by about half. Shape it, rest it in the fridge overnight, and bake it in a covered pot in a "
    "very hot oven.",
    "The first loaves are rarely perfect. Keep notes on temperatures and times, change one thing at a time, and the "
    "bread will improve week by week.",
]

SOURDOUGH_MIRROR = [
    SOURDOUGH[0],
    SOURDOUGH[1],
    SOURDOUGH[2].replace("about a week", "roughly a week"),
    SOURDOUGH[3],
    SOURDOUGH[4].replace("week by week", "with every bake"),
]

BICYCLES = [
    "Ten Minutes of Bicycle Care",
    "A bicycle that is looked after for ten minutes a week will run quietly for years. The routine is short enough "
    "to do on a Sunday morning and needs only a rag, a bottle of chain oil and a pump.",
    "Start with the tyres. Squeeze each one and check the pressure printed on its side; soft tyres wear quickly and "
    "make every hill harder. Spin the wheels and watch the gap between rim and brake pads: a wheel that wobbles "
    "needs its spokes trued by someone who knows how.",
    "Next, wipe the chain with the rag until the rag comes away clean, then put one drop of oil on each link while "
    "turning the pedals backwards. Wipe off what is left on the outside. Too much oil gathers grit, and grit is what "
    "wears out chains and gears.",
    "Finally, squeeze both brake levers. They should stop firmly before they touch the handlebar. If they do not, "
    "tighten the cable adjuster a turn or two, and if that does not help, replace the pads before your next ride.",
]

KEYWORD_SPAM = ["Cheap Shoes Best Deals"] + ["best cheap shoes buy now free shipping best price"] * 12

LINK_LIST = ["Useful Links"] + [f"- Link number {i}" for i in range(1, 16)]


def page(title, paragraphs, chrome=0):
    """An HTML page whose article is `paragraphs` (the first is the heading), inside site boilerplate."""
    navs = [
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/about">About</a></li>'
        '<li><a href="/contact">Contact</a></li></ul></nav>',
        '<div class="site-menu"><a href="/">Start</a> | <a href="/archive">Archive</a> | <a href="/shop">Shop</a></div>',
    ]
    footers = [
        '<footer><p>Copyright 2024 Example Shore Press. All rights reserved.</p><p><a href="/privacy">Privacy</a></p>'
        '</footer>',
        '<div id="footer">Made with care by the Kitchen Bench team. <a href="/terms">Terms</a></div>',
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<script>var tracking = "do not index";</script><style>p {{ margin: 1em; }}</style></head>\n'
            f'<body>{navs[chrome % 2]}'
            f'<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>'
            f'<main><article><h1>{paragraphs[0]}</h1>\n{body}\n</article></main>'
            f'<aside><h3>Related</h3><ul><li><a href="/a">Other story</a></li><li><a href="/b">More</a></li></ul>'
            f'</aside>{footers[chrome % 2]}</body></html>\n')


PAGES = {
    "web/tide-pools.html": page("Life in a Tide Pool - Shore Notes", TIDE_POOLS, 0),
    "web/shore-notes/tide-pools-reprint.html": page("Reprint: Life in a Tide Pool", TIDE_POOLS, 1),
    "web/sourdough.html": page("Baking Your First Sourdough Loaf", SOURDOUGH, 1),
    "web/sourdough-mirror.html": page("Sourdough for Beginners (mirror)", SOURDOUGH_MIRROR, 0),
    "web/bicycle-care.html": page("Ten Minutes of Bicycle Care", BICYCLES, 0),
    "web/cheap-shoes.html": page("Cheap Shoes", KEYWORD_SPAM, 1),
    "web/links.html": page("Links", LINK_LIST, 0),
    "web/empty.html": '<!DOCTYPE html><html><head><title>Loading</title><script>location.href="/app";</script>'
                      '</head><body><nav><a href="/">Home</a></nav></body></html>\n',
}


# ---------------------------------------------------------------------------------------------------------------
# A WARC and its WET, written as Common Crawl does: one gzip member per record.

class TextOf(html.parser.HTMLParser):
    """The plain text of a page, roughly as a WET conversion record holds it (navigation included)."""

    def __init__(self):
        super().__init__()
        self.lines, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.lines.append(data.strip())


def record_id(n):
    return f"<urn:uuid:{uuid.UUID(int=0x9f4a0000000000000000000000000000 + n)}>"


def warc_record(n, warc_type, headers, block: bytes):
    head = [f"WARC/1.1", f"WARC-Type: {warc_type}", f"WARC-Date: 2024-06-01T12:{n // 60:02d}:{n % 60:02d}Z",
            f"WARC-Record-ID: {record_id(n)}"] + headers + [f"Content-Length: {len(block)}"]
    return gz(("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n")


def http_response(status, reason, content_type, body: bytes):
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def warc_files():
    info = b"software: phi4j datasets/sample/generate.py\r\nformat: WARC File Format 1.1\r\n"
    pages = [("https://shore.example.org/tide-pools", PAGES["web/tide-pools.html"]),
             ("https://bikes.example.org/care", PAGES["web/bicycle-care.html"]),
             ("https://shop.example.com/cheap-shoes", PAGES["web/cheap-shoes.html"])]
    warc, wet, n = [warc_record(0, "warcinfo", ["Content-Type: application/warc-fields"], info)], [], 1
    wet.append(warc_record(100, "warcinfo", ["Content-Type: application/warc-fields"], info))
    for url, text in pages:
        request = f"GET {url.split('.org')[-1].split('.com')[-1]} HTTP/1.1\r\nHost: example\r\n\r\n".encode()
        warc.append(warc_record(n, "request", [f"WARC-Target-URI: {url}",
                                               "Content-Type: application/http; msgtype=request"], request))
        response = http_response(200, "OK", "text/html; charset=utf-8", text.encode())
        warc.append(warc_record(n + 1, "response", [f"WARC-Target-URI: {url}",
                                                    "Content-Type: application/http; msgtype=response"], response))
        warc.append(warc_record(n + 2, "metadata", [f"WARC-Target-URI: {url}", "Content-Type: application/warc-fields"],
                                b"fetchTimeMs: 42\r\n"))
        parser = TextOf()
        parser.feed(text)
        converted = "\n".join(parser.lines).encode()
        wet.append(warc_record(100 + n, "conversion", [f"WARC-Target-URI: {url}", f"WARC-Refers-To: {record_id(n + 1)}",
                                                       "WARC-Identified-Content-Language: eng",
                                                       "Content-Type: text/plain"], converted))
        n += 3
    robots = http_response(200, "OK", "text/plain", b"User-agent: *\nDisallow: /private\n")
    warc.append(warc_record(n, "response", ["WARC-Target-URI: https://shore.example.org/robots.txt",
                                            "Content-Type: application/http; msgtype=response"], robots))
    moved = http_response(301, "Moved Permanently", "text/html", b"<a href='/tide-pools'>moved</a>")
    warc.append(warc_record(n + 1, "response", ["WARC-Target-URI: https://shore.example.org/old",
                                                "Content-Type: application/http; msgtype=response"], moved))
    return b"".join(warc), b"".join(wet)


# ---------------------------------------------------------------------------------------------------------------
# Q&A forum posts (JSONL) and two small benchmarks in the GSM8K and HumanEval formats.

ARITH_TEST = [
    ("A library lends 45 books on Monday and twice as many on Tuesday. On Wednesday it lends 30 fewer books than on "
     "Tuesday. How many books does the library lend over the three days?", "Tuesday: 45*2=90. Wednesday: 90-30=60. "
     "Total: 45+90+60=195.\n#### 195"),
    ("Priya buys 6 notebooks at 3 dollars each and a backpack that costs four times as much as all the notebooks "
     "together. How much does she spend in total?", "Notebooks: 6*3=18. Backpack: 18*4=72. Total: 18+72=90.\n#### 90"),
    ("A train leaves the station with 120 passengers. At the first stop a quarter of them get off and 18 people get "
     "on. At the second stop 40 people get off. How many passengers are left on the train?",
     "First stop: 120-30+18=108. Second stop: 108-40=68.\n#### 68"),
    ("Marco runs 5 kilometres every weekday and twice that distance on Saturday. He rests on Sunday. How many "
     "kilometres does he run in four weeks?", "Week: 5*5+10=35. Four weeks: 35*4=140.\n#### 140"),
    ("A garden has 8 rows of tomato plants with 12 plants in each row. Each plant gives 9 tomatoes. If the gardener "
     "sells the tomatoes in boxes of 24, how many boxes can she fill?", "Plants: 8*12=96. Tomatoes: 96*9=864. Boxes: "
     "864/24=36.\n#### 36"),
    ("Lena saves 15 dollars a week. After 8 weeks she spends a third of her savings on a gift. How much money does "
     "she have left?", "Savings: 15*8=120. Gift: 120/3=40. Left: 120-40=80.\n#### 80"),
]

ARITH_TRAIN = [
    ("A baker makes 36 muffins and sells two thirds of them before noon. How many muffins are left?",
     "Sold: 36*2/3=24. Left: 36-24=12.\n#### 12"),
    ("Tom has 4 boxes with 25 marbles each. He gives 30 marbles to his sister. How many marbles does he keep?",
     "Marbles: 4*25=100. Kept: 100-30=70.\n#### 70"),
    ("A school bus carries 48 children. If each class has 24 children, how many classes fit on the bus?",
     "48/24=2.\n#### 2"),
    ("How many kilometres does he run in four weeks if he runs 3 kilometres a day?", "3*7*4=84.\n#### 84"),
]

PYFUNC_TEST = [
    ("sample/0", "running_max",
     'from typing import List\n\n\ndef running_max(values: List[int]) -> List[int]:\n'
     '    """Return a list whose i-th element is the largest of values[0..i].\n'
     '    An empty input gives an empty list.\n'
     '    >>> running_max([3, 1, 4, 1, 5])\n    [3, 3, 4, 4, 5]\n    """\n',
     '    best, out = None, []\n    for v in values:\n        best = v if best is None else max(best, v)\n'
     '        out.append(best)\n    return out\n',
     'def check(candidate):\n    assert candidate([3, 1, 4, 1, 5]) == [3, 3, 4, 4, 5]\n    assert candidate([]) == []\n'),
    ("sample/1", "count_vowel_words",
     'def count_vowel_words(sentence: str) -> int:\n'
     '    """Count the words in a sentence that start with a vowel, ignoring case.\n'
     '    Words are separated by single spaces.\n'
     '    >>> count_vowel_words("An apple is on the table")\n    3\n    """\n',
     '    return sum(1 for w in sentence.split(" ") if w and w[0].lower() in "aeiou")\n',
     'def check(candidate):\n    assert candidate("An apple is on the table") == 3\n'),
    ("sample/2", "merge_intervals",
     'from typing import List, Tuple\n\n\ndef merge_intervals(intervals: List[Tuple[int, int]]) -> List[Tuple[int, int]]:\n'
     '    """Merge overlapping closed intervals and return them sorted by start.\n'
     '    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])\n    [(1, 6), (8, 10)]\n    """\n',
     '    out = []\n    for start, end in sorted(intervals):\n        if out and start <= out[-1][1]:\n'
     '            out[-1] = (out[-1][0], max(out[-1][1], end))\n        else:\n            out.append((start, end))\n'
     '    return out\n',
     'def check(candidate):\n    assert candidate([(1, 3), (2, 6), (8, 10)]) == [(1, 6), (8, 10)]\n'),
]

FORUM = [
    ("How do I keep basil alive on a windowsill?",
     "Basil wants at least six hours of sun and soil that dries slightly between waterings. Pinch off the flower "
     "buds as soon as they appear, because a plant that flowers stops making new leaves. Harvest from the top, just "
     "above a pair of leaves, and the plant will branch and grow bushier instead of tall and thin."),
    ("Why does my bread come out dense?",
     "Dense bread usually means the dough did not rise enough before baking. Check that your yeast is fresh, let the "
     "dough rise somewhere warm until it has clearly grown, and do not add extra flour just because the dough feels "
     "sticky. A wetter dough makes a lighter loaf once you get used to handling it."),
    ("What is the difference between weather and climate?",
     "Weather is what the atmosphere does on a given day: rain this afternoon, wind tomorrow. Climate is the pattern "
     "of weather over many years, such as how wet a region's winters usually are. One cold week says little about "
     "the climate, while thirty years of measurements say a great deal."),
    ("How can I learn to touch type?",
     "Start with the home row and keep your fingers resting there between keystrokes. Practise fifteen minutes a day "
     "rather than two hours once a week, and do not look at the keyboard even when you make mistakes. Accuracy comes "
     "first; speed follows on its own after a few weeks of steady practice."),
    ("Is it safe to swim after eating?",
     "For most people a light meal before swimming causes no problems. A very large meal can make strenuous "
     "swimming uncomfortable, so waiting a little after a big lunch is sensible, but the old rule of waiting a full "
     "hour is not based on good evidence."),
    ("How do I stop my code review comments sounding harsh?",
     "Describe the code, not the person, and explain why a change matters. Ask questions when you are unsure, mark "
     "small points as optional, and say what you liked as well as what you would change. A short note such as "
     "'nice test coverage here' makes the other comments easier to read."),
    ("What makes a good first telescope?",
     "A small reflector on a simple altazimuth mount is a good start: it gathers plenty of light, is easy to point and "
     "does not need power. Avoid department store models that advertise huge magnification. A steady mount and clear "
     "optics matter far more than magnification for seeing the Moon, planets and bright clusters."),
    ("thanks", "ok"),
    ("Best cheap shoes?", "buy now buy now buy now buy now buy now"),
]


def forum_lines():
    lines = []
    for i, (question, answer) in enumerate(FORUM):
        lines.append(json.dumps({"id": f"post-{i}", "question": question, "answer": answer, "tags": ["general"]}))
    # The same post again under another id: an exact duplicate once normalised.
    lines.append(json.dumps({"id": "post-repost", "question": FORUM[1][0], "answer": FORUM[1][1], "tags": ["bread"]}))
    # A benchmark test question copied verbatim into a forum post: contamination.
    lines.append(json.dumps({"id": "post-homework-1", "question": "Can someone check my homework? " + ARITH_TEST[2][0],
                             "answer": "I think it is 68 but I am not sure about the first stop.", "tags": ["math"]}))
    # Another, with its numbers changed and a word inserted: the 7-gram overlap still finds it.
    edited = ARITH_TEST[4][0].replace("8 rows", "9 rows").replace("12 plants", "10 plants").replace(
        "Each plant", "Each healthy plant")
    lines.append(json.dumps({"id": "post-homework-2", "question": edited, "answer": "Is the answer 33?",
                             "tags": ["math"]}))
    lines.append('{"id": "post-broken", "question": "Where is the closing brace?", "answer": "here"')
    lines.append(json.dumps({"id": "post-no-answer", "question": "Does anyone know?"}))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# A small source tree: real code, a copied file, a planted benchmark prompt, vendored and binary files.

STATS_PY = '''"""Small descriptive statistics without dependencies."""
from typing import Sequence


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; raises ValueError on an empty sequence."""
    if not values:
        raise ValueError("mean of an empty sequence")
    return sum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """Middle value of the sorted values, or the mean of the two middle ones."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of an empty sequence")
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def variance(values: Sequence[float]) -> float:
    """Population variance: the mean squared distance from the mean."""
    centre = mean(values)
    return sum((v - centre) ** 2 for v in values) / len(values)
'''

TEXTUTIL_PY = '''"""Helpers for counting words and lines in plain text."""
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
'''

LISTTOOLS_PY = '''"""List utilities collected from old exercises."""
from typing import List, Tuple


def chunks(items: List[int], size: int) -> List[List[int]]:
    """Split items into consecutive lists of at most size elements."""
    return [items[i:i + size] for i in range(0, len(items), size)]


''' + PYFUNC_TEST[2][2] + PYFUNC_TEST[2][3] + '''

def flatten(nested: List[List[int]]) -> List[int]:
    """Concatenate the inner lists in order."""
    return [x for inner in nested for x in inner]
'''

RING_BUFFER_JAVA = '''package sample;

/** A fixed-size buffer that overwrites its oldest element when full. */
public final class RingBuffer {
    private final double[] values;
    private int next;
    private int size;

    public RingBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        values = new double[capacity];
    }

    public void add(double value) {
        values[next] = value;
        next = (next + 1) % values.length;
        size = Math.min(size + 1, values.length);
    }

    /** The mean of the values currently held; NaN when empty. */
    public double mean() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }
}
'''

CHECK_SH = '''#!/usr/bin/env bash
# Runs the sample project's checks.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m doctest -v src/stats.py src/textutil.py
javac -d /tmp/sample-classes lib/RingBuffer.java
echo "all checks passed"
'''

GENERATED_TABLE_PY = ("# Generated lookup table; do not edit.\nTABLE = [" +
                      ", ".join(f"0x{(i * 2654435761) % 2**32:08x}" for i in range(400)) + "]\n")


def code_files():
    return {
        "code/sample-repo/src/stats.py": STATS_PY,
        "code/sample-repo/src/textutil.py": TEXTUTIL_PY,
        "code/sample-repo/src/listtools.py": LISTTOOLS_PY,
        "code/sample-repo/src/generated_table.py": GENERATED_TABLE_PY,
        "code/sample-repo/lib/RingBuffer.java": RING_BUFFER_JAVA,
        "code/sample-repo/scripts/check.sh": CHECK_SH,
        "code/sample-repo/examples/stats_copy.py": STATS_PY,
        "code/sample-repo/node_modules/left-pad/index.js": "module.exports = (s, n) => String(s).padStart(n);\n",
        "code/sample-repo/data/points.xyz": "0 0 0\n1 0 0\n0 1 0\n",
        "code/sample-repo/assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01",
    }


def main():
    for path, text in PAGES.items():
        write(path, text)
    warc, wet = warc_files()
    write("warc/sample.warc.gz", warc)
    write("warc/sample.warc.wet.gz", wet)
    write("qa/forum.jsonl", forum_lines())
    write("benchmarks/arith-test.jsonl",
          "".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in ARITH_TEST))
    write("benchmarks/arith-train.jsonl",
          "".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in ARITH_TRAIN))
    write("benchmarks/pyfunc-test.jsonl.gz", gz("".join(json.dumps(
        {"task_id": t, "prompt": p, "canonical_solution": s, "test": c, "entry_point": e}) + "\n"
        for t, e, p, s, c in PYFUNC_TEST).encode()))
    for path, content in code_files().items():
        write(path, content)


if __name__ == "__main__":
    main()
