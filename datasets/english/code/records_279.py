"""Records of the painter: stock."""

def total_loaves(counts):
    """Return the number of loaves over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_letters(counts):
    """Return the running total of letters, one value per day."""
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


def busiest_day_for_loaves(counts):
    """Return the index of the day with the most loaves; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_lanterns(counts, limit=8):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_sheep(counts, limit=5):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_boats(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 boats'."""
    return f"{name}: {count} boats"


def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_sheep(counts):
    """Return the index of the day with the most sheep; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def total_letters(counts):
    """Return the number of letters over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def total_lanterns(counts):
    """Return the number of lanterns over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def running_total_barrels(counts):
    """Return the running total of barrels, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_boats(counts, limit=18):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_boats(counts):
    """Return the number of boats over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total
