"""ECS103: an ECS secret taken from a JSON secret without (or with a wrong) `:key::`."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.embedded import objects, serialised_object
from iacfix.rulekit.text import snake_case

# `aws_secretsmanager_secret.db.arn`, `${dbSecret.arn}:password::`, f"{db_secret.arn}:password::"
_ARN = re.compile(
    r"""^(?:f?["'`])?(?:\$?\{)?\s*(?P<ref>[A-Za-z_][\w.]*?)\.arn\s*\}?(?::(?P<key>[^:"'`]*):[^:"'`]*:[^"'`]*)?(?:["'`])?$"""
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


REPORTED = """\
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = random_password.db.result })
}

resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([{
    secrets = [{ name = "DB_URL", valueFrom = "${aws_secretsmanager_secret.db.arn}:connection_string::" }]
  }])
}
"""


class EcsSecretValueFromJsonKey(Rule):
    """An ECS container secret from a JSON secret names the key it wants, and the key exists.

    What it does: for a Secrets Manager secret whose version stores a JSON object written in
    the code (`secret_string = jsonencode({username = ..., password = ...})`), looks at every
    task definition container `secrets` entry whose `valueFrom` is that secret's ARN:
    - without a `:key::` suffix, when the variable name matches exactly one key of the JSON
      (`DB_PASSWORD` → `password`, `USERNAME` → `username`), appends `:password::`;
      when several keys match, reports it; when none does (`DB_CREDENTIALS`, `REDIS_CONFIG`)
      the application reads the whole JSON, as it should, and nothing is said;
    - with a `:key::` suffix naming a key the JSON does not have, reports it.

    Why: ECS injects the whole secret string when no key is given, so `DB_PASSWORD` receives
    `{"username":...,"password":...}` and the application fails to log in; a key the secret
    does not hold stops the task from starting ("ResourceInitializationError: unable to
    retrieve secret from asm ... unmarshal ... key not found").

    Fix (safe, for an unambiguous key): `"${aws_secretsmanager_secret.db.arn}:password::"`
    (a template string in TypeScript, an f-string in Python). Otherwise: name the key, or add
    it to the secret's JSON.
    """

    code = "ECS103"
    name = "ecs-secret-value-from-json-key"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("002#17",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = random_password.db.result })
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    secrets = [
      { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn },
    ]
  }])
}
""",
            after="""\
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = random_password.db.result })
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    secrets = [
      { name = "DB_PASSWORD", valueFrom = "${aws_secretsmanager_secret.db.arn}:password::" },
    ]
  }])
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
new SecretsmanagerSecretVersion(this, 'v', {
  secretId: dbSecret.id,
  secretString: JSON.stringify({ username: 'app', password: pw.result }),
});
new EcsTaskDefinition(this, 'td', {
  family: 'app',
  containerDefinitions: JSON.stringify([
    { name: 'app', secrets: [{ name: 'DB_USERNAME', valueFrom: dbSecret.arn }] },
  ]),
});
""",
            after="""\
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
new SecretsmanagerSecretVersion(this, 'v', {
  secretId: dbSecret.id,
  secretString: JSON.stringify({ username: 'app', password: pw.result }),
});
new EcsTaskDefinition(this, 'td', {
  family: 'app',
  containerDefinitions: JSON.stringify([
    { name: 'app', secrets: [{ name: 'DB_USERNAME', valueFrom: `${dbSecret.arn}:username::` }] },
  ]),
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
import json

from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion

SecretsmanagerSecretVersion(self, "v", secret_id=db_secret.id, secret_string=json.dumps({"username": "app", "password": pw}))
EcsTaskDefinition(
    self,
    "td",
    family="app",
    container_definitions=json.dumps([{"name": "app", "secrets": [{"name": "DB_USERNAME", "valueFrom": db_secret.arn}]}]),
)
""",
            after="""\
import json

from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion

SecretsmanagerSecretVersion(self, "v", secret_id=db_secret.id, secret_string=json.dumps({"username": "app", "password": pw}))
EcsTaskDefinition(
    self,
    "td",
    family="app",
    container_definitions=json.dumps([{"name": "app", "secrets": [{"name": "DB_USERNAME", "valueFrom": f"{db_secret.arn}:username::"}]}]),
)
""",
        ),
        Example(  # a key the secret's JSON does not hold: reported
            "terraform",
            before=REPORTED,
            after=REPORTED,
        ),
        Example(  # keys named right; a plain string secret; the whole JSON for a bundle's name
            "terraform",
            before="""\
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = random_password.db.result })
}

resource "aws_secretsmanager_secret_version" "token" {
  secret_id     = aws_secretsmanager_secret.token.id
  secret_string = random_password.token.result
}

resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([{
    secrets = [
      { name = "DB_USER", valueFrom = "${aws_secretsmanager_secret.db.arn}:username::" },
      { name = "API_TOKEN", valueFrom = aws_secretsmanager_secret.token.arn },
      { name = "DB_CREDENTIALS", valueFrom = aws_secretsmanager_secret.db.arn },
    ]
  }])
}
""",
        ),
    ]

    def check(self, ctx):
        keys: dict[str, set[str]] = {}  # secret reference → the keys of its JSON value
        for version in ctx.resources("aws_secretsmanager_secret_version"):
            secret = version.attr_value("secret_id")
            match = re.fullmatch(r"\s*([A-Za-z_][\w.]*?)\.(?:id|arn)\s*", secret.text) if secret else None
            doc = serialised_object(ctx.file(version.path), version.attr_value("secret_string"))
            if match and doc is not None and doc.kind == "object":
                keys.setdefault(match.group(1), set()).update(p.key for p in doc.props)
        if not keys:
            return
        for task in ctx.resources("aws_ecs_task_definition"):
            file = ctx.file(task.path)
            containers = serialised_object(file, task.attr_value("container_definitions"))
            for container in objects(containers):
                for entry in objects(_get(container, "secrets")):
                    yield from self._entry(file, entry, keys)

    def _entry(self, file, entry, keys):
        name, source = _get(entry, "name"), _get(entry, "value_from")
        match = _ARN.match(source.text.strip()) if source is not None else None
        if match is None or match.group("ref") not in keys:
            return
        at = Location(file.path, source.line, source.col)
        ref, held = match.group("ref"), sorted(keys[match.group("ref")])
        var = name.value if name is not None and name.kind == "string" else "?"
        listed = ", ".join(held)
        if match.group("key") is not None:
            if match.group("key") not in held:
                yield self.finding(
                    at,
                    f"`{var}` asks for key `{match.group('key')}` of a secret whose JSON holds only {listed}, so the "
                    "task cannot start; add the key to the secret or name one it has",
                )
            return
        wanted = _norm(var)
        fits = [k for k in held if _norm(k) and (wanted == _norm(k) or wanted.endswith(_norm(k)))]
        if not fits:
            return  # DB_CREDENTIALS, REDIS_CONFIG: the whole JSON is what the application reads
        if len(fits) > 1:
            yield self.finding(
                at,
                f"`{var}` receives the whole JSON of a secret holding {listed} and its name fits several keys; "
                "append the one it needs to valueFrom (`<arn>:KEY::`)",
            )
            return
        key = fits[0]
        yield self.finding(
            at,
            f"`{var}` would receive the whole JSON of a secret holding {listed}; took key `{key}` (`:{key}::`)",
            [Edit(file.path, source.span[0], source.span[1], _with_key(file, ref, key))],
        )


def _get(obj, name):
    return next((p.value for p in obj.props if snake_case(p.key) == name), None) if obj is not None else None


def _with_key(file, ref, key):
    if file.language == "python":
        return f'f"{{{ref}.arn}}:{key}::"'
    if file.language == "typescript":
        return f"`${{{ref}.arn}}:{key}::`"
    return f'"${{{ref}.arn}}:{key}::"'
