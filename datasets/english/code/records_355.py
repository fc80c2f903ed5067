"""Records of the postman: stock."""

def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def running_total_letters(counts):
    """Return the running total of letters, one value per day."""
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


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_barrels(counts, limit=5):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def average_lanterns(counts):
    """Return the mean number of lanterns per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_nets(counts, limit=16):
    """Return the days on which more than limit nets were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_lanterns(counts, limit=17):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_apples(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 apples'."""
    return f"{name}: {count} apples"


def total_nets(counts):
    """Return the number of nets over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def days_over_boats(counts, limit=18):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]
