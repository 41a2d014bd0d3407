"""`iacfix bot` against a real bare git remote and a local server speaking GitHub's REST API.

The server implements the four endpoints the bot uses with the request and response shapes of
GitHub's documentation (pulls: list, create, update; issues: create a comment), including the
error bodies: 401 Bad credentials, 404 Not Found, 422 Validation Failed, and rate limits.
Nothing here touches the network: the remote is a folder, the API is 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from iacfix import github_api, rule_docs
from iacfix.bot import TRAILER, Bot, Fixes, bot_app, repository_from_url
from iacfix.github_api import api_url_for_remote, redact

TOKEN = "ghs_s3cr3tT0kenThatMustNeverBePrinted"
REPOSITORY = "octo/infra"
BRANCH = "iacfix/fixes-main"
DOCS = "https://docs.github.com/rest"
EXTRA = 'resource "aws_ecs_service" "worker" {\n  name = "worker"\n}\n'
POOL = (
    'resource "aws_cognito_user_pool" "users" {\n  name              = "users"\n  mfa_configuration = "ON"\n}\n'  # COG101: a human decides
)

runner = CliRunner()


# -- a GitHub API on 127.0.0.1 ------------------------------------------------------------------


@dataclass
class FakeGitHub:
    """Pull requests and comments of one repository, kept in memory."""

    remote: Path  # the bare repository: a pull request's head branch must exist there
    token: str = TOKEN
    repository: str = REPOSITORY
    pulls: dict[int, dict] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)
    requests: list[tuple[str, str, dict | None, dict]] = field(default_factory=list)  # method, path, json, headers
    fail: dict[str, tuple[int, dict, dict]] = field(default_factory=dict)  # method -> (status, headers, body)
    # answers given once each, in order, before the real one: (method, status, headers, body, done)
    # where `done` says the request was carried out all the same (a 502 from a proxy after GitHub acted)
    flaky: list[tuple[str, int, dict, dict, bool]] = field(default_factory=list)
    url: str = ""

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _, _ in self.requests if m != "GET"]

    def open_pulls(self) -> list[dict]:
        return [p for p in self.pulls.values() if p["state"] == "open"]

    def answer(self, method: str, target: str, body: dict | None, headers: dict) -> tuple[int, dict, object]:
        url = urlsplit(target)
        self.requests.append((method, url.path, body, headers))
        if method in self.fail:
            return self.fail[method]
        flaky = next((f for f in self.flaky if f[0] == method), None)
        if flaky is not None:
            self.flaky.remove(flaky)
            if flaky[4]:
                self.route(method, url, body, headers)
            return flaky[1:4]
        return self.route(method, url, body, headers)

    def route(self, method, url, body, headers) -> tuple[int, dict, object]:
        if headers.get("authorization") not in (f"Bearer {self.token}", f"token {self.token}"):
            return 401, {}, {"message": "Bad credentials", "documentation_url": DOCS}
        prefix = f"/repos/{self.repository}/"
        if not url.path.startswith(prefix):
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        route = url.path[len(prefix) :].split("/")
        if route == ["pulls"] and method == "GET":
            query = parse_qs(url.query)
            head, state = query.get("head", [None])[0], query.get("state", ["open"])[0]
            found = [p for p in self.pulls.values() if (head is None or p["head"]["label"] == head) and state in ("all", p["state"])]
            return 200, {}, found
        if route == ["pulls"] and method == "POST":
            return self.create(body or {})
        if len(route) == 2 and route[0] == "pulls" and method == "PATCH":
            pull = self.pulls.get(int(route[1]))
            if pull is None:
                return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
            pull.update({k: v for k, v in (body or {}).items() if k in ("title", "body", "state")})
            return 200, {}, pull
        if len(route) == 3 and route[0] == "issues" and route[2] == "comments" and method == "POST":
            self.comments.append((int(route[1]), body["body"]))
            return (
                201,
                {},
                {"id": len(self.comments), "body": body["body"], "html_url": f"https://github.com/{self.repository}/pull/{route[1]}#c"},
            )
        return 404, {}, {"message": "Not Found", "documentation_url": DOCS}

    def create(self, body: dict) -> tuple[int, dict, dict]:
        missing = [k for k in ("title", "head", "base") if not body.get(k)]
        if missing:
            return 422, {}, _invalid([{"resource": "PullRequest", "field": k, "code": "missing_field"} for k in missing])
        owner = self.repository.split("/")[0]
        if any(p["head"]["ref"] == body["head"] for p in self.open_pulls()):
            message = f"A pull request already exists for {owner}:{body['head']}."
            return 422, {}, _invalid([{"resource": "PullRequest", "code": "custom", "message": message}])
        shas = {}
        for ref in (body["head"], body["base"]):
            listed = _git("ls-remote", str(self.remote), f"refs/heads/{ref}", cwd=self.remote)
            if not listed:
                return 422, {}, _invalid([{"resource": "PullRequest", "field": "head", "code": "invalid"}])
            shas[ref] = listed.split()[0]
        number = len(self.pulls) + 1
        self.pulls[number] = {
            "url": f"{self.url}/repos/{self.repository}/pulls/{number}",
            "id": 1000 + number,
            "number": number,
            "state": "open",
            "title": body["title"],
            "body": body.get("body"),
            "html_url": f"https://github.com/{self.repository}/pull/{number}",
            "draft": False,
            "merged": False,
            "merged_at": None,
            "maintainer_can_modify": body.get("maintainer_can_modify", False),
            "head": {"label": f"{owner}:{body['head']}", "ref": body["head"], "sha": shas[body["head"]]},
            "base": {"label": f"{owner}:{body['base']}", "ref": body["base"], "sha": shas[body["base"]]},
        }
        return 201, {}, self.pulls[number]


    def close(self, number: int, merged: bool = False) -> None:
        """What a person does on GitHub: close the pull request, or merge it."""
        self.pulls[number].update(state="closed", merged=merged, merged_at="2026-12-10T10:00:00Z" if merged else None)


def _invalid(errors: list[dict]) -> dict:
    return {"message": "Validation Failed", "errors": errors, "documentation_url": DOCS}


@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """The seconds the client would have slept between retries (it does not sleep here)."""
    slept: list[float] = []
    monkeypatch.setattr(github_api, "_sleep", slept.append)
    return slept


@pytest.fixture
def github(repo):
    fake = FakeGitHub(repo.remote)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = fake.answer(self.command, self.path, body, headers)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _handle

        def log_message(self, *args):  # keep pytest's output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    repo.env["GITHUB_API_URL"] = fake.url
    yield fake
    server.shutdown()
    server.server_close()


# -- a real remote --------------------------------------------------------------------------------


def _git(*args: str, cwd: Path, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and proc.returncode:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout.strip()


@dataclass
class Repo:
    remote: Path  # bare, as GitHub holds it
    work: Path  # the developer's (or CI's) clone
    env: dict[str, str]

    def git(self, *args: str) -> str:
        return _git(*args, cwd=self.work)

    def commit(self, files: dict[str, str], message: str, push: bool = True) -> None:
        for rel, text in files.items():
            (self.work / rel).write_text(text)
        if files:
            self.git("add", *files)
        self.git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", message)
        if push:
            self.git("push", "-q", "origin", "HEAD")

    def refs(self) -> dict[str, str]:
        """The branches of the remote: what the bot may and may not have pushed."""
        listed = _git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads", cwd=self.remote)
        return dict(line.split() for line in listed.splitlines())

    def bot(self, *args: str):
        result = runner.invoke(bot_app, list(args), env=self.env)
        assert "Traceback" not in result.output, result.output
        return result


@pytest.fixture
def repo(tmp_path, monkeypatch):
    # git must not read this machine's config: no identity (the bot brings its own), no hooks.
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_REF_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a proxy from the environment must not get the calls
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    _git("init", "-q", "--bare", "-b", "main", str(remote), cwd=tmp_path)
    _git("clone", "-q", str(remote), str(work), cwd=tmp_path)
    shutil.copytree(SAMPLES / "terraform", work, dirs_exist_ok=True)  # ECS101 and TF101 to fix
    # The rules these tests are about, so that a rule added to iacfix does not change them.
    (work / ".iacfix.toml").write_text('select = ["ECS101", "TF101", "COG101"]\n')
    _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=work)  # git 2.39 clones an empty repo onto master
    repo = Repo(remote, work, {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPOSITORY})
    repo.git("add", "-A")
    repo.commit({}, "Infrastructure")
    monkeypatch.chdir(work)
    return repo


# -- the pull request's life ---------------------------------------------------------------------


def test_opens_a_pull_request_with_the_fixes_on_its_own_branch(repo, github):
    main = repo.refs()["main"]
    repo.commit({"notes.tf": EXTRA}, "Local work, not pushed", push=False)
    (repo.work / "ecs.tf").write_text((repo.work / "ecs.tf").read_text() + "# uncommitted\n")

    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Opened pull request #1: https://github.com/octo/infra/pull/1" in result.stdout

    assert repo.refs().keys() == {"main", BRANCH} and repo.refs()["main"] == main  # only its own branch
    message = _git("log", "-1", "--format=%an <%ae>%n%B", BRANCH, cwd=repo.remote)
    assert message.startswith("iacfix bot <iacfix-bot@users.noreply.github.com>\niacfix: fix ECS101, TF101\n")
    assert TRAILER in message
    assert _git("rev-parse", f"{BRANCH}^", cwd=repo.remote) == main  # on the remote's main, not the local one
    changed = _git("diff", "--name-only", f"main..{BRANCH}", cwd=repo.remote).split()
    assert changed == ["ecs.tf", "provider.tf"]

    [pull] = github.pulls.values()
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["title"]) == (BRANCH, "main", "iacfix: fix ECS101, TF101 on main")
    assert f"| `ecs.tf` | 55 | [ECS101]({rule_docs.url('ECS101')}) | ECS service `app` has no desired count" in pull["body"]
    assert f"| `provider.tf` | 18 | [TF101]({rule_docs.url('TF101')}) |" in pull["body"]
    assert rule_docs.url("ECS101").endswith("/docs/rules/ECS101.md")
    method, path, _, headers = github.requests[-1]
    assert (method, path) == ("POST", "/repos/octo/infra/pulls")
    assert headers["accept"] == "application/vnd.github+json" and headers["x-github-api-version"] == "2022-11-28"

    # the developer's checkout is as it was: branch, unpushed commit, uncommitted change
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert repo.git("log", "-1", "--format=%s") == "Local work, not pushed"
    assert repo.git("status", "--porcelain") == "M ecs.tf"
    assert repo.git("branch", "--list") == "* main"
    assert len(repo.git("worktree", "list").splitlines()) == 1


def test_a_second_run_changes_nothing(repo, github):
    assert repo.bot().exit_code == 0
    before, calls = repo.refs(), len(github.writes())
    result = repo.bot()
    assert result.exit_code == 0
    assert f"{BRANCH} already holds these fixes." in result.stdout
    assert "Pull request #1 is up to date" in result.stdout
    assert repo.refs() == before and len(github.writes()) == calls and len(github.pulls) == 1


def test_new_findings_on_main_update_the_open_pull_request(repo, github):
    assert repo.bot().exit_code == 0
    old = repo.refs()[BRANCH]
    repo.commit({"worker.tf": EXTRA}, "Add the worker")
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Updated pull request #1" in result.stdout
    assert len(github.pulls) == 1 and github.writes()[-1] == ("PATCH", "/repos/octo/infra/pulls/1")
    assert f"| `worker.tf` | 1 | [ECS101]({rule_docs.url('ECS101')}) |" in github.pulls[1]["body"]
    refs = repo.refs()
    assert refs[BRANCH] != old and _git("rev-parse", f"{BRANCH}^", cwd=repo.remote) == refs["main"]
    assert _git("rev-list", "--count", f"main..{BRANCH}", cwd=repo.remote) == "1"  # one commit, rebuilt


def test_works_in_a_shallow_clone(repo, github, tmp_path, monkeypatch):
    assert repo.bot().exit_code == 0
    repo.commit({"worker.tf": EXTRA}, "Add the worker")
    repo.commit({"NOTES.md": "notes\n"}, "Notes")  # main is now two commits past the bot's base
    shallow = tmp_path / "shallow"  # as actions/checkout makes it (fetch-depth: 1)
    _git("clone", "-q", "--depth", "1", repo.remote.as_uri(), str(shallow), cwd=tmp_path)
    monkeypatch.chdir(shallow)
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Updated pull request #1" in result.stdout
    assert _git("rev-parse", f"{BRANCH}^", cwd=repo.remote) == repo.refs()["main"]


def test_findings_that_need_a_human_and_unreadable_files_are_listed(repo, github):
    repo.commit({"pool.tf": POOL, "broken.tf": 'resource "x" "y" {\n'}, "Add the user pool")
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "  pool.tf:1: COG101 MFA is required but no SMS, TOTP or email MFA is configured" in result.stdout
    assert "  broken.tf:" in result.stdout and "(not read)" in result.stdout
    body = github.pulls[1]["body"]
    assert "**Needs a human** (1)" in body and f"| `pool.tf` | 1 | [COG101]({rule_docs.url('COG101')}) | MFA is required" in body
    assert "**Could not be read** (1); the other files were still repaired:\n\n- `broken.tf:" in body
    assert "pool.tf" not in _git("diff", "--name-only", f"main..{BRANCH}", cwd=repo.remote)


def test_when_the_fixes_are_merged_it_closes_its_stale_pull_request(repo, github):
    assert repo.bot().exit_code == 0
    repo.git("pull", "-q", "--ff-only", "origin", BRANCH)  # a human merges the fixes
    repo.git("push", "-q", "origin", "main")
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Nothing to fix on main" in result.stdout and "Closed pull request #1" in result.stdout
    assert github.pulls[1]["state"] == "closed"
    assert github.comments == [(1, "Nothing is left to fix on `main`: closing. <!-- iacfix-bot -->")]
    assert repo.refs().keys() == {"main"}  # its branch deleted, main untouched


def test_nothing_to_fix_and_no_pull_request(repo, github):
    repo.git("rm", "-q", "ecs.tf", "provider.tf")
    repo.commit({}, "Nothing to fix")
    result = repo.bot()
    assert result.exit_code == 0
    assert result.stdout.startswith("Nothing to fix on main at ")
    assert github.writes() == [] and repo.refs().keys() == {"main"}


def test_dry_run_says_what_it_would_do_and_does_nothing(repo, github):
    result = repo.bot("--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would commit on iacfix/fixes-main and push it to origin." in result.stdout
    assert "Would open a pull request into main:" in result.stdout
    assert "+  desired_count = 3\n" in result.stdout  # the diff
    assert github.writes() == [] and repo.refs().keys() == {"main"}
    assert repo.git("status", "--porcelain") == ""


def _edit_the_bot_branch(repo: Repo, how: str) -> None:
    """What a person does to the bot's branch: GitHub's "Update branch" (a merge of main into
    it, after main moved on), or a commit of their own."""
    repo.git("fetch", "-q", "origin", BRANCH)
    repo.git("checkout", "-q", "-b", "mine", "FETCH_HEAD")
    if how == "merge":
        repo.git("checkout", "-q", "main")
        repo.commit({"worker.tf": EXTRA}, "Add the worker")
        repo.git("checkout", "-q", "mine")
        repo.git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "merge", "-q", "--no-edit", "-m", f"Merge branch 'main' into {BRANCH}", "main")
    else:
        repo.commit({"mine.tf": "locals {}\n"}, "A human's commit", push=False)
    repo.git("push", "-q", "origin", f"HEAD:{BRANCH}")
    repo.git("checkout", "-q", "main")


@pytest.mark.parametrize("how", ["merge", "commit"])
@pytest.mark.parametrize("shallow", [False, True])
def test_an_edited_branch_is_left_alone_without_failing(repo, github, tmp_path, monkeypatch, how, shallow):
    assert repo.bot().exit_code == 0
    _edit_the_bot_branch(repo, how)
    repo.commit({"late.tf": EXTRA.replace("worker", "late")}, "Another service")  # main moves on again
    if shallow:
        _git("clone", "-q", "--depth", "1", repo.remote.as_uri(), str(tmp_path / "shallow"), cwd=tmp_path)
        monkeypatch.chdir(tmp_path / "shallow")
    before = repo.refs()
    human = _git("log", "-1", "--format=%s", BRANCH, cwd=repo.remote)

    result = repo.bot()
    assert result.exit_code == 0, result.output  # CI does not fail for it
    assert f"origin/{BRANCH} has commits iacfix did not make (" in result.stdout and "leaving it as it is" in result.stdout
    assert repo.refs() == before  # nothing pushed: the human's commit is where they put it
    assert _git("log", "-1", "--format=%s", BRANCH, cwd=repo.remote) == human
    body = github.pulls[1]["body"]
    assert body.startswith("> [!WARNING]\n> `iacfix/fixes-main` has a commit iacfix did not make")
    assert "- [ ] <!-- iacfix-bot:rebuild --> Rebuild: tick this box" in body
    assert github.pulls[1]["state"] == "open" and len(github.pulls) == 1

    calls = len(github.writes())
    again = repo.bot()
    assert again.exit_code == 0 and repo.refs() == before
    assert len(github.writes()) == calls  # said once
    assert github.pulls[1]["body"].count("iacfix-bot:edited") == 1
    [(number, comment)] = github.comments
    assert number == 1 and "is not a commit of iacfix's, so iacfix no longer updates `iacfix/fixes-main`" in comment


def test_ticking_the_box_rebuilds_an_edited_branch(repo, github):
    assert repo.bot().exit_code == 0
    _edit_the_bot_branch(repo, "commit")
    assert repo.bot().exit_code == 0
    github.pulls[1]["body"] = github.pulls[1]["body"].replace("- [ ] <!-- iacfix-bot:rebuild -->", "- [x] <!-- iacfix-bot:rebuild -->")
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Pushed iacfix/fixes-main" in result.stdout and "Updated pull request #1" in result.stdout
    assert _git("rev-list", "--count", f"main..{BRANCH}", cwd=repo.remote) == "1"  # the bot's commit alone
    assert TRAILER in _git("log", "-1", "--format=%B", BRANCH, cwd=repo.remote)
    assert "iacfix-bot:edited" not in github.pulls[1]["body"]


def test_an_edited_branch_is_not_deleted_when_nothing_is_left_to_fix(repo, github):
    assert repo.bot().exit_code == 0
    _edit_the_bot_branch(repo, "commit")
    repo.git("rm", "-q", "ecs.tf", "provider.tf")
    repo.commit({}, "Nothing to fix any more")
    before = repo.refs()
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert repo.refs() == before and github.pulls[1]["state"] == "open"


def test_a_pull_request_closed_without_merging_is_respected(repo, github):
    assert repo.bot().exit_code == 0
    github.close(1)  # a person declines the fixes
    calls = len(github.writes())
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Pull request #1 with these fixes was closed without merging: not opening it again" in result.stdout
    assert len(github.pulls) == 1 and len(github.writes()) == calls

    repo.commit({"worker.tf": EXTRA}, "Add the worker")  # a new fix: a new pull request
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Opened pull request #2" in result.stdout and github.pulls[2]["state"] == "open"
    assert "worker.tf" in github.pulls[2]["body"]


def test_a_pull_request_the_bot_closed_does_not_decline_its_fixes(repo, github):
    assert repo.bot().exit_code == 0
    ecs = (repo.work / "ecs.tf").read_text()
    repo.git("rm", "-q", "ecs.tf", "provider.tf")
    repo.commit({}, "Remove the service")
    assert "Closed pull request #1" in repo.bot().stdout
    repo.commit({"ecs.tf": ecs}, "The service again")  # the same finding comes back
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Opened pull request #2" in result.stdout


def test_many_rules_make_a_title_github_accepts(repo, github):
    for flavour in ("cdktf-ts", "cdktf-py"):
        shutil.copytree(SAMPLES / flavour, repo.work / flavour)
    (repo.work / ".iacfix.toml").unlink()  # every default rule
    repo.git("add", "-A")
    repo.commit({}, "The three samples")
    result = repo.bot()
    assert result.exit_code == 0, result.output
    [pull] = github.pulls.values()
    assert len(pull["title"]) <= 256
    assert re.fullmatch(r"iacfix: \d+ fixes \((\w+, ){3}\+\d+ more\) on main", pull["title"]), pull["title"]
    subject = _git("log", "-1", "--format=%s", BRANCH, cwd=repo.remote)
    assert len(subject) <= 72 and subject == pull["title"].removesuffix(" on main")
    calls = len(github.writes())
    again = repo.bot()  # a rerun updates nothing and opens nothing
    assert again.exit_code == 0 and "is up to date" in again.stdout
    assert len(github.pulls) == 1 and len(github.writes()) == calls


def test_titles_stay_bounded_whatever_the_branch_name():
    bot = Bot.__new__(Bot)
    bot.base = "release/" + "x" * 300
    fixes = Fixes([("a.tf", 1, f"R{i:03}", "m") for i in range(40)], [], [], ["a.tf"], "")
    assert len(bot.title(fixes)) == 256 and bot.title(fixes).endswith("…")
    assert bot.title(fixes).startswith("iacfix: 40 fixes (R000, R001, R002, +37 more) on release/")
    few = Fixes([("a.tf", 1, "TF101", "m"), ("b.tf", 1, "ECS101", "m"), ("c.tf", 1, "ECS101", "m")], [], [], [], "")
    bot.base = "main"
    assert bot.title(few) == "iacfix: fix ECS101, TF101 on main"
    assert bot.commit_message(few).startswith("iacfix: fix ECS101, TF101\n\n")


def test_the_check_options_reach_the_bot(repo, github):
    result = repo.bot("--select", "TF101")
    assert result.exit_code == 0, result.output
    assert github.pulls[1]["title"] == "iacfix: fix TF101 on main"
    assert _git("diff", "--name-only", f"main..{BRANCH}", cwd=repo.remote).split() == ["provider.tf"]
    assert repo.bot("--ignore", "TF101,ECS101").stdout.startswith("Nothing to fix on main")
    assert github.pulls[1]["state"] == "closed"


def test_the_bot_reads_the_config_file_named_from_the_base(repo, github):
    repo.commit({"bot.toml": 'select = ["ECS101"]\n'}, "A config of its own")
    (repo.work / "bot.toml").write_text('select = ["TF101"]\n')  # uncommitted: not the base's
    result = repo.bot("--config", "bot.toml")
    assert result.exit_code == 0, result.output
    assert github.pulls[1]["title"] == "iacfix: fix ECS101 on main"


def test_bad_options_are_usage_errors(repo, github):
    result = repo.bot("--select", "NOPE")
    assert result.exit_code == 2 and "no rule code starts with 'NOPE'" in result.output
    assert github.requests == []


def test_unsafe_fixes_are_not_said_to_be_done(repo, github):
    repo.commit({".iacfix.toml": 'select = ["ECS101", "ASG101"]\nconventions = ["pipeline"]\n'}, "Cooldowns too")  # ASG101: a scaffold (of the pipeline convention)
    assert repo.bot().exit_code == 0
    body = github.pulls[1]["body"]
    unapplied = body[body.index("**Unsafe fixes, not applied** (1)") :]
    assert "| `ecs.tf` | 91 | [ASG101]" in unapplied and "the fix adds `scale_in_cooldown = 300`" in unapplied
    assert "added" not in unapplied.split("<sub>")[0]
    assert "ecs.tf" in _git("diff", "--name-only", f"main..{BRANCH}", cwd=repo.remote)
    assert "scale_in_cooldown" not in _git("show", f"{BRANCH}:ecs.tf", cwd=repo.remote)
    assert repo.bot("--unsafe-fixes").exit_code == 0  # asked for: applied, and said to be done
    body = github.pulls[1]["body"]
    assert "Unsafe fixes, not applied" not in body and "the fix adds `scale_in_cooldown = 300`" in body
    assert "scale_in_cooldown" in _git("show", f"{BRANCH}:ecs.tf", cwd=repo.remote)


def test_refuses_to_repair_its_own_branch(repo, github):
    result = repo.bot("--base", BRANCH)
    assert result.exit_code == 2
    assert result.stderr == f"iacfix bot: {BRANCH} is the bot's own branch; repair the branch it was made from (--base)\n"


# -- errors: one line, a non-zero exit, never the token -------------------------------------------


def _one_line_without_token(result) -> str:
    assert result.exit_code == 2, result.output
    assert TOKEN not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("iacfix bot: "), result.stderr
    return lines[0]


def test_bad_credentials(repo, github):
    repo.env["GITHUB_TOKEN"] = TOKEN + "-revoked"
    line = _one_line_without_token(repo.bot())
    assert line == (
        "iacfix bot: GitHub API: 401 on GET /repos/octo/infra/pulls: Bad credentials "
        "(the token in GITHUB_TOKEN is missing, expired or wrong)"
    )
    assert repo.refs().keys() == {"main"}  # it stopped before pushing anything


def test_a_failing_push_does_not_show_the_token(repo, github):
    hook = repo.remote / "hooks" / "pre-receive"  # a server that echoes the credentials it got
    hook.write_text(f'#!/bin/sh\necho "denied: {TOKEN} may not push to https://bot:{TOKEN}@example.com/x.git" >&2\nexit 1\n')
    hook.chmod(0o755)
    line = _one_line_without_token(repo.bot())
    assert line.startswith(f"iacfix bot: cannot push {BRANCH} to origin: ")
    assert "denied: *** may not push to https://***@example.com/x.git" in line
    assert github.writes() == []


def test_missing_token(repo, github):
    del repo.env["GITHUB_TOKEN"]
    line = _one_line_without_token(repo.bot())
    assert "GITHUB_TOKEN is not set" in line


def test_unknown_repository(repo, github):
    repo.env["GITHUB_REPOSITORY"] = "octo/nope"
    line = _one_line_without_token(repo.bot())
    assert line.startswith("iacfix bot: GitHub API: 404 on GET /repos/octo/nope/pulls: Not Found (no such repository")


def test_forbidden(repo, github):
    body = {"message": "Resource not accessible by integration", "documentation_url": DOCS}
    github.fail["POST"] = (403, {"x-ratelimit-remaining": "4999"}, body)
    result = repo.bot()
    line = _one_line_without_token(result)
    assert line == (
        "iacfix bot: GitHub API: 403 on POST /repos/octo/infra/pulls: Resource not accessible by integration "
        "(the token lacks a permission: it needs contents: write and pull-requests: write)"
    )
    assert repo.refs().keys() == {"main"}  # the branch pushed for it is gone again: no orphan
    assert f"Deleted {BRANCH} again: GitHub refused the pull request." in result.stdout


def test_validation_failed(repo, github):
    body = _invalid([{"resource": "PullRequest", "code": "custom", "message": "No commits between main and iacfix/fixes-main"}])
    github.fail["POST"] = (422, {}, body)
    line = _one_line_without_token(repo.bot())
    assert line == (
        "iacfix bot: GitHub API: 422 on POST /repos/octo/infra/pulls: Validation Failed; "
        "No commits between main and iacfix/fixes-main (GitHub refused the request as invalid)"
    )
    assert repo.refs().keys() == {"main"}


def test_a_refused_pull_request_puts_an_existing_branch_back(repo, github):
    assert repo.bot().exit_code == 0
    github.close(1)
    old = repo.refs()[BRANCH]
    repo.commit({"worker.tf": EXTRA}, "Add the worker")
    github.fail["POST"] = (422, {}, _invalid([{"resource": "PullRequest", "code": "custom", "message": "nope"}]))
    _one_line_without_token(repo.bot())
    assert repo.refs()[BRANCH] == old


@pytest.mark.parametrize(
    "status,headers,expected,slept",
    [
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "reset"}, "retry after ", []),  # an hour away: not waited for
        (429, {"retry-after": "60"}, "retry in 60 s (tried 3 times)", [60, 60]),  # MAX_WAIT: 120 s in all
    ],
)
def test_rate_limit_says_when_to_retry(repo, github, waits, status, headers, expected, slept):
    headers = {k: str(int(time.time()) + 600) if v == "reset" else v for k, v in headers.items()}
    github.fail["GET"] = (status, headers, {"message": "API rate limit exceeded for installation ID 1.", "documentation_url": DOCS})
    line = _one_line_without_token(repo.bot())
    assert line.startswith(f"iacfix bot: GitHub API rate limit hit ({status} on GET /repos/octo/infra/pulls): {expected}")
    assert waits == slept


def test_server_errors_and_secondary_rate_limits_are_retried(repo, github, waits):
    secondary = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": DOCS}
    github.flaky += [
        ("GET", 502, {}, {"message": "Server Error"}, False),
        ("GET", 503, {}, {"message": "Service Unavailable"}, False),
        ("POST", 403, {"retry-after": "7"}, secondary, False),
        ("POST", 403, {}, secondary, False),
    ]
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert "Opened pull request #1" in result.stdout and len(github.pulls) == 1
    assert waits == [1, 2, 7, 60]  # backoff after a 5xx; retry-after, else a minute, after a secondary limit


def test_a_create_that_succeeded_behind_a_502_is_not_doubled(repo, github, waits):
    github.flaky.append(("POST", 502, {}, {"message": "Server Error"}, True))  # GitHub made it; the answer got lost
    result = repo.bot()
    assert result.exit_code == 0, result.output
    assert len(github.pulls) == 1 and github.pulls[1]["state"] == "open"
    assert repo.refs().keys() == {"main", BRANCH}


def test_server_errors_give_up_after_a_few_tries(repo, github, waits):
    github.fail["GET"] = (502, {}, {"message": "Server Error"})
    line = _one_line_without_token(repo.bot())
    assert line == "iacfix bot: GitHub API: 502 on GET /repos/octo/infra/pulls: Server Error (tried 4 times)"
    assert waits == [1, 2, 4]


def test_cannot_reach_the_api(repo, github):
    repo.env["GITHUB_API_URL"] = "http://127.0.0.1:1"  # nothing listens there
    line = _one_line_without_token(repo.bot())
    assert line.startswith("iacfix bot: GitHub API: cannot reach http://127.0.0.1:1 (GET /repos/octo/infra/pulls): ")


def test_not_a_git_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = runner.invoke(bot_app, [], env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert result.stderr.startswith("iacfix bot: cannot find the git checkout: fatal: not a git repository")


# -- pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://github.com/octo/infra.git", "octo/infra"),
        ("https://github.com/octo/infra", "octo/infra"),
        ("https://x-access-token:abc@github.com/octo/infra.git", "octo/infra"),
        ("git@github.com:octo/infra.git", "octo/infra"),
        ("ssh://git@ghe.example.com:2222/octo/infra.git", "octo/infra"),
        ("https://ghe.example.com/octo/infra/", "octo/infra"),
        ("/srv/git/infra.git", None),
        ("file:///srv/git/octo/infra.git", None),
        ("../infra", None),
    ],
)
def test_repository_from_remote_url(url, expected):
    assert repository_from_url(url) == expected


@pytest.mark.parametrize(
    "url,api",
    [
        ("https://github.com/octo/infra.git", "https://api.github.com"),
        ("git@github.com:octo/infra.git", "https://api.github.com"),
        ("https://x-access-token:abc@ghe.example.com/octo/infra.git", "https://ghe.example.com/api/v3"),
        ("git@ghe.example.com:octo/infra.git", "https://ghe.example.com/api/v3"),
        ("ssh://git@GHE.example.com:2222/octo/infra.git", "https://ghe.example.com/api/v3"),
        ("http://ghe.internal/octo/infra", "http://ghe.internal/api/v3"),
        ("https://octocorp.ghe.com/octo/infra.git", "https://api.octocorp.ghe.com"),
        ("/srv/git/infra.git", "https://api.github.com"),
    ],
)
def test_api_root_from_the_remote(url, api):
    assert api_url_for_remote(url) == api


def test_a_github_enterprise_remote_never_sends_the_token_to_github_com(repo, monkeypatch):
    repo.git("remote", "set-url", "origin", "https://ghe.example.com/octo/infra.git")
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    bot = Bot(repo.work, [Path(".")], "main", "origin", False, TOKEN)
    assert bot._github().api_url == "https://ghe.example.com/api/v3"
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3/")  # Actions sets it: it wins
    assert bot._github().api_url == "https://ghe.example.com/api/v3"


def test_redact():
    assert redact("token abc in https://user:abc@host/x and https://u@h/y", "abc") == "token *** in https://***@host/x and https://***@h/y"


def test_iacfix_bot_is_a_subcommand():
    proc = subprocess.run([sys.executable, "-m", "iacfix", "bot", "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: iacfix bot [OPTIONS] [PATHS]...")
