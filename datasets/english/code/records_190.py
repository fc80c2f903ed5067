"""Records of the librarian: stock."""

def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def ledger_line_sheep(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 sheep'."""
    return f"{name}: {count} sheep"


def average_lanterns(counts):
    """Return the mean number of lanterns per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def running_total_apples(counts):
    """Return the running total of apples, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_loaves(counts):
    """Return the index of the day with the most loaves; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def total_sheep(counts):
    """Return the number of sheep over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_letters(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 letters'."""
    return f"{name}: {count} letters"


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def total_lanterns(counts):
    """Return the number of lanterns over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_boats(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 boats'."""
    return f"{name}: {count} boats"


def days_over_letters(counts, limit=16):
    """Return the days on which more than limit letters were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_letters(counts):
    """Return the mean number of letters per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)
