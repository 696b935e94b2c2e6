"""Knowledge system: seed files and taxonomies (YAML/JSON) → validated KnowledgeNodes.

Nothing is imported here, so `flywheel --help` (which loads the knowledge commands) does not pay
for sympy and the generators; import `flywheel.knowledge.seeds` for `load_seeds`.
"""
