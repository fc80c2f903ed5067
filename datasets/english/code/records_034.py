"""Records of the teacher: stock."""

def ledger_line_boats(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 boats'."""
    return f"{name}: {count} boats"


def days_over_apples(counts, limit=13):
    """Return the days on which more than limit apples were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_sheep(counts):
    """Return the mean number of sheep per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_lanterns(counts, limit=9):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


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


def days_over_barrels(counts, limit=10):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_nets(counts):
    """Return the index of the day with the most nets; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def average_nets(counts):
    """Return the mean number of nets per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def busiest_day_for_sheep(counts):
    """Return the index of the day with the most sheep; the first on a tie."""
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


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)
