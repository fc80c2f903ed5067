"""List utilities collected from old exercises."""
from typing import List, Tuple


def chunks(items: List[int], size: int) -> List[List[int]]:
    """Split items into consecutive lists of at most size elements."""
    return [items[i:i + size] for i in range(0, len(items), size)]


from typing import List, Tuple


def merge_intervals(intervals: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Merge overlapping closed intervals and return them sorted by start.
    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])
    [(1, 6), (8, 10)]
    """
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def flatten(nested: List[List[int]]) -> List[int]:
    """Concatenate the inner lists in order."""
    return [x for inner in nested for x in inner]
