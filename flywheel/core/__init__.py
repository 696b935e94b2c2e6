"""Records, ids, answers, errors and the registry: what every other part of flywheel builds on."""
