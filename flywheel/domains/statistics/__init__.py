"""Statistics-chart generators (bar, line, pie, histogram, box plot, scatter); importing registers them."""

from flywheel.domains.statistics import (  # noqa: F401
    bars,
    distributions,
    frequency,
    interpolate,
    multi,
    pie,
    scatter,
    series,
)
