"""Records of the ferry captain: daily counts."""

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


def ledger_line_lanterns(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 lanterns'."""
    return f"{name}: {count} lanterns"


def running_total_nets(counts):
    """Return the running total of nets, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def total_apples(counts):
    """Return the number of apples over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_barrels(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 barrels'."""
    return f"{name}: {count} barrels"


def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_barrels(counts, limit=5):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]
