"""Records of the shopkeeper: daily counts."""

def average_lanterns(counts):
    """Return the mean number of lanterns per day, or 0.0 for no days."""
    if not counts:
        return 0.0
    return sum(counts) / len(counts)


def ledger_line_barrels(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 barrels'."""
    return f"{name}: {count} barrels"


def running_total_loaves(counts):
    """Return the running total of loaves, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def ledger_line_letters(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 letters'."""
    return f"{name}: {count} letters"


def total_loaves(counts):
    """Return the number of loaves over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def total_lanterns(counts):
    """Return the number of lanterns over all days in counts."""
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


def total_barrels(counts):
    """Return the number of barrels over all days in counts."""
    total = 0
    for count in counts:
        total += count
    return total


def busiest_day_for_barrels(counts):
    """Return the index of the day with the most barrels; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def running_total_letters(counts):
    """Return the running total of letters, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def busiest_day_for_apples(counts):
    """Return the index of the day with the most apples; the first on a tie."""
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


def running_total_sheep(counts):
    """Return the running total of sheep, one value per day."""
    totals = []
    total = 0
    for count in counts:
        total += count
        totals.append(total)
    return totals


def ledger_line_nets(name, count):
    """Return one line of the ledger, e.g. 'Tom: 3 nets'."""
    return f"{name}: {count} nets"


def busiest_day_for_lanterns(counts):
    """Return the index of the day with the most lanterns; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best


def busiest_day_for_sheep(counts):
    """Return the index of the day with the most sheep; the first on a tie."""
    best = 0
    for day, count in enumerate(counts):
        if count > counts[best]:
            best = day
    return best
