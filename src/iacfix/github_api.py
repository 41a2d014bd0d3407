"""The few GitHub REST API calls the fix-PR bot makes: list, open, update and close pull requests.

urllib, not requests or a GitHub SDK: four JSON calls do not justify a dependency that every
user of iacfix would install (and the bot is one subcommand of a linter).

Every message this module produces goes through `redact`, so the token cannot reach the output,
a log or an exception, whatever the server answers.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from dataclasses import dataclass

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"  # the X-GitHub-Api-Version whose request and response shapes we use
TIMEOUT = 30  # seconds per request: a CI job must not hang on a stalled connection

# Credentials inside a URL (https://user:token@host/...), as git remotes often carry them in CI.
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


class GitHubError(Exception):
    """An API call that failed: the message is one line, redacted, ready to print."""


def redact(text: str, *secrets: str | None) -> str:
    """`text` with every secret and every credential in a URL replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _URL_CREDENTIALS.sub("***@", text)


@dataclass
class PullRequest:
    number: int
    url: str  # html_url: what a person opens
    title: str
    body: str
    head: str  # the head branch's name
    base: str

    @classmethod
    def from_api(cls, data: dict) -> PullRequest:
        return cls(
            number=data["number"],
            url=data.get("html_url", ""),
            title=data.get("title") or "",
            body=data.get("body") or "",
            head=data["head"]["ref"],
            base=data["base"]["ref"],
        )


class GitHub:
    """A client for one repository (`owner/name`) of a GitHub or GitHub Enterprise API root."""

    def __init__(self, repository: str, token: str, api_url: str = DEFAULT_API_URL):
        self.repository = repository
        self.owner = repository.split("/", 1)[0]
        self._token = token
        self.api_url = api_url.rstrip("/")

    def open_pull(self, branch: str) -> PullRequest | None:
        """The open pull request whose head is `branch` of this repository, if any."""
        query = urllib.parse.urlencode({"head": f"{self.owner}:{branch}", "state": "open", "per_page": "10"})
        pulls = self._call("GET", f"/repos/{self.repository}/pulls?{query}")
        # Some GitHub Enterprise versions ignore an unknown `head` filter: check it ourselves.
        matching = [PullRequest.from_api(p) for p in pulls if p.get("head", {}).get("ref") == branch]
        return matching[0] if matching else None

    def create_pull(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        data = {"title": title, "head": branch, "base": base, "body": body, "maintainer_can_modify": True}
        return PullRequest.from_api(self._call("POST", f"/repos/{self.repository}/pulls", data))

    def update_pull(self, number: int, **fields: str) -> PullRequest:
        """PATCH title, body or state ("closed")."""
        return PullRequest.from_api(self._call("PATCH", f"/repos/{self.repository}/pulls/{number}", fields))

    def comment(self, number: int, body: str) -> None:
        self._call("POST", f"/repos/{self.repository}/issues/{number}/comments", {"body": body})

    def _call(self, method: str, path: str, data: dict | None = None):
        import urllib.error  # here: urllib.request loads http.client and ssl, which `iacfix --version` need not
        import urllib.request

        request = urllib.request.Request(
            self.api_url + path,
            data=None if data is None else json.dumps(data).encode("utf-8"),
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self._token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "iacfix-bot",  # GitHub rejects requests without one
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        where = f"{method} {path.split('?', 1)[0]}"
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise GitHubError(self._redact(_describe(exc, where))) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(self._redact(f"GitHub API: cannot reach {self.api_url} ({where}): {reason}")) from None
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            raise GitHubError(self._redact(f"GitHub API: {where} answered something that is not JSON")) from None

    def _redact(self, text: str) -> str:
        return redact(text, self._token)


def _describe(exc, where: str) -> str:  # exc: urllib.error.HTTPError
    """One line for an error response: status, GitHub's own message, and what to do."""
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        body = {}
    message = body.get("message") if isinstance(body, dict) else None
    details = [e.get("message") or e.get("code") for e in body.get("errors", []) if isinstance(e, dict)] if isinstance(body, dict) else []
    said = "; ".join(str(m) for m in [message, *details] if m) or exc.reason
    status, headers = exc.code, exc.headers
    if status in (403, 429) and (headers.get("x-ratelimit-remaining") == "0" or headers.get("retry-after")):
        return f"GitHub API rate limit hit ({status} on {where}): {_retry_when(headers)}"
    hint = {
        401: "the token in GITHUB_TOKEN is missing, expired or wrong",
        403: "the token lacks a permission: it needs contents: write and pull-requests: write",
        404: "no such repository, or the token cannot see it (check GITHUB_REPOSITORY and GITHUB_API_URL)",
        422: "GitHub refused the request as invalid",
    }.get(status)
    return f"GitHub API: {status} on {where}: {said}" + (f" ({hint})" if hint else "")


def _retry_when(headers) -> str:
    retry_after = headers.get("retry-after")
    if retry_after and retry_after.strip().isdigit():
        return f"retry in {int(retry_after)} s"
    reset = headers.get("x-ratelimit-reset")
    if reset and reset.strip().isdigit():
        at = int(reset)
        wait = max(0, at - int(time.time()))
        return f"retry after {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(at))} (in {wait // 60} min {wait % 60} s)"
    return "retry later"
