"""Administrative division codes (统计用区划代码): 12 digits, 2+2+2+3+3.

A division's subtree is every code sharing its significant prefix, so scope
checks are a prefix comparison that the database can do inside the query.
"""
import re

LEVELS = ("province", "city", "district", "township", "village")
_CUTS = (2, 4, 6, 9, 12)
CODE_RE = re.compile(r"^\d{12}$")


def is_division_code(code: str) -> bool:
    return bool(CODE_RE.match(code or "")) and code[:2] != "00"


def division_level(code: str) -> str:
    """The level a code names, from the zeros that pad it."""
    for level, cut in zip(LEVELS, _CUTS):
        if set(code[cut:]) <= {"0"}:
            return level
    return "village"


def scope_prefix(code: str) -> str:
    """The prefix shared by the code and everything beneath it."""
    return code[: _CUTS[LEVELS.index(division_level(code))]]


def within(scope_code: str, code: str) -> bool:
    return code.startswith(scope_prefix(scope_code))


def parent_code(code: str) -> str | None:
    index = LEVELS.index(division_level(code))
    if index == 0:
        return None
    cut = _CUTS[index - 1]
    return code[:cut] + "0" * (12 - cut)


def lineage(code: str) -> list[str]:
    """The code and its ancestors, nearest first."""
    chain = [code]
    while (parent := parent_code(chain[-1])) is not None:
        chain.append(parent)
    return chain
