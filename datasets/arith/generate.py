#!/usr/bin/env python3
"""Writes phi4j's arithmetic word problems (datasets/arith/): train.jsonl, test.jsonl and sft.jsonl.

All text below was written for phi4j; nothing is copied from elsewhere. The output is byte-for-byte
deterministic (a fixed seed, Python's seeded random.Random, no hashing of strings), so re-running this script
changes no file:

    python3 datasets/arith/generate.py

The problems are GSM8K-shaped (`{"question", "answer"}`, the answer a compact working then `#### n`) but sized
for a ~1M-parameter model: twenty templates, one or two steps, operands mostly 1-20, every result a whole number
from 1 to 199. No two problems share a template and its numbers, so a test problem is not a train problem with
the names changed.
"""
import json
import os
import random

ROOT = os.path.dirname(os.path.abspath(__file__))
SEED = 20240604
TRAIN_SIZE = 6000
TEST_SIZE = 300
MAX_RESULT = 199
MAX_WORDS = 60

# (name, subject pronoun, possessive, object pronoun)
PEOPLE = [
    ("Tom", "he", "his", "him"), ("Anna", "she", "her", "her"), ("Ravi", "he", "his", "him"),
    ("Mia", "she", "her", "her"), ("Leo", "he", "his", "him"), ("Sara", "she", "her", "her"),
    ("Ben", "he", "his", "him"), ("Lena", "she", "her", "her"), ("Omar", "he", "his", "him"),
    ("Yuki", "she", "her", "her"), ("Sam", "he", "his", "him"), ("Ines", "she", "her", "her"),
    ("Kofi", "he", "his", "him"), ("Nora", "she", "her", "her"), ("Ivan", "he", "his", "him"),
    ("Priya", "she", "her", "her"),
]
COLLECTIBLES = ["marbles", "stickers", "shells", "cards", "stamps", "beads", "coins", "buttons"]
SNACKS = ["apples", "cookies", "sweets", "oranges", "muffins", "crackers", "plums"]
FRUIT = ["apples", "oranges", "plums", "pears", "lemons", "peaches"]
BAKED = ["cookies", "muffins", "rolls", "cupcakes", "biscuits", "buns"]
SHOP_ITEMS = ["pens", "notebooks", "books", "toy cars", "cups", "plates", "candles", "kites"]
SINGLE_ITEMS = ["bag", "hat", "ball", "scarf", "lamp", "clock"]
PLANTS = ["tulips", "carrots", "roses", "beans", "cabbages", "sunflowers"]
VEHICLES = [("train", "km"), ("car", "km"), ("boat", "km"), ("truck", "km"), ("cyclist", "km")]
GROUPS = ["classes", "groups", "vans", "tables"]
CONTAINERS = ["boxes", "bags", "jars", "baskets", "crates"]


class Problem:
    """One word problem: the question and the equations that solve it, each `a op b = c`."""

    def __init__(self, template, numbers, question):
        self.template = template
        self.numbers = numbers
        self.question = question
        self.steps = []

    def step(self, a, op, b):
        c = {"+": a + b, "-": a - b, "*": a * b, "/": a // b if b and a % b == 0 else None}[op]
        self.steps.append((a, op, b, c))
        return c

    def valid(self):
        results = [c for _, _, _, c in self.steps]
        return all(c is not None and 1 <= c <= MAX_RESULT for c in results)

    def answer(self):
        working = " ".join(f"{a}{op}{b}={c}." for a, op, b, c in self.steps)
        return f"{working}\n#### {self.steps[-1][3]}"


def cap(word):
    return word[0].upper() + word[1:]


def gets_more(rng):
    (name, _, _, him), (other, _, _, _) = rng.sample(PEOPLE, 2)
    obj, a, b = rng.choice(COLLECTIBLES), rng.randint(3, 90), rng.randint(2, 40)
    p = Problem("gets_more", (a, b), f"{name} has {a} {obj}. {other} gives {him} {b} more. "
                                     f"How many {obj} does {name} have now?")
    p.step(a, "+", b)
    return p


def gives_away(rng):
    (name, he, _, _), (other, _, _, _) = rng.sample(PEOPLE, 2)
    obj, a, b = rng.choice(COLLECTIBLES), rng.randint(5, 90), rng.randint(1, 30)
    p = Problem("gives_away", (a, b), f"{name} had {a} {obj}. {cap(he)} gave {b} of them to {other}. "
                                      f"How many {obj} does {name} have left?")
    p.step(a, "-", b)
    return p


def boxes_each(rng):
    name, _, _, _ = rng.choice(PEOPLE)
    obj, box, a, b = rng.choice(COLLECTIBLES), rng.choice(CONTAINERS), rng.randint(2, 20), rng.randint(2, 20)
    p = Problem("boxes_each", (a, b), f"{name} has {a} {box} with {b} {obj} in each. "
                                      f"How many {obj} does {name} have in all?")
    p.step(a, "*", b)
    return p


def share_equally(rng):
    name, _, _, _ = rng.choice(PEOPLE)
    obj, friends, each = rng.choice(SNACKS), rng.randint(2, 12), rng.randint(2, 16)
    total = friends * each
    p = Problem("share_equally", (total, friends), f"{name} shares {total} {obj} equally among {friends} friends. "
                                                   f"How many {obj} does each friend get?")
    p.step(total, "/", friends)
    return p


def change_from_note(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    item, count, price, note = rng.choice(SHOP_ITEMS), rng.randint(2, 9), rng.randint(2, 15), rng.choice([20, 50, 100])
    p = Problem("change_from_note", (count, price, note),
                f"{name} buys {count} {item} at ${price} each and pays with a ${note} note. "
                f"How much change does {he} get in dollars?")
    p.step(note, "-", p.step(count, "*", price))
    return p


def two_purchases(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    item, single = rng.choice(SHOP_ITEMS), rng.choice(SINGLE_ITEMS)
    count, price, other = rng.randint(2, 9), rng.randint(2, 15), rng.randint(3, 40)
    p = Problem("two_purchases", (count, price, other),
                f"{name} buys {count} {item} for ${price} each and a {single} for ${other}. "
                f"How many dollars does {he} spend in total?")
    p.step(p.step(count, "*", price), "+", other)
    return p


def bus_stop(rng):
    start, off, on = rng.randint(10, 60), rng.randint(1, 20), rng.randint(1, 20)
    p = Problem("bus_stop", (start, off, on),
                f"A bus has {start} passengers. At the next stop {off} people get off and {on} people get on. "
                f"How many passengers are on the bus now?")
    p.step(p.step(start, "-", off), "+", on)
    return p


def baking_sold(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    food, trays, per, sold = rng.choice(BAKED), rng.randint(2, 8), rng.randint(4, 20), rng.randint(1, 40)
    p = Problem("baking_sold", (trays, per, sold),
                f"{name} bakes {trays} trays of {food} with {per} {food} on each tray. {cap(he)} sells {sold} of them. "
                f"How many {food} are left?")
    p.step(p.step(trays, "*", per), "-", sold)
    return p


def speed_distance(rng):
    vehicle, unit = rng.choice(VEHICLES)
    speed, hours = rng.randint(5, 60), rng.randint(2, 9)
    p = Problem("speed_distance", (speed, hours),
                f"A {vehicle} travels {speed} {unit} every hour. How many {unit} does it travel in {hours} hours?")
    p.step(speed, "*", hours)
    return p


def daily_walk(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    daily, days, extra = rng.randint(2, 15), rng.randint(2, 7), rng.randint(1, 20)
    p = Problem("daily_walk", (daily, days, extra),
                f"{name} walks {daily} km each day for {days} days, then {extra} km on the last day. "
                f"How many km does {he} walk altogether?")
    p.step(p.step(daily, "*", days), "+", extra)
    return p


def ages_later(rng):
    (name, _, _, _), (other, _, _, _) = rng.sample(PEOPLE, 2)
    age, older, years = rng.randint(3, 40), rng.randint(1, 30), rng.randint(1, 20)
    p = Problem("ages_later", (age, older, years),
                f"{name} is {age} years old. {other} is {older} years older than {name}. "
                f"How old will {other} be in {years} years?")
    p.step(p.step(age, "+", older), "+", years)
    return p


def times_as_old(rng):
    name, _, his, _ = rng.choice(PEOPLE)
    age = rng.randint(3, 15)
    times = rng.randint(-(-20 // age), 8)  # a parent or grandparent is at least 20
    relative = rng.choice(["mother", "father", "aunt", "uncle", "grandmother", "grandfather"])
    p = Problem("times_as_old", (age, times),
                f"{name} is {age} years old. {cap(his)} {relative} is {times} times as old as {name}. "
                f"How old is {his} {relative}?")
    p.step(age, "*", times)
    return p


def rows_planted(rng):
    name, _, _, _ = rng.choice(PEOPLE)
    plant, rows, per, failed = rng.choice(PLANTS), rng.randint(2, 10), rng.randint(2, 15), rng.randint(1, 20)
    p = Problem("rows_planted", (rows, per, failed),
                f"{name} plants {rows} rows of {plant} with {per} in each row. {failed} of them do not grow. "
                f"How many {plant} grow?")
    p.step(p.step(rows, "*", per), "-", failed)
    return p


def savings_weeks(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    weekly, weeks = rng.randint(2, 20), rng.randint(2, 12)
    goal = weekly * weeks
    single = rng.choice(SINGLE_ITEMS)
    p = Problem("savings_weeks", (weekly, goal),
                f"{name} saves ${weekly} each week. How many weeks does {he} need to save ${goal} for a {single}?")
    p.step(goal, "/", weekly)
    return p


def pages_left(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    daily, days, book = rng.randint(3, 20), rng.randint(2, 7), rng.randint(40, 190)
    p = Problem("pages_left", (daily, days, book),
                f"A book has {book} pages. {name} reads {daily} pages a day for {days} days. "
                f"How many pages does {he} still have to read?")
    p.step(book, "-", p.step(daily, "*", days))
    return p


def teams_formed(rng):
    group = rng.choice(GROUPS)
    count, per, team = rng.randint(2, 8), rng.randint(3, 20), rng.randint(2, 10)
    p = Problem("teams_formed", (count, per, team),
                f"There are {count} {group} with {per} children each. The children make teams of {team}. "
                f"How many teams are there?")
    p.step(p.step(count, "*", per), "/", team)
    return p


def pizza_slices(rng):
    name, _, _, _ = rng.choice(PEOPLE)
    pizzas, slices, people = rng.randint(2, 9), rng.randint(4, 12), rng.randint(2, 12)
    p = Problem("pizza_slices", (pizzas, slices, people),
                f"{name} orders {pizzas} pizzas cut into {slices} slices each. {people} people share the slices "
                f"equally. How many slices does each person get?")
    p.step(p.step(pizzas, "*", slices), "/", people)
    return p


def pocket_money(rng):
    name, he, _, _ = rng.choice(PEOPLE)
    has, earns, spends = rng.randint(2, 80), rng.randint(2, 40), rng.randint(2, 60)
    item = rng.choice(SHOP_ITEMS)
    p = Problem("pocket_money", (has, earns, spends),
                f"{name} has ${has}. {cap(he)} earns ${earns} washing cars and spends ${spends} on {item}. "
                f"How many dollars does {he} have now?")
    p.step(p.step(has, "+", earns), "-", spends)
    return p


def basket_times(rng):
    first, second = rng.sample(FRUIT, 2)
    count, times = rng.randint(2, 20), rng.randint(2, 9)
    p = Problem("basket_times", (count, times),
                f"A basket holds {count} {first} and {times} times as many {second}. "
                f"How many pieces of fruit are in the basket?")
    p.step(count, "+", p.step(count, "*", times))
    return p


def fewer_together(rng):
    (name, _, _, _), (other, _, _, _) = rng.sample(PEOPLE, 2)
    obj, has, fewer = rng.choice(COLLECTIBLES), rng.randint(5, 60), rng.randint(1, 20)
    p = Problem("fewer_together", (has, fewer),
                f"{name} has {has} {obj}. {other} has {fewer} fewer {obj} than {name}. "
                f"How many {obj} do they have together?")
    p.step(has, "+", p.step(has, "-", fewer))
    return p


TEMPLATES = [
    gets_more, gives_away, boxes_each, share_equally, change_from_note, two_purchases, bus_stop, baking_sold,
    speed_distance, daily_walk, ages_later, times_as_old, rows_planted, savings_weeks, pages_left, teams_formed,
    pizza_slices, pocket_money, basket_times, fewer_together,
]


def problems(rng, count):
    """Distinct problems: templates drawn uniformly, a draw whose template and numbers were seen redrawn."""
    seen, out = set(), []
    while len(out) < count:
        p = rng.choice(TEMPLATES)(rng)
        key = (p.template, p.numbers)
        if not p.valid() or key in seen:
            continue
        seen.add(key)
        assert len((p.question + " " + p.answer()).split()) < MAX_WORDS, p.question
        out.append(p)
    return out


def write(name, lines):
    with open(os.path.join(ROOT, name), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def main():
    rng = random.Random(SEED)
    drawn = problems(rng, TEST_SIZE + TRAIN_SIZE)
    # Templates with few number choices run out late in the draw; shuffling gives test the train mix of templates.
    rng.shuffle(drawn)
    test, train = drawn[:TEST_SIZE], drawn[TEST_SIZE:]
    assert not {p.question for p in test} & {p.question for p in train}
    write("train.jsonl", ({"question": p.question, "answer": p.answer()} for p in train))
    write("test.jsonl", ({"question": p.question, "answer": p.answer()} for p in test))
    write("sft.jsonl", ({"messages": [{"role": "user", "content": p.question},
                                      {"role": "assistant", "content": p.answer()}], "lineage": []}
                        for p in train))


if __name__ == "__main__":
    main()
