"""Integration tests for the catalog API stack (run after deploy)."""

from cdktf import App, Testing

from lib.tap_stack import TapStack


def test_stack_has_the_api_service():
    app = App()
    stack = TapStack(app, "TapStackint", environment_suffix="int")
    synthesized = Testing.synth(stack)
    assert "aws_ecs_service" in synthesized


def test_cache_is_encrypted():
    app = App()
    stack = TapStack(app, "TapStackint", environment_suffix="int")
    synthesized = Testing.synth(stack)
    assert '"at_rest_encryption_enabled": "true"' in synthesized
