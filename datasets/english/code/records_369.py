"""Records of the baker: daily counts."""

def total_apples(counts):
    """Return the number of apples over all days in counts."""
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


def days_over_lanterns(counts, limit=10):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def ledger_line_sheep(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 sheep'."""
    return f"{name}: {count} sheep"


def busiest_day_for_loaves(counts):
    """Return the index of the day with the most loaves; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_boats(counts, limit=9):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_barrels(counts, limit=18):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_apples(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 apples'."""
    return f"{name}: {count} apples"
