"""`iacfix bot`: the fix pull request. Repairs the base branch and keeps one pull request open with
the repairs, on a branch of its own.

Run inside a git checkout (CI or a developer's machine):

1. fetch the base branch from the remote and check it out in a temporary worktree, so the user's
   working tree, index and branches are never touched, and unpushed local work never leaks in;
2. run the fixes there and commit them (the message lists the rule codes);
3. push that commit to `iacfix/fixes-<base>` (the only ref the bot ever pushes; it is force-pushed
   with a lease, and only when every commit on it is the bot's own);
4. open a pull request, or update the one already open for that branch; when nothing is left to
   fix, close the open one and delete the branch.

As Renovate does: a branch someone else committed to (GitHub's "Update branch", a fix of their
own) is left alone, and the pull request says so once, with a box to tick for a rebuild; a pull
request closed without merging is not opened again for the same fixes (new fixes open a new one).

git is driven with subprocess and GitHub with urllib (github_api.py): the git the checkout already
has knows the remote's credentials, and neither needs a dependency every iacfix user would install.
The token (GITHUB_TOKEN) is only ever sent to the API, never to git, and every line printed goes
through `redact`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer

from iacfix import cli_options
from iacfix.github_api import GitHub, GitHubError, PullRequest, api_url_for_remote, redact

EXIT_OK, EXIT_ERROR = 0, 2
BRANCH_PREFIX = "iacfix/fixes-"
TRAILER = "Generated-by: iacfix bot"  # marks the bot's commits: it overwrites no others
BOT_NAME, BOT_EMAIL = "iacfix bot", "iacfix-bot@users.noreply.github.com"  # when git has no identity
MAX_BODY = 60_000  # GitHub refuses a pull request body over 65,536 characters
MAX_TITLE = 256  # GitHub refuses a longer pull request title (422)
MAX_SUBJECT = 72  # a commit subject git log --oneline and GitHub show whole
TITLE_CODES = 3  # rule codes named in a title; the others are counted ("+5 more")
MARKER = "<!-- iacfix-bot -->"
# The fixes a pull request holds, one key per fix, in its body: a pull request closed without
# merging declines them (KEYS_LIMIT keys at most; a bigger set is known by its digest alone).
FIXES_MARKER = re.compile(r"<!-- iacfix-bot fixes: (?P<digest>[0-9a-f]+)(?P<keys>(?: [0-9a-f]+)*) -->")
KEYS_LIMIT = 2000
# Said once in a pull request whose branch someone else committed to; ticking the box asks the
# next run to rebuild the branch from the base, dropping those commits.
EDITED_MARKER = "<!-- iacfix-bot:edited -->"
REBUILD_BOX = "<!-- iacfix-bot:rebuild -->"
REBUILD_TICKED = re.compile(r"^\s*[-*] \[[xX]\] " + re.escape(REBUILD_BOX), re.MULTILINE)

bot_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


class BotError(Exception):
    """Something the user must fix (not a git checkout, a push refused...): one line, exit 2."""


@bot_app.command(context_settings={"help_option_names": ["-h", "--help"]})
def bot_command(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Files or folders to repair (default: the whole checkout).", show_default=False),
    ] = None,
    base: Annotated[
        Optional[str], typer.Option("--base", help="The branch to repair (default: the current branch).", metavar="BRANCH")
    ] = None,
    remote: Annotated[str, typer.Option("--remote", help="The git remote to fetch from and push to.", metavar="NAME")] = "origin",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be pushed and opened; change nothing.")] = False,
    select: cli_options.Select = None,
    extend_select: cli_options.ExtendSelect = None,
    ignore: cli_options.Ignore = None,
    terraform_version: cli_options.TerraformVersion = None,
    unsafe_fixes: cli_options.UnsafeFixes = None,
    config: cli_options.ConfigFile = None,
    no_cache: cli_options.NoCache = False,
    conventions: cli_options.Conventions = None,
    jobs: cli_options.Jobs = None,
) -> None:
    """Open (or update) a pull request with iacfix's fixes for a branch, on iacfix/fixes-BRANCH.

    Takes the check's options that decide what is fixed (--select, --ignore, --terraform-version,
    --config...). Needs GITHUB_TOKEN (contents: write, pull-requests: write); GITHUB_API_URL
    (else derived from the remote's host: GitHub Enterprise gets its own API, never github.com);
    GITHUB_REPOSITORY (owner/name), else taken from the remote's URL.
    """
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    options = cli_options.engine_options(
        select, extend_select, ignore, terraform_version, unsafe_fixes, config, no_cache, conventions
    )
    try:
        Bot(Path.cwd(), paths or [Path(".")], base, remote, dry_run, token, options, jobs).run()
    except (BotError, GitHubError) as exc:
        _err(f"iacfix bot: {redact(str(exc), token)}")
        raise typer.Exit(EXIT_ERROR) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug: still one line, and still without the token
        if os.environ.get("IACFIX_DEBUG"):
            raise
        said = redact(str(exc), token)
        _err(f"iacfix bot: internal error: {type(exc).__name__}: {said} (set IACFIX_DEBUG=1 for the traceback; please report)")
        raise typer.Exit(EXIT_ERROR) from None


@dataclass
class Fixes:
    """What the fixes did to the base tree."""

    fixed: list[tuple[str, int, str, str]]  # (file, line, code, message) of each applied fix
    human: list[tuple[str, int, str, str]]  # the findings left for a human (no fix)
    errors: list[str]  # `file:line: message` of files that could not be read or parsed
    files: list[str]  # the files the fixes change
    diff: str
    unapplied: list[tuple[str, int, str, str]] = field(default_factory=list)  # unsafe fixes, not applied

    @property
    def codes(self) -> list[str]:
        """The codes of the fixes, the most frequent first."""
        counts = Counter(code for _, _, code, _ in self.fixed)
        return sorted(counts, key=lambda code: (-counts[code], code))

    def summary(self) -> str:
        """`fix ECS101, TF101` for a few codes; `14 fixes (TF001, PRV101, PRV103, +5 more)`, the
        most frequent first, for more: a title of any number of rules stays short."""
        codes = self.codes
        if len(codes) <= TITLE_CODES:
            return f"fix {', '.join(sorted(codes))}"
        return f"{_count(self.fixed, 'fix', 'fixes')} ({', '.join(codes[:TITLE_CODES])}, +{len(codes) - TITLE_CODES} more)"

    def keys(self) -> set[str]:
        """One key per fix, independent of its line (a commit above it moves it)."""
        return {hashlib.sha1(f"{file}\0{code}\0{message}".encode()).hexdigest()[:10] for file, _, code, message in self.fixed}

    def marker(self) -> str:
        keys = sorted(self.keys())
        digest = hashlib.sha1(" ".join(keys).encode()).hexdigest()[:16]
        return f"<!-- iacfix-bot fixes: {digest}{''.join(' ' + k for k in keys) if len(keys) <= KEYS_LIMIT else ''} -->"


@dataclass
class BotBranch:
    """The bot's branch on the remote: its commit, and the first commit on it the bot did not
    make (None: every commit past the base is the bot's)."""

    sha: str
    foreign: str | None


class Bot:
    def __init__(
        self,
        cwd: Path,
        paths: list[Path],
        base: str | None,
        remote: str,
        dry_run: bool,
        token: str,
        options=None,  # engine.Options: the selection, Terraform version and config the check used
        jobs: int | None = None,
    ):
        self.cwd, self.paths, self.remote, self.dry_run, self.token = cwd, paths, remote, dry_run, token
        self.options, self.jobs = options, jobs
        self.top = cwd  # until git says where the checkout's top is
        self.top = Path(self.git("rev-parse", "--show-toplevel", what="find the git checkout")).resolve()
        self.base = base or self._current_branch()
        if self.base.startswith(BRANCH_PREFIX):
            raise BotError(f"{self.base} is the bot's own branch; repair the branch it was made from (--base)")
        self.branch = BRANCH_PREFIX + self.base

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> None:
        github = self._github()
        pull = github.open_pull(self.branch) if github else None  # first: a bad token fails fast
        base_sha = self._fetch(self.base, required=True)
        branch = self._bot_branch(base_sha)
        rebuild = branch is not None and branch.foreign is not None and pull is not None and bool(REBUILD_TICKED.search(pull.body))
        edited = branch is not None and branch.foreign is not None and not rebuild
        old_sha = branch.sha if branch else None
        with self._worktree(base_sha) as tree:
            fixes = self._fix(tree)
            commit = self._commit(tree, base_sha, fixes) if fixes.fixed and not self.dry_run and not edited else None
        self._report(fixes, base_sha)
        if edited:
            self._leave_edited(github, pull, branch)
            return
        if not fixes.fixed:
            self._close(github, pull, old_sha)
            return
        title, body = self.title(fixes), self.body(fixes, base_sha)
        declined = self._declined(github, fixes) if pull is None and github is not None else None
        if declined is not None:
            self._say(
                f"Pull request #{declined.number} with these fixes was closed without merging: not opening it again "
                f"({declined.url}). New fixes will open a new pull request."
            )
            return
        if self.dry_run:
            self._say(f"Would commit on {self.branch} and push it to {self.remote}.")
            if pull:
                self._say(f"Would update pull request #{pull.number}: {pull.url}")
            else:
                unknown = "" if github else " (or update the open one; no GITHUB_TOKEN to look)"
                self._say(f"Would open a pull request into {self.base}{unknown}:")
            self._say(f"\n{title}\n\n{body}\n")
            sys.stdout.write(fixes.diff)
            return
        pushed = False
        if old_sha and self._same_change(old_sha, commit, base_sha):
            self._say(f"{self.branch} already holds these fixes.")
        else:
            self._push(f"{commit}:refs/heads/{self.branch}", old_sha)
            self._say(f"Pushed {self.branch} to {self.remote}.")
            pushed = True
        if pull is None:
            pull = self._open(github, title, body, commit if pushed else None, old_sha)
            self._say(f"Opened pull request #{pull.number}: {pull.url}")
        elif (pull.title, pull.body) != (title, body):
            pull = github.update_pull(pull.number, title=title, body=body)
            self._say(f"Updated pull request #{pull.number}: {pull.url}")
        else:
            self._say(f"Pull request #{pull.number} is up to date: {pull.url}")

    def _open(self, github: GitHub, title: str, body: str, pushed: str | None, old_sha: str | None) -> PullRequest:
        """Open the pull request for the branch just pushed. If GitHub refuses it, the push is
        undone (the branch deleted, or put back where it was), so no branch is left without
        its pull request; one opened meanwhile by another run is updated instead."""
        try:
            return github.create_pull(self.branch, self.base, title, body)
        except GitHubError as exc:
            if exc.status == 422 and "already exists" in str(exc):
                pull = github.open_pull(self.branch)
                if pull is not None:
                    return github.update_pull(pull.number, title=title, body=body)
            if pushed is not None:
                if old_sha:
                    self._push(f"{old_sha}:refs/heads/{self.branch}", pushed)
                    self._say(f"Put {self.branch} back where it was: GitHub refused the pull request.")
                else:
                    self._push(f":refs/heads/{self.branch}", pushed)
                    self._say(f"Deleted {self.branch} again: GitHub refused the pull request.")
            raise

    def _leave_edited(self, github: GitHub | None, pull: PullRequest | None, branch: BotBranch) -> None:
        """Someone else committed to the bot's branch: never overwrite (nor delete) their work,
        and do not fail the job for it; say so once in the pull request, as Renovate does."""
        self._say(
            f"{self.remote}/{self.branch} has commits iacfix did not make ({branch.foreign!r}): leaving it as it is. "
            + ("Tick the box in the pull request to have iacfix rebuild it." if pull else "Delete the branch to have iacfix start over.")
        )
        if pull is None or EDITED_MARKER in pull.body:
            return
        if self.dry_run:
            self._say(f"Would say so in pull request #{pull.number}: {pull.url}")
            return
        # the box in the body, where it stays; the comment so that the people watching hear of it
        github.update_pull(pull.number, body=self.edited_notice(branch) + "\n\n" + pull.body)
        github.comment(
            pull.number,
            f"`{_cell(branch.foreign or '')}` is not a commit of iacfix's, so iacfix no longer updates `{self.branch}`. "
            "Merge or close this pull request as it is, or tick the Rebuild box in its description to have iacfix "
            f"rebuild the branch (dropping that commit). {MARKER}",
        )
        self._say(f"Said so in pull request #{pull.number}: {pull.url}")

    def edited_notice(self, branch: BotBranch) -> str:
        return (
            f"> [!WARNING]\n> `{self.branch}` has a commit iacfix did not make (`{_cell(branch.foreign or '')}`), so iacfix "
            f"no longer updates this pull request: it would lose that work. {EDITED_MARKER}\n\n"
            f"- [ ] {REBUILD_BOX} Rebuild: tick this box to have iacfix's next run rebuild the branch from `{self.base}` "
            "with its current fixes (the commits it did not make are dropped)."
        )

    def _declined(self, github: GitHub, fixes: Fixes) -> PullRequest | None:
        """A pull request of the bot's closed without merging that held every one of these fixes."""
        keys = fixes.keys()
        digest = FIXES_MARKER.search(fixes.marker())["digest"]
        for pull in github.pulls(self.branch, "closed"):
            found = FIXES_MARKER.search(pull.body) if not pull.merged and MARKER in pull.body else None
            if found and (found["digest"] == digest or keys <= set(found["keys"].split())):
                return pull
        return None

    def _report(self, fixes: Fixes, base_sha: str) -> None:
        state = f"{self.base} at {base_sha[:7]}"
        if fixes.fixed:
            self._say(f"{state}: {_count(fixes.fixed, 'fix', 'fixes')} in {_count(fixes.files, 'file')} ({', '.join(fixes.codes)}).")
        else:
            self._say(f"Nothing to fix on {state}" + (f"; {_count(fixes.human, 'finding')} need a human:" if fixes.human else "."))
        for file, line, code, message in fixes.human:
            self._say(f"  {file}:{line}: {code} {message} (needs a human)")
        for file, line, code, message in fixes.unapplied:
            self._say(f"  {file}:{line}: {code} {message} (an unsafe fix: applied with --unsafe-fixes)")
        for error in fixes.errors:
            self._say(f"  {error} (not read)")

    def _close(self, github: GitHub | None, pull: PullRequest | None, old_sha: str | None) -> None:
        """Nothing is left to fix: the open pull request is stale."""
        if pull is None:
            if self.dry_run and github is None:
                self._say(f"Would close the open pull request from {self.branch}, if any (no GITHUB_TOKEN to look).")
            return
        if self.dry_run:
            self._say(f"Would close pull request #{pull.number} ({pull.url}) and delete {self.branch}.")
            return
        github.comment(pull.number, f"Nothing is left to fix on `{self.base}`: closing. {MARKER}")
        # without its fixes' keys: the bot closed it, nobody declined them
        github.update_pull(pull.number, state="closed", body=FIXES_MARKER.sub("", pull.body))
        self._say(f"Closed pull request #{pull.number}: {pull.url}")
        if old_sha:
            self._push(f":refs/heads/{self.branch}", old_sha)
            self._say(f"Deleted {self.branch} from {self.remote}.")

    # -- git ------------------------------------------------------------------------------------

    def git(self, *args: str, cwd: Path | None = None, what: str | None = None, check: bool = True) -> str:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # CI has no one to type a password
        proc = subprocess.run(["git", *args], cwd=cwd or self.top, capture_output=True, text=True, env=env, check=False)
        if proc.returncode and check:
            raise BotError(f"cannot {what or 'run git ' + args[0]}: {_git_said(proc)}")
        return proc.stdout.strip()

    def _current_branch(self) -> str:
        branch = self.git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if not branch and os.environ.get("GITHUB_REF_TYPE", "branch") == "branch":
            branch = os.environ.get("GITHUB_REF_NAME", "")  # a detached checkout in GitHub Actions
        if not branch:
            raise BotError("HEAD is detached: name the branch to repair with --base")
        return branch

    def _fetch(self, branch: str, required: bool = False, *options: str) -> str | None:
        """The commit `branch` has on the remote (fetched), or None when the remote lacks it."""
        listed = self.git("ls-remote", "--heads", self.remote, f"refs/heads/{branch}", what=f"reach the remote {self.remote}")
        sha = next((line.split()[0] for line in listed.splitlines() if line.endswith(f"\trefs/heads/{branch}")), None)
        if sha is None:
            if required:
                raise BotError(f"{self.remote} has no branch {branch}: push it first, or name another with --base")
            return None
        ref = f"refs/heads/{branch}"
        self.git("fetch", "--quiet", "--no-tags", *options, self.remote, ref, what=f"fetch {branch} from {self.remote}")
        return sha

    def _bot_branch(self, base_sha: str) -> BotBranch | None:
        """The bot branch on the remote (None: it has none), with the first commit on it past
        the base that the bot did not make."""
        # A shallow clone (actions/checkout's default) would fetch the branch's whole history, and
        # would not see that its base is an ancestor of the new base: fetch the branch two deep and
        # the base back to the date of the branch's base, so that base..branch is the bot's commit.
        shallow = self.git("rev-parse", "--is-shallow-repository") == "true"
        sha = self._fetch(self.branch, False, *(["--depth=2"] if shallow else []))
        if sha is None:
            return None
        if shallow and self.git("rev-parse", "--verify", "--quiet", f"{sha}^", check=False):
            since = int(self.git("log", "-1", "--format=%ct", f"{sha}^")) - 1  # --shallow-since keeps later commits
            self._fetch(self.base, False, f"--shallow-since={time.strftime('%Y-%m-%d %H:%M:%S +0000', time.gmtime(since))}")
        foreign = self.git("log", "--format=%h %s", "--invert-grep", f"--grep=^{TRAILER}$", f"{base_sha}..{sha}")
        return BotBranch(sha, foreign.splitlines()[-1] if foreign else None)  # the oldest: where the edits start

    def _same_change(self, old_sha: str, new_sha: str, base_sha: str) -> bool:
        """The bot branch already holds exactly these fixes on exactly this base."""
        parent = self.git("rev-parse", f"{old_sha}^", check=False)
        return parent == base_sha and self.git("rev-parse", f"{old_sha}^{{tree}}") == self.git("rev-parse", f"{new_sha}^{{tree}}")

    def _push(self, refspec: str, expected: str | None) -> None:
        # The lease: the push goes through only if the branch is still where we saw it (or still
        # absent), so a commit pushed in the meantime is never lost.
        lease = f"--force-with-lease=refs/heads/{self.branch}:{expected or ''}"
        self.git("push", "--quiet", "--no-verify", lease, self.remote, refspec, what=f"push {self.branch} to {self.remote}")

    @contextmanager
    def _worktree(self, sha: str) -> Iterator[Path]:
        folder = Path(tempfile.mkdtemp(prefix="iacfix-bot-"))
        tree = folder / "tree"
        self.git("worktree", "add", "--quiet", "--detach", str(tree), sha, what="check out the base branch")
        try:
            yield tree
        finally:
            self.git("worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(folder, ignore_errors=True)
            self.git("worktree", "prune", check=False)

    def _commit(self, tree: Path, base_sha: str, fixes: Fixes) -> str:
        self.git("add", "--", *fixes.files, cwd=tree, what="stage the fixes")
        identity = []
        if not self.git("config", "user.email", check=False) and not os.environ.get("GIT_AUTHOR_EMAIL"):
            identity = ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]
        message = self.commit_message(fixes)
        self.git(*identity, "commit", "--quiet", "--no-verify", "-m", message, cwd=tree, what="commit the fixes")
        return self.git("rev-parse", "HEAD", cwd=tree)

    # -- the fixes ------------------------------------------------------------------------------

    def _fix(self, tree: Path) -> Fixes:
        from iacfix import engine, writes
        from iacfix.output import Outcome

        targets = [self._in_tree(tree, given) for given in self.paths]
        options = self.options or engine.Options()
        if options.config is not None:  # the base's copy of a config file in the checkout
            options = dataclasses.replace(options, config=self._in_tree(tree, options.config))
        result = engine.run(targets, options, tree, jobs=self.jobs)
        applied = writes.apply(result, write=not self.dry_run)
        changes = applied.changes
        result.errors += applied.errors
        human = [f for f in result.findings if not f.fixable]
        outcome = Outcome(result, changes, human + applied.unwritten, "write", tree)  # a fix not written is no fix

        def row(f) -> tuple[str, int, str, str]:
            shown, line, _ = outcome.locate(f.path, f.line, f.col)
            return shown, line, f.code, outcome.message(f)

        errors = []
        for error in result.errors:
            if error.severity == "error":  # a note (an unnamed markdown block, say) is no failure
                shown, line, _ = outcome.locate(error.path, error.line)
                errors.append(f"{shown}:{line}: {error.message}")
        unapplied = [f for f in human if f.preview]
        return Fixes(
            fixed=[row(f) for f in outcome.ordered(outcome.fixed())],
            human=[row(f) for f in outcome.ordered([f for f in human if not f.preview])],
            errors=errors,
            files=[s.display for s, _ in changes],
            diff=Outcome(result, changes, human, "dry-run", tree).diff(),
            unapplied=[row(f) for f in outcome.ordered(unapplied)],
        )

    def _in_tree(self, tree: Path, given: Path) -> Path:
        """Where a path of the checkout is in the base's worktree."""
        path = (self.cwd / given).resolve()
        try:
            return tree / path.relative_to(self.top)
        except ValueError:
            raise BotError(f"{given} is outside the git checkout {self.top}") from None

    def title(self, fixes: Fixes) -> str:
        return _bounded(f"iacfix: {fixes.summary()} on {self.base}", MAX_TITLE)

    def commit_message(self, fixes: Fixes) -> str:
        lines = [f"{code} {file}:{line} {message}" for file, line, code, message in fixes.fixed]
        return _bounded(f"iacfix: {fixes.summary()}", MAX_SUBJECT) + "\n\n" + "\n".join(lines) + f"\n\n{TRAILER}\n"

    def body(self, fixes: Fixes, base_sha: str) -> str:
        out = [
            fixes.marker(),
            f"iacfix repaired {_count(fixes.fixed, 'finding')} in {_count(fixes.files, 'file')} of `{self.base}` ({base_sha[:7]}).",
            "",
            *_table(("file", "line", "code", "what changed"), fixes.fixed),
        ]
        if fixes.unapplied:
            out += [
                "",
                f"**Unsafe fixes, not applied** ({len(fixes.unapplied)}): they add infrastructure, so they are left out unless "
                "the bot runs with `--unsafe-fixes` (or `unsafe-fixes = true` in the config).",
                "",
            ]
            out += _table(("file", "line", "code", "what it would do"), fixes.unapplied)
        if fixes.human:
            out += ["", f"**Needs a human** ({len(fixes.human)}): iacfix found these but has no fix for them.", ""]
            out += _table(("file", "line", "code", "finding"), fixes.human)
        if fixes.errors:
            out += ["", f"**Could not be read** ({len(fixes.errors)}); the other files were still repaired:", ""]
            out += [f"- `{e}`" for e in fixes.errors]
        out += [
            "",
            (
                "<sub>Made by `iacfix bot`: it updates this pull request on its next run, and closes it when nothing "
                f"is left to fix. If you commit to `{self.branch}`, it stops updating the branch (your commit is kept). "
                f"Closed without merging, these fixes are not proposed again.</sub> {MARKER}"
            ),
        ]
        text = "\n".join(out)
        if len(text) > MAX_BODY:
            text = text[:MAX_BODY].rsplit("\n", 1)[0] + "\n\n… (cut: run `iacfix --check` for every finding)"
        return text

    # -- GitHub ---------------------------------------------------------------------------------

    def _github(self) -> GitHub | None:
        if not self.token:
            if self.dry_run:
                return None
            raise BotError("GITHUB_TOKEN is not set: it needs contents: write and pull-requests: write")
        repository = os.environ.get("GITHUB_REPOSITORY", "").strip()
        if not repository:
            url = self.git("remote", "get-url", self.remote, what=f"read the URL of the remote {self.remote}")
            repository = repository_from_url(url) or ""
            if not repository:
                raise BotError(f"cannot tell the GitHub repository from {self.remote}'s URL: set GITHUB_REPOSITORY=owner/name")
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
            raise BotError(f"GITHUB_REPOSITORY must be owner/name, not {repository!r}")
        return GitHub(repository, self.token, self._api_url())

    def _api_url(self) -> str:
        """GITHUB_API_URL (set in Actions), else the API of the host the remote is on: the token
        of a GitHub Enterprise remote must never be sent to github.com."""
        configured = os.environ.get("GITHUB_API_URL", "").strip()
        if configured:
            return configured
        url = self.git("remote", "get-url", self.remote, what=f"read the URL of the remote {self.remote}")
        return api_url_for_remote(url)

    def _say(self, line: str) -> None:
        print(redact(line, self.token), flush=True)


def repository_from_url(url: str) -> str | None:
    """owner/name from a git remote URL: https://host/owner/name(.git), git@host:owner/name.git,
    ssh://git@host[:port]/owner/name.git. None for a local path or anything else."""
    url = url.strip()
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git"):
            return None
        path = parts.path
    else:
        scp = re.fullmatch(r"(?:[^@/]+@)?[^/:]+:(?P<path>[^/].*)", url)  # host:owner/name, scp style
        if scp is None:
            return None
        path = scp["path"]
    segments = [s for s in path.strip("/").removesuffix(".git").split("/") if s]
    return "/".join(segments[-2:]) if len(segments) >= 2 else None


def _git_said(proc: subprocess.CompletedProcess) -> str:
    """What a failed git command said, in one line: the remote's words and git's errors, without
    the progress, the `To <url>` lines and the hints."""
    lines = [line.strip() for line in proc.stderr.splitlines()]
    said = [line for line in lines if line.startswith(("remote:", "error:", "fatal:", "!"))] or [line for line in lines if line]
    said = [line for line in said if line != "remote:"]
    return "; ".join(said[-6:]) or f"git exited {proc.returncode}"


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    """A markdown table of (file, line, code, message) rows; each code links to its rule's page."""
    from iacfix import rule_docs

    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *(
            f"| `{_cell(file)}` | {line} | [{code}]({rule_docs.url(code)}) | {_cell(message)} |"
            for file, line, code, message in rows
        ),
    ]


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(items, one: str, many: str | None = None) -> str:
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"


def _err(line: str) -> None:
    print(line, file=sys.stderr)
