"""Text positions for the rules that still place code by offset (lines, indentation, spelling).

Every name here is the engine's own (iacfix.textedit); the rules take them from the rule kit so
that what a rule may use stays in one place (tests/test_architecture.py holds it there).
"""

from iacfix.textedit import (  # noqa: F401
    camel_case,
    comments_start,
    indentation_at,
    line_col,
    line_col_at,
    line_end,
    line_number,
    line_start,
    line_starts,
    removal_span,
    snake_case,
)
