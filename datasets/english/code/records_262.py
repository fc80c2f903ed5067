"""Records of the blacksmith: the ledger."""

def running_total_loaves(counts):
    """Return the running total of loaves, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_barrels(counts, limit=10):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_letters(counts):
    """Return the index of the day with the most letters; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_barrels(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 barrels'."""
    return f"{name}: {count} barrels"


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals
