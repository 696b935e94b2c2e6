"""The tiny local VLM fixture of the training tests, for the `local:` checkpoint test."""

from tests.train.conftest import tiny_vlm  # noqa: F401 - a session fixture, shared
