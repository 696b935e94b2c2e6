"""flywheel: synthesize verified, interactive visual-reasoning data."""
