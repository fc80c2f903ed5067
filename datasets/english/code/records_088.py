"""Records of the sailor: the ledger."""

def ledger_line_boats(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 boats'."""
    return f"{name}: {count} boats"


def days_over_nets(counts, limit=18):
    """Return the days on which more than limit nets were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def average_nets(counts):
    """Return the mean number of nets per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_lanterns(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 lanterns'."""
    return f"{name}: {count} lanterns"


def days_over_sheep(counts, limit=13):
    """Return the days on which more than limit sheep were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def days_over_barrels(counts, limit=9):
    """Return the days on which more than limit barrels were counted."""
    return [day for day, count in enumerate(counts) if count > limit]


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
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
