"""ECR101: the container image comes from an ECR repository URL nobody supplies."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit import optional_feature as opt
from iacfix.rulekit.terraform_module import Module, location, resources

_REPOSITORY = re.compile(r"ecr|repository_url|repo_url|registry_url", re.IGNORECASE)
_IMAGE = re.compile(r"image", re.IGNORECASE)


# An example the rule reports without changing it (before and after alike).
REPORTED = """\
variable "container_image" {
  type = string
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "app", image = var.container_image }])
}
"""


class EcrRepositoryUrlVariable(Rule):
    """The ECR repository a task's image comes from is part of the stack.

    What it does: finds an input variable without default (and without a tfvars value, in a
    root module) that an `aws_ecs_task_definition`'s container definitions use as the image.
    When it is named as an ECR repository URL (`ecr_repository_url`, `repository_url`), it
    adds an `aws_ecr_repository` (scan on push, `force_delete` so the stack can be destroyed,
    named after `var.environment_suffix` when the module has one) before the task definition,
    reads the image from its `repository_url` wherever the variable was used, and removes the
    variable (with the comment lines right above it). A variable named as a whole image (`container_image`) is only reported: it may
    name a public image, and the rule cannot tell which.

    Why: the stack cannot be deployed on its own (`terraform apply` asks for the URL; in CI
    "No value for required variable"), and the repository it names is never created.

    Convention (pipeline): the pipeline deploys each stack on its own, with no inputs. A root module
    elsewhere takes its image repository as a required input, set by its pipeline or tfvars.

    Fix (unsafe, applied with --unsafe-fixes): the repository. It starts empty: push the image
    (tag `latest` unless the definitions say otherwise) before the service can run tasks.
    """

    code = "ECR101"
    name = "ecr-repository-url-variable"
    flavours = ("terraform",)
    severity = "error"
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#2",)
    examples = [
        Example(
            "terraform",
            before="""\
# Where CI pushes the app image
variable "ecr_repository_url" {
  description = "Repository of the app image"
  type        = string
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "${var.ecr_repository_url}:latest"
  }])
}
""",
            after="""\
resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "MUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "${aws_ecr_repository.app.repository_url}:latest"
  }])
}
""",
        ),
        Example(
            "terraform",
            before=REPORTED,
            after=REPORTED,
        ),
        # A default, or a repository the stack creates: silent.
        Example(
            "terraform",
            before="""\
variable "container_image" {
  type    = string
  default = "nginx:1.27"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "app", image = var.container_image }])
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        seen = set()
        for task in resources(module, "aws_ecs_task_definition"):
            text = task.file.text[slice(*task.block.span)]
            for name in dict.fromkeys(re.findall(r"(?<![\w.])var\.([A-Za-z_][\w-]*)", text)):
                declared = module.variable(name)
                if name in seen or declared is None or not (_REPOSITORY.search(name) or _IMAGE.search(name)):
                    continue
                if not opt.without_default(declared):
                    continue
                seen.add(name)
                edits = _scaffold(module, task, declared) if _REPOSITORY.search(name) else []
                if edits:
                    message = (f"`var.{name}` names an ECR repository nothing creates and has no default: the fix "
                               "adds an `aws_ecr_repository` and uses its repository_url (push the image before tasks can run)")
                else:
                    message = (f"`var.{name}` is the container image and has no default, so the stack cannot deploy on "
                               "its own: create an aws_ecr_repository and use its repository_url, or give a default image")
                yield self.finding(location(declared.file, declared.block), message, edits)


def _scaffold(module, task, declared) -> list[Edit]:
    name = declared.block.labels[0]
    taken = {d.block.labels[1] for d in resources(module, "aws_ecr_repository")}
    label = next(n for n in ("app", "app_images", "ecs_app") if n not in taken)
    repo_name = '"app-${var.environment_suffix}"' if module.variable("environment_suffix") else '"app"'
    block = (
        f'resource "aws_ecr_repository" "{label}" {{\n  name                 = {repo_name}\n'
        '  image_tag_mutability = "MUTABLE"\n  force_delete         = true\n\n'
        "  image_scanning_configuration {\n    scan_on_push = true\n  }\n}\n\n"
    )
    at = task.block.span[0]
    edits = [Edit(task.file.path, at, at, block)]
    pattern = re.compile(rf"(?<![\w.])var\.{re.escape(name)}(?![\w-])")
    for file in module.files:
        for match in pattern.finditer(file.text):
            edits.append(Edit(file.path, match.start(), match.end(), f"aws_ecr_repository.{label}.repository_url"))
    return edits + declared.file.remove_statement(declared.block.span)
