"""Records of the shopkeeper: the ledger."""

def average_lanterns(counts):
    """Return the mean number of lanterns per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def total_sheep(counts):
    """Return the number of sheep over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_apples(counts, limit=15):
    """Return the days on which more than limit apples were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_letters(counts, limit=6):
    """Return the days on which more than limit letters were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_apples(counts):
    """Return the number of apples over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def days_over_barrels(counts, limit=5):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_nets(counts):
    """Return the running total of nets, one value per day."""
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


def average_letters(counts):
    """Return the mean number of letters per day, or 0.0 for no days."""
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


def average_sheep(counts):
    """Return the mean number of sheep per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def days_over_lanterns(counts, limit=11):
    """Return the days on which more than limit lanterns were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_nets(counts):
    """Return the number of nets over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def total_barrels(counts):
    """Return the number of barrels over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total
