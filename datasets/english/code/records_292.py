"""Records of the gardener: stock."""

def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def average_sheep(counts):
    """Return the mean number of sheep per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_boats(counts, limit=5):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_loaves(counts):
    """Return the number of loaves over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def ledger_line_barrels(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 barrels'."""
    return f"{name}: {count} barrels"


def average_apples(counts):
    """Return the mean number of apples per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_apples(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 apples'."""
    return f"{name}: {count} apples"


def average_loaves(counts):
    """Return the mean number of loaves per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def running_total_barrels(counts):
    """Return the running total of barrels, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def total_letters(counts):
    """Return the number of letters over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def days_over_letters(counts, limit=8):
    """Return the days on which more than limit letters were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_barrels(counts):
    """Return the mean number of barrels per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def running_total_nets(counts):
    """Return the running total of nets, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_sheep(counts, limit=12):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]
