"""Verifiers: independent cross-checks of a sample, one module per concern, registered by name."""

from flywheel.verify.registry import (
    VerifyContext,
    register_verifier,
    run_verifiers,
    verifier_names,
)

__all__ = ["VerifyContext", "register_verifier", "run_verifiers", "verifier_names"]
