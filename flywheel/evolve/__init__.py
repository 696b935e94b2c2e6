"""The data-evolution flywheel: rounds that grow the catalog along diversity, quality and difficulty.

The mechanics belong to the domains: what each offers (expansion steps, distractors, surface
variants, reshaping) is its Evolution, and a worker replays recipes with domains/evolution.py.
`diversity`, `difficulty` and `quality` plan a round's tasks from the catalog by asking a sample's
domain; `rounds` runs and resumes rounds; `report` prints and plots what each round did.
"""
