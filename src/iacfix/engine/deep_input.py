"""Input that nests deeper than Python's recursion limit allows: parsed again with room to
spare, kept when what it builds is shallow enough for the rules, otherwise refused.

A parser walks a tree as deep as the code nests: a Python expression of 500 terms is 500 levels
of `ast`, an HCL value in 3,000 brackets 3,000 levels of values. At the default recursion limit
such a file raises RecursionError; `parse_with_room` then parses it in a thread of its own with
a large stack and a higher limit (the stack is reserved, not used, until the parse needs it).
What comes out is measured (`nesting`): a Python file whose long expression the view records as
one value is kept and runs like any other; an HCL file of values 3,000 levels deep is refused
with one error, because every rule that walks its values would fail on it. The parse cache is
left out of such parses: its entries are read back at the default limit.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")

# Levels of containers (values, blocks, lists and dicts of a view) the rules can walk at the
# default recursion limit, with a wide margin: a value level is about two containers.
MAX_NESTING = 200
DEEP_RECURSION_LIMIT = 40_000
DEEP_STACK_BYTES = 512 * 1024 * 1024  # a C frame per Python level in the worst case (3.10)


class TooDeep(Exception):
    """The input nests deeper than iacfix reads."""


def parse_with_room(parse: Callable[[], Result]) -> Result:
    """`parse()` in a thread with a large stack and a high recursion limit; TooDeep when it still
    runs out, or when what it built nests deeper than MAX_NESTING."""
    from iacfix import parse_cache

    with parse_cache.suspended():
        try:
            parsed = _with_room(parse)
        except RecursionError:
            raise TooDeep() from None
    if nesting(getattr(parsed, "blocks", None) or getattr(parsed, "view", None)) > MAX_NESTING:
        raise TooDeep()
    return parsed


def _with_room(function: Callable[[], Result]) -> Result:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    limit = sys.getrecursionlimit()
    previous_stack = threading.stack_size()
    sys.setrecursionlimit(max(limit, DEEP_RECURSION_LIMIT))
    try:
        thread = threading.Thread(target=target, name="iacfix-deep-parse", daemon=True)
        threading.stack_size(DEEP_STACK_BYTES)
        try:
            thread.start()
        finally:
            threading.stack_size(previous_stack)  # for this thread only (the stack size is the process's)
        thread.join()
    except (RuntimeError, ValueError):  # no thread of that size here (a strict memory limit)
        raise RecursionError("no room for a deeper parse") from None
    finally:
        sys.setrecursionlimit(limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def nesting(root: Any) -> int:
    """How many containers deep `root` goes (lists, tuples, dicts, and the model's values,
    properties, blocks and attributes), counted without recursion."""
    deepest, todo = 0, [(root, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > deepest:
            deepest = depth
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            children = [c for name in ("items", "props", "value", "prop") if (c := getattr(node, name, None)) is not None]
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, tuple)) or hasattr(child, "__dict__") or hasattr(child, "__slots__"))
    return deepest
