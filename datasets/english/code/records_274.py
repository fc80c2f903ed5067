"""Records of the postman: the ledger."""

def ledger_line_letters(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 letters'."""
    return f"{name}: {count} letters"


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def days_over_apples(counts, limit=13):
    """Return the days on which more than limit apples were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_letters(counts):
    """Return the index of the day with the most letters; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def total_boats(counts):
    """Return the number of boats over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_lanterns(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 lanterns'."""
    return f"{name}: {count} lanterns"
