"""CI101: a CDKTF project's CI runs the AWS CDK CLI, or a deploy that waits for approval."""

from __future__ import annotations

import re
from pathlib import Path

from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule

# `cdk deploy ...` / `npx cdktf destroy ...` where a command starts, up to the command's end.
COMMAND = re.compile(
    r"(?<![\w./@-])(?P<tool>cdk|cdktf)(?P<sub>[ \t]+(?:synth|deploy|diff|destroy))\b(?P<args>[^\n;&|#]*)"
)
# AWS CDK flags with no cdktf counterpart: the approval ones become --auto-approve, `--all` goes
# (cdktf deploys the app's only stack by default; several stacks are named or '*').
CDK_ONLY_FLAGS = re.compile(r"[ \t]+(?:--require-approval(?:[ \t]+|=)\S+|--all|--force|-f)(?=\s|$)")
UNATTENDED = ("deploy", "destroy")


class CiWrongCdkCommands(Rule):
    """The CI of a CDKTF app runs `cdk synth`/`cdk deploy` (AWS CDK) or an interactive deploy.

    What it does: in the app's GitHub Actions workflows (every `run:` step) and its package.json
    `scripts`, rewrites AWS CDK commands (`cdk synth`, `npx cdk deploy --all --require-approval
    never`, `cdk diff`, `cdk destroy --force`) into the CDKTF CLI's (`cdktf synth`, `npx cdktf
    deploy --auto-approve`, ...), and adds `--auto-approve` to a workflow's `cdktf deploy` /
    `cdktf destroy` that lacks it. An npm script may be run by hand, so only the CDK approval
    flags it already had turn into `--auto-approve` there.

    Why: a CDKTF app has no CDK cloud assembly (no `cdk.json`), so `cdk synth` fails at once,
    and `cdktf deploy` without `--auto-approve` waits for an answer no CI job can give.

    Left alone: a repository that also holds an AWS CDK app (a `cdk.json` in the workflow's
    repository, up to two folders down, or beside the package.json), whose `cdk` commands they
    may be.

    Fix (safe): only the command words and flags change; the step, its quoting and its
    indentation stay as they were.
    """

    code = "CI101"
    name = "ci-wrong-cdk-commands"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"
    seeds = ("004#3",)
    WORKFLOW = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
    examples = [
        Example(
            "cdktf-ts",
            before="export const app = 1;\n",
            after="export const app = 1;\n",
            files={
                ".github/workflows/deploy.yml": WORKFLOW
                + "      - name: Synth\n        run: npx cdk synth\n"
                "      - name: Deploy\n        run: npx cdk deploy --all --require-approval never\n",
            },
            files_after={
                ".github/workflows/deploy.yml": WORKFLOW
                + "      - name: Synth\n        run: npx cdktf synth\n"
                "      - name: Deploy\n        run: npx cdktf deploy --auto-approve\n",
            },
        ),
        Example(
            "cdktf-py",
            before="APP = 1\n",
            after="APP = 1\n",
            files={
                ".github/workflows/ci.yaml": WORKFLOW
                + "      - run: |\n          pipenv install\n          pipenv run cdktf deploy 'tap-*' && cdk diff\n",
                "package.json": '{\n  "scripts": {\n    "deploy": "cdk deploy --require-approval never",\n'
                '    "synth": "cdktf synth"\n  }\n}\n',
            },
            files_after={
                ".github/workflows/ci.yaml": WORKFLOW
                + "      - run: |\n          pipenv install\n          pipenv run cdktf deploy --auto-approve 'tap-*' && cdktf diff\n",
                "package.json": '{\n  "scripts": {\n    "deploy": "cdktf deploy --auto-approve",\n'
                '    "synth": "cdktf synth"\n  }\n}\n',
            },
        ),
        # Already CDKTF and unattended; an npm script may deploy interactively; `cd cdk` is a folder.
        Example(
            "cdktf-ts",
            before="export const app = 1;\n",
            files={
                ".github/workflows/deploy.yml": WORKFLOW
                + "      - run: cd cdk && npx cdktf deploy --auto-approve\n      - run: npx cdktf synth\n",
                "package.json": '{\n  "scripts": {\n    "deploy": "cdktf deploy"\n  }\n}\n',
            },
        ),
    ]

    def check(self, ctx):
        for file in ctx.files("yaml", "json"):
            if file.language == "json" and file.path.name != "package.json":
                continue
            if ctx.workspace.sources[file.path].origin is None and _beside_aws_cdk(file.path, file.language == "yaml"):
                continue  # an AWS CDK app shares the repository: `cdk synth` may be its
            in_ci = file.language == "yaml"
            for script in file.scripts():
                for match in COMMAND.finditer(script.text):
                    new = self._rewrite(match, in_ci)
                    if new is None:
                        continue
                    start = script.span[0] + match.start()
                    end = script.span[0] + match.end("args")
                    old = match.group(0).rstrip()
                    line = script.line + script.text.count("\n", 0, match.start())
                    at = Location(file.path, line)
                    what = "AWS CDK command in a CDKTF app" if match.group("tool") == "cdk" else "deploy waits for approval in CI"
                    yield self.finding(at, f"{what}: `{old}` → `{new.rstrip()}`", [Edit(file.path, start, end, new)])

    @staticmethod
    def _rewrite(match: re.Match[str], in_ci: bool) -> str | None:
        tool, sub, args = match.group("tool"), match.group("sub"), match.group("args")
        verb = sub.strip()
        if tool == "cdk":
            approved = bool(re.search(r"--require-approval|--force|(?<!\S)-f(?!\S)", args))
            rest = CDK_ONLY_FLAGS.sub("", args)
            auto = verb in UNATTENDED and (in_ci or approved) and "--auto-approve" not in rest
            return "cdktf" + sub + (" --auto-approve" if auto else "") + rest
        if in_ci and verb in UNATTENDED and "--auto-approve" not in args:
            return "cdktf" + sub + " --auto-approve" + args
        return None


def _beside_aws_cdk(path: Path, workflow: bool) -> bool:
    """Whether an AWS CDK app (its cdk.json) is where the file's commands may run: anywhere in a
    workflow's repository (two folders down at most), beside a package.json."""
    if not workflow:
        return (path.parent / "cdk.json").is_file()
    repository = path.parents[2] if len(path.parents) > 2 else path.parent
    return any(True for pattern in ("cdk.json", "*/cdk.json", "*/*/cdk.json") for _ in repository.glob(pattern))
