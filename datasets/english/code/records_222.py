"""Records of the postman: stock."""

def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_boats(counts):
    """Return the running total of boats, one value per day."""
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


def days_over_loaves(counts, limit=14):
    """Return the days on which more than limit loaves were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_apples(counts):
    """Return the running total of apples, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def ledger_line_loaves(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 loaves'."""
    return f"{name}: {count} loaves"


def total_loaves(counts):
    """Return the number of loaves over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def average_boats(counts):
    """Return the mean number of boats per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def days_over_sheep(counts, limit=6):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def average_sheep(counts):
    """Return the mean number of sheep per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def average_lanterns(counts):
    """Return the mean number of lanterns per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)
