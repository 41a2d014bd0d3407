"""iacfix: finds and repairs the failures language models make in Infrastructure-as-Code."""

__version__ = "0.1.0"
