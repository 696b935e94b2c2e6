"""Statistics-chart generators (bar, line, pie, histogram, box plot, scatter); importing registers them."""

from flywheel.generators.charts import bars, distributions, pie, scatter, series  # noqa: F401
