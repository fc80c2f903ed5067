"""Records of the blacksmith: the ledger."""

def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def average_apples(counts):
    """Return the mean number of apples per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def total_letters(counts):
    """Return the number of letters over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def days_over_boats(counts, limit=4):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_barrels(counts):
    """Return the mean number of barrels per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_sheep(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 sheep'."""
    return f"{name}: {count} sheep"


def days_over_sheep(counts, limit=17):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]
