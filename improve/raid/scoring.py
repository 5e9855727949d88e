"""How a risk is scored: a 5-point likelihood and impact, their product, and its RAG band.

Pure functions over whole numbers; no Django. ``docs/decisions/0008-risk-scoring.md`` says why.

- Likelihood and impact are each 1–5: 1 Very low, 2 Low, 3 Medium, 4 High, 5 Very high.
- Councils' papers often rate them L / M / H. Those are read as the points of the same name on
  the 5-point scale: L → 2 (Low), M → 3 (Medium), H → 4 (High). A rating typed as L stays
  distinguishable from one typed as 1 (Very low) or 5 (Very high) only by its number.
- Score = likelihood × impact [points], 1–25.
- RAG band of a score: green 1–4, amber 5–12, red 15–25 (no score falls between 12 and 15).
"""

from __future__ import annotations

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
LEVEL_LABELS: dict[int, str] = {1: "Very low", 2: "Low", 3: "Medium", 4: "High", 5: "Very high"}
#: The seeds' three-point ratings on the 5-point scale.
LMH: dict[str, int] = {"L": 2, "M": 3, "H": 4}
#: Words a person might type for a point of the scale (case and spaces ignored).
WORDS: dict[str, int] = {
    "very low": 1,
    "low": 2,
    "medium": 3,
    "med": 3,
    "high": 4,
    "very high": 5,
}
#: How a risk without a score is shown: named in a paper, its likelihood and impact still to be agreed.
NOT_SCORED = "Not yet scored"
ACCEPTED = "a whole number from 1 to 5, or L, M or H (L = 2 Low, M = 3 Medium, H = 4 High)"

MIN_SCORE, MAX_SCORE = 1, 25
GREEN_MAX = 4
AMBER_MAX = 12
BANDS: tuple[str, ...] = ("green", "amber", "red")
BAND_LABELS: dict[str, str] = {"green": "Green", "amber": "Amber", "red": "Red"}


class LevelError(ValueError):
    """A likelihood or impact that is not on the scale; the message says what is accepted."""


def parse_level(text: object) -> int | None:
    """A likelihood or impact as typed (``4``, ``"4"``, ``"H"``, ``"high"``) → 1–5; empty → None.

    Raises :class:`LevelError` for anything else.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise LevelError(f"'{text}' is not accepted: enter {ACCEPTED}")
    if isinstance(text, int):
        if text in LEVELS:
            return text
        raise LevelError(f"{text} is outside the scale: enter {ACCEPTED}")
    if isinstance(text, float) and text.is_integer():
        return parse_level(int(text))
    s = " ".join(str(text).split())
    if not s:
        return None
    upper = s.upper()
    if upper in LMH:
        return LMH[upper]
    if s.lower() in WORDS:
        return WORDS[s.lower()]
    # "4 (High)", as the pages show it
    head = s.split(" ", 1)[0]
    if head.isdigit() and int(head) in LEVELS and (head == s or s[len(head) :].strip().startswith("(")):
        return int(head)
    if s.lstrip("+-").isdigit():
        raise LevelError(f"{s} is outside the scale: enter {ACCEPTED}")
    raise LevelError(f"'{s}' is not accepted: enter {ACCEPTED}")


def level_display(level: int | None) -> str:
    """``4 (High)``; empty for no level."""
    if level is None:
        return ""
    return f"{level} ({LEVEL_LABELS.get(level, '?')})"


def score(likelihood: int | None, impact: int | None) -> int | None:
    """Likelihood × impact [points, 1–25]; None if either is missing."""
    if likelihood is None or impact is None:
        return None
    return likelihood * impact


def band(value: int | None) -> str:
    """The RAG band of a score: ``green``, ``amber``, ``red`` ("" for none)."""
    if value is None:
        return ""
    if value <= GREEN_MAX:
        return "green"
    if value <= AMBER_MAX:
        return "amber"
    return "red"


def score_display(value: int | None) -> str:
    """``16 (Red)``; empty for no score."""
    if value is None:
        return ""
    return f"{value} ({BAND_LABELS[band(value)]})"
