"""A domain that forgets its answer verifier: registering it is refused and leaves nothing behind."""

from pathlib import Path

from flywheel.domains.base import Domain
from flywheel.domains.registry import register_domain

DOMAIN = Domain(name="unverified", title="Unverified", modules=(f"{__name__}.generators",),
                knowledge=Path(__file__).with_name("knowledge.yaml"))
register_domain(DOMAIN)
