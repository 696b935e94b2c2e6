"""The data-evolution flywheel: rounds that grow the catalog along diversity, quality and difficulty.

`steps` (one more theorem on a solved problem) and `ops` (draft transforms a task replays in a
worker) are the mechanics; `diversity`, `difficulty` and `quality` plan a round's tasks from the
catalog; `rounds` runs and resumes rounds; `report` prints and plots what each round did.
"""
