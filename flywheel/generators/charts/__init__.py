"""Statistics-chart generators (bar, line, pie, histogram, box plot, scatter); importing registers them."""

from flywheel.generators.charts import (  # noqa: F401
    bars,
    distributions,
    frequency,
    interpolate,
    multi,
    pie,
    scatter,
    series,
)
