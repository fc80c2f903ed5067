"""Records of the baker: the ledger."""

def running_total_nets(counts):
    """Return the running total of nets, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def running_total_loaves(counts):
    """Return the running total of loaves, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


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


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_lanterns(counts, limit=9):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_boats(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 boats'."""
    return f"{name}: {count} boats"


def running_total_lanterns(counts):
    """Return the running total of lanterns, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def running_total_letters(counts):
    """Return the running total of letters, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_nets(counts, limit=12):
    """Return the days on which more than limit nets were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_letters(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 letters'."""
    return f"{name}: {count} letters"


def average_barrels(counts):
    """Return the mean number of barrels per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def busiest_day_for_nets(counts):
    """Return the index of the day with the most nets; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def ledger_line_apples(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 apples'."""
    return f"{name}: {count} apples"
