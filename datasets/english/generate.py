#!/usr/bin/env python3
"""Writes phi4j's generated English corpus (datasets/english/): web pages, books, forum Q&A and code.

The small-scale reproduction (configs/small-repro.yaml) needs enough English text per source class that a
model generalises instead of memorising: held-out loss has to fall. No third-party text may be committed, so
this script generates it: a small world (a coastal town, its people, trades, weather, animals and boats)
described by a few hundred sentence patterns over a vocabulary of about two thousand words. The text is
plain, grammatical English; it is not rich, but a model that learns it writes English.

All text below was written for phi4j. The output is byte-for-byte deterministic (seeded random.Random, gzip
without timestamps), so re-running this script changes no file:

    python3 datasets/english/generate.py

Sizes are set by the constants below; `--scale 0.1` writes a tenth (for a quick look).

Two sets stand in for the teacher's output of the real recipe, for the experiments of configs/experiments/
(Figure 2 and Table 3 of the report at small scale): synthetic/ (textbook sections and worked exercises written
from the same facts the web pages state) and rewrites/ (a fifth of the web pages retold as a lesson or as
questions and answers). They are written by templates here, not by a teacher model: they have the form of
synthetic data and web rewrites, not their quality or variety. The real stages are configs/pipeline/synth.yaml
(pipeline.synth), which need an OpenAI-compatible teacher endpoint. Both sets draw from their own random
generators, so adding them changed none of the other files.
"""
import argparse
import gzip
import io
import json
import os
import random
import re
import uuid

ROOT = os.path.dirname(os.path.abspath(__file__))
SEED = 20261207

BOOKS = 12            # chapters of stories and essays, one file each
BOOK_PARAGRAPHS = 260
WEB_PAGES = 3000
FORUM_POSTS = 5000
CODE_FILES = 400
SYNTHETIC_DOCS = 250  # textbook sections and worked exercises (synthetic/), a stand-in for teacher output
REWRITE_EVERY = 5     # every 5th web page rewritten into textbook or Q&A form (rewrites/)

PEOPLE = [
    ("Tom", "he", "his", "him"), ("Anna", "she", "her", "her"), ("Ravi", "he", "his", "him"),
    ("Mia", "she", "her", "her"), ("Leo", "he", "his", "him"), ("Sara", "she", "her", "her"),
    ("Ben", "he", "his", "him"), ("Lena", "she", "her", "her"), ("Omar", "he", "his", "him"),
    ("Yuki", "she", "her", "her"), ("Sam", "he", "his", "him"), ("Ines", "she", "her", "her"),
    ("Kofi", "he", "his", "him"), ("Nora", "she", "her", "her"), ("Ivan", "he", "his", "him"),
    ("Priya", "she", "her", "her"), ("Elias", "he", "his", "him"), ("Martha", "she", "her", "her"),
    ("Hugo", "he", "his", "him"), ("Greta", "she", "her", "her"), ("Felix", "he", "his", "him"),
    ("Ada", "she", "her", "her"), ("Jonas", "he", "his", "him"), ("Rosa", "she", "her", "her"),
]
ROLES = ["lighthouse keeper", "baker", "fisher", "teacher", "carpenter", "doctor", "gardener", "sailor",
         "shopkeeper", "painter", "postman", "librarian", "farmer", "weaver", "blacksmith", "cook",
         "boat builder", "ferry captain", "miller", "potter"]
PLACES = ["the harbour", "the old lighthouse", "the market square", "the bakery", "the school", "the library",
          "the bridge", "the mill", "the beach", "the hill above the town", "the quay", "the chapel",
          "the orchard", "the boatyard", "the station", "the inn", "the post office", "the garden",
          "the cliff path", "the fish market", "the village green", "the river bank", "the workshop"]
TIMES = ["in the morning", "at dawn", "before noon", "in the afternoon", "at dusk", "late at night",
         "on Monday", "on a Tuesday in spring", "on the first day of winter", "after the storm",
         "during the summer fair", "every Sunday", "once a week", "at the end of the month", "in autumn",
         "when the tide was low", "when the bells rang", "as the fog lifted", "before the ferry left"]
WEATHER = ["The wind came from the west", "A thin rain fell over the roofs", "The sky was clear and pale",
           "Fog rolled in from the sea", "The sun was warm on the stones", "Clouds gathered over the hills",
           "A cold wind blew along the quay", "The air smelled of salt and tar", "Snow lay on the cliff path",
           "The sea was calm and grey", "Thunder rolled somewhere far out at sea",
           "The evening light turned the water gold"]
OBJECTS = ["a lantern", "a basket of apples", "an old map", "a wooden box", "a letter", "a brass key",
           "a coil of rope", "a loaf of bread", "a small boat", "a blue scarf", "a jar of honey", "a book of tides",
           "a fishing net", "a clock", "a compass", "a bundle of wool", "a tin of paint", "a pair of boots",
           "a kite", "a crate of fish", "a bag of flour", "a ledger", "a bell", "a wheelbarrow"]
ANIMALS = ["gull", "cat", "dog", "horse", "goat", "heron", "crab", "seal", "owl", "fox", "hen", "sheep"]
ADJECTIVES = ["old", "quiet", "busy", "small", "narrow", "bright", "crooked", "warm", "cold", "tall", "heavy",
              "careful", "patient", "curious", "tired", "cheerful", "worn", "new", "strange", "gentle", "loud",
              "steady", "hidden", "broken", "clean", "muddy", "golden", "dark", "wide", "simple"]
VERBS_PAST = [("carried", "to"), ("brought", "to"), ("took", "to"), ("sent", "to"), ("showed", "to"),
              ("gave", "to"), ("sold", "to"), ("lent", "to")]
ACTIONS = ["mended the nets", "painted the door", "counted the boats", "swept the floor", "lit the lamp",
           "baked twelve loaves", "wrote a long letter", "read the tide tables", "fed the animals",
           "carried water from the well", "repaired the roof", "planted beans", "sharpened the tools",
           "cleaned the windows", "tied up the boat", "checked the ledger", "climbed the stairs",
           "walked along the shore", "sang an old song", "waited by the gate", "opened the shutters",
           "stacked the firewood", "watched the ships", "measured the rope", "sorted the letters"]
FEELINGS = ["happy", "worried", "surprised", "proud", "calm", "sad", "hopeful", "nervous", "grateful", "restless"]
CONNECTIVES = ["Then", "After that", "Later", "Soon", "Meanwhile", "At last", "For a while", "In the end",
               "Before long", "Afterwards"]
REASONS = ["because the storm had damaged it", "because the market opened early", "because nobody else could",
           "so that the children could learn", "so that the boats could come home safely",
           "because the winter was coming", "since the ferry was late", "because the old one had broken",
           "so that nothing would be forgotten", "because a friend had asked for help"]

TOPICS = {
    "boats": {
        "title": ["How to look after a small wooden boat", "Choosing oars for a rowing boat",
                  "Winter storage for boats", "Painting a hull", "Knots every sailor should know"],
        "facts": ["A wooden boat needs fresh paint every two or three years",
                  "Salt water dries the wood if the boat is left in the sun",
                  "Oars should be about twice as long as the boat is wide",
                  "A boat stored for the winter should be turned over and kept off the ground",
                  "Rope that stays wet for weeks will rot from the inside",
                  "The bowline is the knot that sailors use most often",
                  "A clove hitch holds well on a post but slips under a changing load",
                  "Sand the hull lightly before each new coat of paint",
                  "A cover keeps rain out but must let air move underneath",
                  "Check the seams for leaks before the first trip of the year"],
    },
    "bread": {
        "title": ["Baking bread at home", "Why dough needs time", "A simple loaf for beginners",
                  "Keeping a sourdough starter", "What flour to buy"],
        "facts": ["Bread needs flour, water, salt and yeast",
                  "Dough rises faster in a warm kitchen than in a cold one",
                  "Kneading makes the dough stronger and smoother",
                  "A sourdough starter must be fed with flour and water every day",
                  "Salt slows the yeast, so it should not touch the yeast directly",
                  "A hot oven gives the loaf a dark and crisp crust",
                  "Bread is baked when it sounds hollow if you tap the bottom",
                  "Whole wheat flour makes a denser loaf than white flour",
                  "Let the loaf cool before cutting it, or the inside will be gummy",
                  "A little steam in the oven helps the crust to rise"],
    },
    "gardens": {
        "title": ["Growing beans by the sea", "Planting an orchard", "Soil, sun and water",
                  "Protecting a garden from the wind", "When to pick apples"],
        "facts": ["Beans grow well in soil that has been dug deeply",
                  "Young trees need water every week in their first summer",
                  "A hedge protects a garden from the salt wind",
                  "Apples are ready when they come away from the branch with a gentle twist",
                  "Most vegetables need at least six hours of sun a day",
                  "Compost makes heavy soil lighter and sandy soil richer",
                  "Seeds should be planted at a depth of about twice their size",
                  "Weeds take water and light from the plants around them",
                  "Tomatoes need a warm and sheltered place to ripen",
                  "Mulch keeps the soil moist during dry weeks"],
    },
    "weather": {
        "title": ["Reading the sky", "How fog forms over the sea", "Storms on the coast",
                  "Tides and the moon", "Why the wind changes in the evening"],
        "facts": ["Fog forms when warm air moves over cold water",
                  "The tide rises and falls about twice a day",
                  "A falling barometer often means that a storm is coming",
                  "High clouds that look like feathers can bring rain within a day",
                  "The strongest tides come with the full moon and the new moon",
                  "Land warms faster than the sea, so the wind blows inland in the afternoon",
                  "At night the land cools and the breeze turns towards the sea",
                  "Thunder is the sound of air heated suddenly by lightning",
                  "A red sky in the evening often comes before a dry day",
                  "Snow is rare by the sea because the water keeps the air mild"],
    },
    "animals": {
        "title": ["Birds of the harbour", "Keeping hens", "Seals on the rocks", "Caring for an old dog",
                  "Why gulls follow the boats"],
        "facts": ["Gulls follow fishing boats because the fishers throw scraps into the water",
                  "Hens lay more eggs when the days are long",
                  "Seals rest on the rocks at low tide",
                  "A heron can stand still in the water for a long time while it waits for fish",
                  "Old dogs need shorter walks but more of them",
                  "Owls hunt at night and sleep during the day",
                  "Crabs hide under stones when the tide goes out",
                  "Goats will climb onto almost anything to reach a leaf",
                  "A fox can hear a mouse moving under the snow",
                  "Sheep stay close together when the weather turns cold"],
    },
    "lighthouse": {
        "title": ["A year at the lighthouse", "How a lighthouse lamp works", "The keeper's ledger",
                  "Why every lighthouse flashes differently", "Climbing the tower"],
        "facts": ["Each lighthouse has its own pattern of flashes so that sailors can tell them apart",
                  "A lens collects the light of the lamp into a narrow beam",
                  "The keeper wrote the weather and the passing ships in a ledger every day",
                  "The lamp had to be lit before sunset and put out after sunrise",
                  "Salt on the windows makes the light weaker, so they were cleaned every morning",
                  "The tower has one hundred and twelve steps from the door to the lamp",
                  "In fog the lighthouse also sounded a horn every thirty seconds",
                  "A beam of light can be seen from more than twenty miles away on a clear night",
                  "The lamp once burned oil and later burned gas",
                  "The keeper's family lived in the small house at the foot of the tower"],
    },
}


def person(rng):
    return rng.choice(PEOPLE)


def a_person(rng):
    name, subject, possessive, obj = person(rng)
    return name, subject, possessive, obj, rng.choice(ROLES)


def capital(text):
    return text[0].upper() + text[1:]


def story_sentence(rng, cast):
    """One sentence of a story about `cast` (a list of people); patterns chosen at random."""
    name, subject, possessive, obj, role = rng.choice(cast)
    other = rng.choice([c for c in cast if c[0] != name] or cast)
    pattern = rng.randrange(14)
    if pattern == 0:
        return f"{name} {rng.choice(ACTIONS)} {rng.choice(TIMES)}."
    if pattern == 1:
        verb, prep = rng.choice(VERBS_PAST)
        return f"{name} {verb} {rng.choice(OBJECTS)} {prep} {other[0]} at {rng.choice(PLACES)}."
    if pattern == 2:
        return f"{rng.choice(WEATHER)}, and {name} {rng.choice(ACTIONS)}."
    if pattern == 3:
        return f"{capital(subject)} felt {rng.choice(FEELINGS)} when {other[0]} came back from {rng.choice(PLACES)}."
    if pattern == 4:
        return f"{rng.choice(CONNECTIVES)}, {name} went to {rng.choice(PLACES)} {rng.choice(REASONS)}."
    if pattern == 5:
        return (f"\"Have you seen {rng.choice(OBJECTS)}?\" asked {name}. \"I left it near {rng.choice(PLACES)},\" "
                f"said {other[0]}.")
    if pattern == 6:
        return f"The {rng.choice(ADJECTIVES)} {rng.choice(ANIMALS)} watched {name} from {rng.choice(PLACES)}."
    if pattern == 7:
        return f"{name} was the {role}, and {possessive} work began {rng.choice(TIMES)}."
    if pattern == 8:
        return (f"{capital(subject)} found {rng.choice(OBJECTS)} behind {rng.choice(PLACES)} and carried it home "
                f"in {possessive} {rng.choice(['coat', 'basket', 'arms', 'cart', 'bag'])}.")
    if pattern == 9:
        return f"Nobody in the town knew why {name} {rng.choice(ACTIONS)} {rng.choice(TIMES)}."
    if pattern == 10:
        count = rng.randrange(2, 13)
        return (f"{name} counted {count} {rng.choice(['boats', 'gulls', 'lanterns', 'sacks', 'barrels', 'sheep'])} "
                f"and wrote the number in {possessive} ledger.")
    if pattern == 11:
        return f"{other[0]} helped {obj} because {other[1]} was {rng.choice(['kind', 'strong', 'free that day', 'a good friend', 'the only one awake'])}."
    if pattern == 12:
        return f"{rng.choice(CONNECTIVES)}, the {rng.choice(ADJECTIVES)} road to {rng.choice(PLACES)} was {rng.choice(['wet', 'empty', 'crowded', 'dark', 'quiet'])}."
    return f"{name} and {other[0]} talked about {rng.choice(OBJECTS)} until {rng.choice(['the lamp was lit', 'the tide turned', 'the bread was ready', 'it grew dark', 'the rain stopped'])}."


class Deck:
    """Draws without replacement, reshuffling when empty: a document uses each fact and framing once before any
    repeats, since repeated n-grams inside a document are what quality filters drop (Gopher's duplicate n-grams)."""

    def __init__(self, rng, items):
        self.rng = rng
        self.items = list(items)
        self.left = []

    def draw(self):
        if not self.left:
            self.left = self.items[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


FRAMINGS = ["{fact}.", "Many people in the town will tell you that {lower}.", "{name}, who works as a {role}, says "
            "that {lower}.", "It is worth remembering that {lower}.", "For example, {lower}.", "In practice, {lower}.",
            "As a rule, {lower}.", "Ask anyone at {place} and they will say that {lower}.", "Old {name} liked to "
            "repeat that {lower}.", "Every {role} learns early that {lower}.", "{fact}, or so the {role} claims.",
            "You may have heard that {lower}; it is true."]


class Essay:
    """Sentences about one topic for one document: each fact once, each framing once, then stories of the town."""

    def __init__(self, rng, topic):
        self.rng = rng
        self.facts = Deck(rng, TOPICS[topic]["facts"])
        self.framings = Deck(rng, FRAMINGS)
        self.used = 0
        self.cast = [a_person(rng) for _ in range(3)]

    def sentence(self):
        self.used += 1
        if self.used > len(self.facts.items):
            return story_sentence(self.rng, self.cast)
        fact = self.facts.draw()
        name, _, _, _, role = a_person(self.rng)
        return self.framings.draw().format(fact=fact, lower=fact[0].lower() + fact[1:], name=name, role=role,
                                           place=self.rng.choice(PLACES))


def paragraph(rng, sentence, count):
    return " ".join(sentence() for _ in range(count))


def book(rng, index):
    """A chapter: a story about a few people, or an essay on a topic."""
    if index % 3 == 2:
        topic = rng.choice(sorted(TOPICS))
        title = rng.choice(TOPICS[topic]["title"])
        body = []
        for _ in range(BOOK_PARAGRAPHS):
            essay = Essay(rng, topic)
            body.append(paragraph(rng, essay.sentence, rng.randrange(4, 8)))
    else:
        cast = [a_person(rng) for _ in range(rng.randrange(2, 5))]
        title = f"The {rng.choice(ADJECTIVES)} {rng.choice(['summer', 'winter', 'harbour', 'lantern', 'ledger', 'ferry', 'storm', 'orchard'])}"
        body = [paragraph(rng, lambda: story_sentence(rng, cast), rng.randrange(4, 9))
                for _ in range(BOOK_PARAGRAPHS)]
    return title + "\n\n" + "\n\n".join(body) + "\n"


def web_page(rng, index):
    topic = rng.choice(sorted(TOPICS))
    title = rng.choice(TOPICS[topic]["title"])
    essay = Essay(rng, topic)
    sections = []
    for _ in range(rng.randrange(1, 4)):
        heading = capital(rng.choice(TOPICS[topic]["facts"]).split(" ")[0].lower() + " " +
                          rng.choice(["and more", "in short", "step by step", "explained", "for beginners"]))
        paragraphs = "".join(f"<p>{paragraph(rng, essay.sentence, rng.randrange(3, 6))}</p>\n"
                             for _ in range(rng.randrange(1, 3)))
        sections.append(f"<h2>{heading}</h2>\n{paragraphs}")
    site = rng.choice(["Harbour Notes", "The Coast Almanac", "Town Hall Pages", "Quay Side Journal"])
    return (f"<!DOCTYPE html>\n<html><head><title>{title} - {site}</title></head>\n<body>\n"
            f"<nav><a href=\"/\">Home</a> | <a href=\"/about\">About</a> | <a href=\"/contact\">Contact</a></nav>\n"
            f"<article><h1>{title}</h1>\n" + "".join(sections) + "</article>\n"
            f"<footer>{site}, page {index + 1}. All rights reserved.</footer>\n</body></html>\n")


def forum_post(rng, index):
    topic = rng.choice(sorted(TOPICS))
    facts = TOPICS[topic]["facts"]
    fact = rng.choice(facts)
    words = fact.split(" ")
    question = rng.choice([
        f"Is it true that {fact[0].lower() + fact[1:]}?",
        f"Can someone explain {rng.choice(TOPICS[topic]['title']).lower()}?",
        f"I am new to {topic}. Where should I start?",
        f"My neighbour says that {fact[0].lower() + fact[1:]}. Why is that?",
        f"What is the most important thing to know about {topic}?",
    ])
    answer = paragraph(rng, Essay(rng, topic).sentence, rng.randrange(2, 6))
    return {"id": f"en-{index:05d}", "question": question, "answer": answer,
            "tags": [topic, words[-1].strip(".").lower()]}


def code_file(rng, index):
    """A Python module of small, documented, correct functions about the town's records."""
    functions = []
    things = ["boats", "loaves", "letters", "sheep", "lanterns", "barrels", "apples", "nets"]
    for kind, thing in rng.sample([(k, t) for k in range(6) for t in things], rng.randrange(8, 20)):
        if kind == 0:
            functions.append(f'def total_{thing}(counts):\n    """Return the number of {thing} over all days in counts."""\n'
                             f"    total = 0\n    for count in counts:\n        total += count\n    return total\n")
        elif kind == 1:
            functions.append(f'def busiest_day_for_{thing}(counts):\n    """Return the index of the day with the most {thing}; the first on a tie."""\n'
                             f"    best = 0\n    for day, count in enumerate(counts):\n        if count > counts[best]:\n"
                             f"            best = day\n    return best\n")
        elif kind == 2:
            functions.append(f'def average_{thing}(counts):\n    """Return the mean number of {thing} per day, or 0.0 for no days."""\n'
                             f"    if not counts:\n        return 0.0\n    return sum(counts) / len(counts)\n")
        elif kind == 3:
            limit = rng.randrange(3, 20)
            functions.append(f'def days_over_{thing}(counts, limit={limit}):\n    """Return the days on which more than limit {thing} were counted."""\n'
                             f"    return [day for day, count in enumerate(counts) if count > limit]\n")
        elif kind == 4:
            functions.append(f'def ledger_line_{thing}(name, count):\n    """Return one line of the ledger, e.g. \'Tom: 3 {thing}\'."""\n'
                             f'    return f"{{name}}: {{count}} {thing}"\n')
        else:
            functions.append(f'def running_total_{thing}(counts):\n    """Return the running total of {thing}, one value per day."""\n'
                             f"    totals = []\n    total = 0\n    for count in counts:\n        total += count\n"
                             f"        totals.append(total)\n    return totals\n")
    header = f'"""Records of the {rng.choice(ROLES)}: {rng.choice(["daily counts", "the ledger", "stock"])}."""\n\n'
    return header + "\n\n".join(functions)


LESSON_OPENINGS = ["In this lesson we look at {topic} on the coast.", "This section explains {title_lower}.",
                   "Here we study {topic}, one idea at a time.", "This chapter of the town's school book is about "
                   "{topic}.", "We begin a short lesson on {title_lower}."]
EXPLANATIONS = ["{fact}. Remember this, because the rest of the lesson builds on it.",
                "The first thing to learn is simple: {lower}.", "{fact}. Why does this matter? Because the {role} "
                "who forgets it will have to do the work twice.", "A good rule to keep in mind is that {lower}.",
                "Consider the following fact: {lower}. It explains a great deal about daily life in the town.",
                "{fact}. A careful student should be able to say this in their own words.",
                "Next, note that {lower}.", "It also helps to know that {lower}.",
                "{fact}. This is the reason the {role} checks it every week.", "Finally, {lower}."]
QUESTIONS = ["Exercise: {name} says that {wrong}. Is {subject} right?",
             "Exercise: explain to a friend why {lower}.",
             "Exercise: what should a {role} remember about {topic}?"]
THINGS = ["boats", "loaves", "letters", "sheep", "lanterns", "barrels", "apples", "nets", "eggs", "baskets"]


def synthetic_doc(rng, index):
    """A textbook section on one topic (its facts explained one by one), then worked exercises: the form of the
    report's synthetic textbook data, written from the facts the web pages state, with stepwise answers."""
    topic = sorted(TOPICS)[index % len(TOPICS)]
    title = rng.choice(TOPICS[topic]["title"])
    facts = Deck(rng, TOPICS[topic]["facts"])
    explanations = Deck(rng, EXPLANATIONS)
    lines = [f"Lesson {index + 1}: {title}", rng.choice(LESSON_OPENINGS).format(topic=topic,
                                                                               title_lower=title.lower())]
    learned = []
    for _ in range(rng.randrange(3, 6)):
        fact = facts.draw()
        learned.append(fact)
        lines.append(explanations.draw().format(fact=fact, lower=fact[0].lower() + fact[1:],
                                                role=rng.choice(ROLES)))
    name, subject, possessive, _, role = a_person(rng)
    fact = facts.draw()
    lines.append(f"Worked example. {name} is a {role} who wants to learn about {topic}. Which rule should "
                 f"{subject} remember? Step 1: find the rule that applies. Step 2: apply it to {possessive} own "
                 f"work. Answer: the rule is \"{fact}\", and {subject} uses it in {possessive} work.")
    first, second = rng.randrange(2, 30), rng.randrange(2, 30)
    thing = rng.choice(THINGS)
    other = rng.choice([p for p in PEOPLE if p[0] != name])[0]
    lines.append(f"Worked exercise. {name} counted {first} {thing} {rng.choice(TIMES)}, and {other} counted "
                 f"{second} more {rng.choice(TIMES)}. How many {thing} did the two of them count together? "
                 f"Solution: we add the two numbers. {first} and {second} make {first + second}. "
                 f"So they counted {first + second} {thing} in all.")
    lines.append(f"Summary: this lesson gave {len(learned)} rules about {topic} and two worked problems. Read "
                 f"them again tomorrow and try to say each one without looking.")
    return "\n\n".join(lines) + "\n"


def page_parts(html):
    """The title and the (heading, paragraph text) sections of a page written by web_page."""
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    sections = []
    for block in re.split(r"<h2>", html)[1:]:
        heading, rest = block.split("</h2>", 1)
        sections.append((heading, " ".join(re.findall(r"<p>(.*?)</p>", rest))))
    return title, sections


def rewrite(rng, html):
    """A web page retold as a lesson (its sentences as numbered points under each heading) or as questions and
    answers (one per section): the form of the report's web rewrites, keeping the page's content."""
    title, sections = page_parts(html)
    if rng.random() < 0.5:
        lines = [f"{title}: a lesson", f"This lesson retells a page about {title.lower()} in {len(sections)} "
                 f"part{'s' if len(sections) > 1 else ''}."]
        for number, (heading, text) in enumerate(sections, 1):
            sentences = [s.strip() for s in re.split(r"(?<=[.?!\"]) (?=[A-Z\"])", text) if s.strip()]
            points = "\n".join(f"{i}. {sentence}" for i, sentence in enumerate(sentences, 1))
            lines.append(f"Part {number}.\n{points}")
        lines.append(f"Check your understanding: say in one sentence what {title.lower()} teaches.")
    else:
        lines = [f"Questions and answers: {title.lower()}"]
        for heading, text in sections:
            question = rng.choice([f"What should I know about {title.lower()}?",
                                   f"Can you explain {title.lower()}?", f"Tell me more about {title.lower()}."])
            lines.append(f"Question: {question}\nAnswer: {text}")
    return "\n\n".join(lines) + "\n"


def warc_response(n, url, html):
    """One gzip member holding a WARC/1.1 response record of an HTTP 200 with the page, as crawlers write them."""
    body = html.encode("utf-8")
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            .encode() + body)
    seconds = n % 86400
    head = ["WARC/1.1", "WARC-Type: response",
            f"WARC-Date: 2026-12-01T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z",
            f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=0x7e1a0000000000000000000000000000 + n)}>",
            f"WARC-Target-URI: {url}", "Content-Type: application/http; msgtype=response",
            f"Content-Length: {len(http)}"]
    return gzip_bytes(("\r\n".join(head) + "\r\n\r\n").encode() + http + b"\r\n\r\n")


def gzip_bytes(data):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as out:
        out.write(data)
    return buffer.getvalue()


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


def write_gzip(path, text):
    write_bytes(path, gzip_bytes(text.encode("utf-8")))


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the default sizes")
    parser.add_argument("--out", default=ROOT, help="where to write (default: this folder)")
    args = parser.parse_args()
    rng = random.Random(SEED)

    def n(count):
        return max(1, int(count * args.scale))

    for i in range(n(BOOKS)):
        write_text(os.path.join(args.out, "books", f"chapter-{i + 1:02d}.txt"), book(rng, i))
    pages = [web_page(rng, i) for i in range(n(WEB_PAGES))]
    write_bytes(os.path.join(args.out, "web", "coast.warc.gz"),
                b"".join(warc_response(i, f"https://coast.example/{i:05d}", page) for i, page in enumerate(pages)))
    posts = "".join(json.dumps(forum_post(rng, i), ensure_ascii=False) + "\n" for i in range(n(FORUM_POSTS)))
    write_gzip(os.path.join(args.out, "qa", "forum.jsonl.gz"), posts)
    for i in range(n(CODE_FILES)):
        write_text(os.path.join(args.out, "code", f"records_{i + 1:03d}.py"), code_file(rng, i))
    synthetic_rng = random.Random(SEED + 1)
    lessons = "".join(json.dumps({"id": f"syn-{i:05d}", "text": synthetic_doc(synthetic_rng, i)}, ensure_ascii=False)
                      + "\n" for i in range(n(SYNTHETIC_DOCS)))
    write_gzip(os.path.join(args.out, "synthetic", "lessons.jsonl.gz"), lessons)
    rewrite_rng = random.Random(SEED + 2)
    rewrites = "".join(json.dumps({"id": f"rw-{i:05d}", "page": f"https://coast.example/{i:05d}",
                                   "text": rewrite(rewrite_rng, page)}, ensure_ascii=False) + "\n"
                       for i, page in enumerate(pages) if i % REWRITE_EVERY == 0)
    write_gzip(os.path.join(args.out, "rewrites", "pages.jsonl.gz"), rewrites)


if __name__ == "__main__":
    main()
