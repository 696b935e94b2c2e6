"""Contexts the chart generators draw their data tables in (names, units, periods).

Short item names keep tick labels and pie labels readable; periods vary the question text so two
samples of the same chart kind rarely ask the same question (the duplicate verifier's key).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass(frozen=True)
class Theme:
    title: str  # may hold {period}
    context: str  # "the number of books read by {n} students in {period}"
    ylabel: str
    unit: str  # what the values count, plural ("books", "mm")
    items: tuple[str, ...]
    ordered: bool = False  # items are a sequence (months, days): take a consecutive run
    periods: tuple[str, ...] = tuple(MONTH_NAMES)
    steps: tuple[int, ...] = (2, 4, 10)  # gridline steps that suit the quantity
    fact: str = "The bar for {item} shows {value} {unit}."  # a stated reading
    compare: str = "How many more {unit} does the bar for {a} show than the bar for {b}?"

    def draw(self, rng: random.Random, n: int) -> tuple[list[str], str]:
        """n items (consecutive if ordered) and a period."""
        if self.ordered:
            start = rng.randint(0, len(self.items) - n)
            items = list(self.items[start : start + n])
        else:
            items = rng.sample(list(self.items), n)
        return items, rng.choice(self.periods)


CATEGORY_THEMES = [
    Theme("Books read in {period}", "the number of books read by {n} students in {period}", "Books", "books",
          ("Ana", "Ben", "Carla", "Dev", "Emma", "Farid", "Gina", "Hugo"), steps=(2, 4),
          fact="{item} read {value} books.", compare="How many more books did {a} read than {b}?"),
    Theme("Rainfall in {period}", "the monthly rainfall in a town in {period}", "Rainfall (mm)", "mm",
          tuple(MONTHS), ordered=True, periods=tuple(str(y) for y in range(2012, 2025)), steps=(10, 20),
          fact="In {item}, {value} mm of rain fell.", compare="How many more mm of rain fell in {a} than in {b}?"),
    Theme("Cars sold in week {period}", "the number of cars a dealer sold each day in week {period}", "Cars", "cars",
          tuple(DAYS), ordered=True, periods=tuple(str(k) for k in range(1, 31)),
          fact="On {item} the dealer sold {value} cars.", compare="How many more cars were sold on {a} than on {b}?"),
    Theme("Fruit sold in {period}", "the mass of fruit a market stall sold in {period}", "Mass (kg)", "kg",
          ("Apples", "Pears", "Plums", "Grapes", "Kiwis", "Figs", "Limes"), steps=(10, 20, 50),
          fact="The stall sold {value} kg of {item}.", compare="How many more kg of {a} than of {b} did the stall sell?"),
    Theme("Club members in {period}", "the number of members of {n} school clubs in {period}", "Members",
          "members", ("Chess", "Drama", "Music", "Art", "Robots", "Choir", "Poetry"),
          periods=tuple(str(y) for y in range(2012, 2025)),
          fact="The {item} club had {value} members.", compare="How many more members did the {a} club have than the {b} club?"),
]

SERIES_THEMES = [  # line charts: one value per year
    Theme("Museum visitors", "the number of visitors to a museum (in thousands) each year", "Visitors (thousands)",
          "thousand visitors", (), steps=(10, 20, 50)),
    Theme("Bicycles sold", "the number of bicycles a shop sold each year", "Bicycles", "bicycles", (), steps=(10, 20, 50)),
    Theme("Trees planted", "the number of trees a town planted each year", "Trees", "trees", (), steps=(20, 50, 100)),
    Theme("Club members", "the number of members of a chess club each year", "Members", "members", ()),
]

GROUPS = {
    "class": ("Class A", "Class B", "Class C", "Class D"),
    "team": ("Team Red", "Team Blue", "Team Gold"),
}
