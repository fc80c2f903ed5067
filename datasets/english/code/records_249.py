"""Records of the weaver: the ledger."""

def total_loaves(counts):
    """Return the number of loaves over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def busiest_day_for_nets(counts):
    """Return the index of the day with the most nets; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_barrels(counts):
    """Return the running total of barrels, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_boats(counts, limit=5):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_barrels(counts):
    """Return the number of barrels over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_apples(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 apples'."""
    return f"{name}: {count} apples"


def running_total_apples(counts):
    """Return the running total of apples, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def total_apples(counts):
    """Return the number of apples over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def total_nets(counts):
    """Return the number of nets over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_sheep(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 sheep'."""
    return f"{name}: {count} sheep"


def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def average_barrels(counts):
    """Return the mean number of barrels per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)
