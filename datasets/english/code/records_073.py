"""Records of the painter: daily counts."""

def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def total_barrels(counts):
    """Return the number of barrels over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_lanterns(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 lanterns'."""
    return f"{name}: {count} lanterns"


def running_total_barrels(counts):
    """Return the running total of barrels, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def average_letters(counts):
    """Return the mean number of letters per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def average_nets(counts):
    """Return the mean number of nets per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def busiest_day_for_letters(counts):
    """Return the index of the day with the most letters; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_boats(counts, limit=6):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_apples(counts):
    """Return the mean number of apples per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals
