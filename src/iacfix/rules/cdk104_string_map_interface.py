"""CDK104: an interface of string properties given where the provider wants a map of strings."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Rule, Valid
from iacfix.rulekit import schema
from iacfix.rulekit.text import line_col

# `export interface CommonTags { Environment: string; Owner?: string; }`: string properties only
_MEMBER = r"\s*(?:readonly\s+)?(?:[A-Za-z_$][\w$]*|'[^'\n]*'|\"[^\"\n]*\")\s*\??\s*:\s*string\s*[;,]?(?:[ \t]*//[^\n]*)?"
_INTERFACE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<export>export\s+)?interface\s+(?P<name>[A-Za-z_$][\w$]*)\s*\{(?P<body>(?:" + _MEMBER + r")*)\s*\}",
    re.M,
)


class StringMapInterface(Rule):
    """Declare the shape of a tag set as a type alias, which TypeScript lets a map of strings take.

    What it does: finds the values given to a provider property that is a map of strings (every
    `tags`, `environment.variables`, ...) whose static type is an interface of the project with
    string properties only (`interface CommonTags { Environment: string; Owner?: string }`), and
    declares that interface as a type alias of the same object type instead (`type CommonTags =
    { ... };`). Nothing else changes: the same properties, the same name, `export` kept.

    Why: the provider types those properties `{ [key: string]: string }`, and TypeScript does
    not give an interface the implicit index signature it gives an object type alias: "Type
    'CommonTags' is not assignable to type '{ [key: string]: string; }'. Index signature for
    type 'string' is missing in type 'CommonTags'", once per resource it is given to.

    Only interfaces with nothing but string properties (no `extends`, methods or other types)
    are rewritten, and only when the TypeScript checker says a map property receives one.

    Fix (safe): the alias has the same properties; every use of the name stays valid.
    """

    code = "CDK104"
    name = "string-map-interface"
    flavours = ("cdktf-ts",)
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export interface CommonTags {
  Environment: string;
  Owner?: string; // team alias
}

export class Storage extends Construct {
  constructor(scope: Construct, id: string, tags: CommonTags) {
    super(scope, id);
    new S3Bucket(this, 'logs', { tags: tags });
  }
}
""",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export type CommonTags = {
  Environment: string;
  Owner?: string; // team alias
};

export class Storage extends Construct {
  constructor(scope: Construct, id: string, tags: CommonTags) {
    super(scope, id);
    new S3Bucket(this, 'logs', { tags: tags });
  }
}
""",
            message="`tags` wants a map of strings, which TypeScript does not let interface `CommonTags` be: declared "
            "as a type alias (`type CommonTags = { ... };`)",
            line=4,
        ),
        # Given as a spread or not given to a map; an interface with other members: left alone.
        Valid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

interface CommonTags {
  Environment: string;
}
interface Settings {
  name: string;
  size: number;
}

export function storage(scope: Construct, tags: CommonTags, settings: Settings) {
  new S3Bucket(scope, 'logs', { bucket: settings.name, tags: { ...tags } });
}
""",
        ),
    ]

    def check(self, ctx):
        files = ctx.files("typescript")
        declared = {}  # interface name → (file, match)
        for file in files:
            for match in _INTERFACE.finditer(file.text):
                declared.setdefault(match["name"], []).append((file, match))
        declared = {name: found[0] for name, found in declared.items() if len(found) == 1}  # merged declarations stay
        if not declared:
            return
        # the names declared with one of those types (`tags: CommonTags`, `tags?: CommonTags`): only a
        # value read through one of them is worth asking the checker about (a request costs a type check)
        typed_names = {
            m.group(1)
            for file in files
            # (the look-behind starts a name only where one starts: without it every position of a
            # long identifier was tried, 100 ms over 30 apps)
            for m in re.finditer(r"(?<![\w$])([\w$]+)\s*\??\s*:\s*(?:" + "|".join(map(re.escape, declared)) + r")\b", file.text)
        }
        given: dict[str, str] = {}  # interface name → the property it is given to
        for file in files:
            for typed in schema.typed_props(file):
                spec, value = typed.spec, typed.prop.value
                if spec is None or spec.type.text != "map<string>" or value.kind != "expr":
                    continue
                last = re.search(r"([\w$]+)\s*$", value.text)
                if last is None or last.group(1) not in typed_names:
                    continue
                found = file.value_type(value)
                if found in declared:
                    given.setdefault(found, typed.prop.key)
        for name, key in sorted(given.items()):
            file, match = declared[name]
            start = match.start() + len(match["indent"]) + len(match["export"] or "")
            head_end = match.start("name") + len(name)
            close = match.end()
            yield self.finding(
                Location(file.path, *line_col(file.text, start)),
                f"`{key}` wants a map of strings, which TypeScript does not let interface `{name}` be: declared as a type "
                f"alias (`type {name} = {{ ... }};`)",
                [Edit(file.path, start, head_end, f"type {name} ="), Edit(file.path, close, close, ";")],
            )
