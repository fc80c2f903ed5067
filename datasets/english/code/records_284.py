"""Records of the shopkeeper: daily counts."""

def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_letters(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 letters'."""
    return f"{name}: {count} letters"


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def average_nets(counts):
    """Return the mean number of nets per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_sheep(counts, limit=5):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_sheep(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 sheep'."""
    return f"{name}: {count} sheep"


def days_over_apples(counts, limit=9):
    """Return the days on which more than limit apples were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals
