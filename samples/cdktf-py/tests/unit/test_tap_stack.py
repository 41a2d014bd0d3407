"""Unit tests for the catalog API stack."""

from cdktf import App, Testing

from lib.tap_stack import TapStack


class TestTapStack:
    """The stack builds with the pipeline's arguments."""

    def test_stack_is_created(self):
        app = App()
        stack = TapStack(
            app,
            "TapStacktest",
            environment_suffix="test",
            state_bucket="test-states",
            state_bucket_region="us-east-1",
            aws_region="us-east-1",
        )
        assert stack is not None

    def test_stack_synthesizes(self):
        app = Testing.app()
        stack = TapStack(app, "TapStacktest", environment_suffix="test")
        synthesized = Testing.synth(stack)
        assert synthesized is not None
