"""Knowledge system: seed files (YAML/JSON) → validated KnowledgeNodes; the built-in seed set."""

from flywheel.knowledge.seeds import BUILTIN_SEEDS, load_seeds

__all__ = ["BUILTIN_SEEDS", "load_seeds"]
