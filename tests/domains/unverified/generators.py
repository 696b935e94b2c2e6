"""One generator and an image verifier, but no answer verifier."""

from __future__ import annotations

import random

from flywheel.domains.registry import domain_verifier, register_generator
from flywheel.render.draft import Draft
from flywheel.verify.registry import Check, VerifyContext
from tests.domains.unverified import DOMAIN


@register_generator("unverified.nothing", DOMAIN)
def nothing(rng: random.Random) -> Draft:
    raise AssertionError("a refused domain's generator is never drawn")


@domain_verifier(DOMAIN, "image")
def verify_image(ctx: VerifyContext) -> Check:
    return Check(True, "")
