"""Records of the miller: daily counts."""

def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def days_over_boats(counts, limit=9):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_letters(counts):
    """Return the mean number of letters per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def total_nets(counts):
    """Return the number of nets over all days in counts."""
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


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_sheep(counts):
    """Return the index of the day with the most sheep; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def total_apples(counts):
    """Return the number of apples over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def busiest_day_for_loaves(counts):
    """Return the index of the day with the most loaves; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best
