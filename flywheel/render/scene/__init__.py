"""The exact scene engine: model (points/elements), exact geometry, layout, code emitters."""
