"""The domain registry: a domain is checked when it registers, and what it offers is found through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flywheel.core.errors import FlywheelError
from flywheel.core.registry import Registry
from flywheel.domains import (
    Domain,
    domain_names,
    get_domain,
    get_generator,
    register_domain,
    register_generator,
)
from flywheel.domains.registry import DOMAINS, GENERATORS, evolution_of, verifier_role
from flywheel.knowledge.mapping import NO_FIT, NO_FIT_RULES, Rules
from flywheel.knowledge.seeds import load_seeds
from flywheel.verify.registry import VERIFIERS


def test_a_domain_without_an_answer_verifier_is_refused_and_leaves_nothing_behind(register):
    with pytest.raises(FlywheelError, match=r"^domain 'unverified' is refused: it has no answer verifier \("):
        register("tests.domains.unverified")
    assert not DOMAINS.registered("unverified")
    assert not GENERATORS.registered("unverified.nothing") and not VERIFIERS.registered("image.unverified")


def test_a_refused_plugin_fails_every_use_not_only_the_first(register):
    with pytest.raises(FlywheelError, match="is refused"):
        register("tests.domains.unverified")
    plugins = Registry("plugin", "flywheel.no_such_group", ["tests.domains.unverified"])
    for _ in range(2):  # a registry that raised while discovering is not left half-loaded
        with pytest.raises(FlywheelError, match="is refused"):
            plugins.names()


def test_a_domain_without_an_image_verifier_is_refused(register, monkeypatch):
    for name in ("image", "figure", "image.labels"):  # the scene engine's image verifiers judge every domain
        monkeypatch.delitem(VERIFIERS._items, name)
    with pytest.raises(FlywheelError, match="it has no answer and no image verifier"):
        register_domain(Domain("bare", "Bare", modules=(), knowledge=Path("none.yaml")))


def test_a_generator_needs_a_registered_domain(register):
    stray = Domain("stray", "Stray", modules=(), knowledge=Path("none.yaml"))
    with pytest.raises(FlywheelError, match="domain 'stray' is not registered"):
        register_generator("stray.one", stray)
    with pytest.raises(FlywheelError, match="'plane_geometry' is not a Domain"):
        register_generator("stray.two", "plane_geometry")


def test_a_domain_registers_once(register):
    with pytest.raises(FlywheelError, match="registered twice"):
        register_domain(get_domain("plane_geometry"))


def test_the_toy_domain_brings_its_generator_verifiers_knowledge_and_rules(toy):
    assert "toy" in domain_names() and get_generator("toy.square_diagonal").domain == "toy"
    assert verifier_role("answer.toy") == "answer" and verifier_role("image.toy") == "image"
    assert [n.id for n in load_seeds() if n.domain == "toy"] == ["toy.square_diagonal"]
    assert evolution_of("toy").reshapable and evolution_of("toy").steps_for("length")
    # Its rule has a higher priority than plane geometry's Pythagoras rule.
    from tests.knowledge.test_mapping import point

    assert Rules().match(point("Pythagorean theorem in a square")) == "toy.square_diagonal"
    assert Rules().match(point("Pythagorean theorem in a rectangle")) == "plane.pythagoras"


def test_without_the_toy_domain_its_rule_and_knowledge_are_gone():
    from tests.knowledge.test_mapping import point

    assert "toy" not in domain_names()
    assert Rules().match(point("Pythagorean theorem in a square")) == "plane.pythagoras"
    assert evolution_of("toy").steps is None and not evolution_of("toy").reshapable  # a taxonomy's own domain name


def test_roles_of_built_in_verdicts():
    roles = {name: verifier_role(name) for name in VERIFIERS.names()}
    assert roles["image"] == roles["image.statistics"] == "image" and roles["duplicate"] == "duplicate"
    assert roles["perception"] == "kind" and verifier_role("judge") is None
    # every domain has its own answer verifier, named after it
    assert {f"answer.{d}" for d in domain_names()} <= {n for n, r in roles.items() if r == "answer"}


def test_each_domain_rules_file_names_only_its_own_generators():
    origins = {str(get_domain(name).rules): name for name in domain_names()}
    rules = Rules().rules
    assert {r.origin for r in rules} == set(origins) | {str(NO_FIT_RULES)}
    for rule in rules:
        if rule.generator == NO_FIT:  # "no generator fits" belongs to no domain
            continue
        assert get_generator(rule.generator).domain == origins[rule.origin], (rule.origin, rule.generator)


def test_plane_offers_todays_evolution_and_the_others_none():
    plane = evolution_of("plane_geometry")
    assert plane.reshapable and plane.parallel and plane.surface and plane.steps_for("length")
    for name in set(domain_names()) - {"plane_geometry"}:
        evo = evolution_of(name)
        assert (evo.steps, evo.parallel, evo.surface, evo.reshapable) == (None, None, None, False), name

