"""Records of the boat builder: the ledger."""

def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_boats(counts):
    """Return the index of the day with the most boats; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def days_over_boats(counts, limit=15):
    """Return the days on which more than limit boats were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def running_total_boats(counts):
    """Return the running total of boats, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def days_over_apples(counts, limit=3):
    """Return the days on which more than limit apples were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_loaves(counts, limit=18):
    """Return the days on which more than limit loaves were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def total_sheep(counts):
    """Return the number of sheep over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total
