"""The rules: one module per known failure, named after its code (tf101_*.py is TF101).

Every module defines one `Rule` subclass. They run in code order, each on the tree the previous
ones left. To add a rule, copy a neighbour and change the code, docs, examples and check().
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from iacfix.rule import Rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__
        ]
        if len(found) != 1:
            raise RuntimeError(f"{module.__name__} must define exactly one Rule, found {len(found)}")
        rules.append(found[0]())
    return tuple(sorted(rules, key=lambda r: r.code))

