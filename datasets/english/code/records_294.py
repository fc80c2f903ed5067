"""Records of the doctor: the ledger."""

def busiest_day_for_nets(counts):
    """Return the index of the day with the most nets; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def average_letters(counts):
    """Return the mean number of letters per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_sheep(counts, limit=3):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_nets(counts):
    """Return the number of nets over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def total_boats(counts):
    """Return the number of boats over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_lanterns(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 lanterns'."""
    return f"{name}: {count} lanterns"


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def days_over_lanterns(counts, limit=16):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_letters(counts):
    """Return the index of the day with the most letters; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_boats(counts, limit=8):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_letters(counts, limit=10):
    """Return the days on which more than limit letters were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals
