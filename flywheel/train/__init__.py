"""Training on a catalog (docs/architecture.md, data flow step 7), kept thin: TRL trains; flywheel supplies datasets, rewards,
the sandbox tool environment and the perception → interaction → RL curriculum.

`data`, `trace` and `rewards` need no torch; `models` and `runner` import it lazily.
"""
