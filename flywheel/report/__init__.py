"""The report site (`flywheel report`): overview, galleries, rejected samples, sample pages and review."""
