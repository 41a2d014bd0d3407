"""The few GitHub REST API calls the fix-PR bot makes: list, open, update and close pull requests.

urllib, not requests or a GitHub SDK: four JSON calls do not justify a dependency that every
user of iacfix would install (and the bot is one subcommand of a linter).

A server error (5xx) or a rate limit that lifts soon is retried with a bounded backoff (GitHub's
advice for secondary rate limits: wait for `retry-after`, else a minute); past MAX_WAIT in all,
the call fails with a message that says when to retry.

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
ATTEMPTS = 4  # tries per call, when the answer is a server error or a rate limit that lifts soon
MAX_WAIT = 120  # seconds of waiting per call, all retries together: a CI job must not wait longer
SECONDARY_LIMIT_WAIT = 60  # GitHub: "wait for at least one minute" when retry-after is absent
RETRIED_STATUSES = frozenset({500, 502, 503, 504})

# time.sleep, here so that tests can count the waits instead of waiting
_sleep = time.sleep

# Credentials inside a URL (https://user:token@host/...), as git remotes often carry them in CI.
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


class GitHubError(Exception):
    """An API call that failed: the message is one line, redacted, ready to print; `status` is
    the HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


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
    state: str = "open"
    merged: bool = False

    @classmethod
    def from_api(cls, data: dict) -> PullRequest:
        return cls(
            number=data["number"],
            url=data.get("html_url", ""),
            title=data.get("title") or "",
            body=data.get("body") or "",
            head=data["head"]["ref"],
            base=data["base"]["ref"],
            state=data.get("state") or "open",
            merged=bool(data.get("merged_at") or data.get("merged")),
        )


def api_url_for_remote(url: str) -> str:
    """The REST API root of the GitHub that hosts a git remote: api.github.com for github.com,
    https://api.HOST for GitHub Enterprise Cloud with data residency (*.ghe.com), and
    https://HOST/api/v3 for GitHub Enterprise Server. A remote whose host cannot be told (a local
    path) gets github.com's: the caller then needs GITHUB_REPOSITORY, which names a github.com
    repository unless GITHUB_API_URL says otherwise."""
    host, scheme = remote_host(url)
    if host is None or host in ("github.com", "www.github.com"):
        return DEFAULT_API_URL
    if host.endswith(".ghe.com"):
        return f"https://api.{host}"
    return f"{scheme}://{host}/api/v3"


def remote_host(url: str) -> tuple[str | None, str]:
    """(host, scheme of its web server) of a git remote URL: https://host/..., ssh://git@host:22/...,
    git@host:owner/name (scp style); (None, "https") for a local path or file:// URL."""
    url = url.strip()
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
            return None, "https"
        return parts.hostname.lower(), "http" if parts.scheme == "http" else "https"
    scp = re.fullmatch(r"(?:[^@/]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)", url)
    return (scp["host"].lower(), "https") if scp else (None, "https")


class GitHub:
    """A client for one repository (`owner/name`) of a GitHub or GitHub Enterprise API root."""

    def __init__(self, repository: str, token: str, api_url: str = DEFAULT_API_URL):
        self.repository = repository
        self.owner = repository.split("/", 1)[0]
        self._token = token
        self.api_url = api_url.rstrip("/")

    def open_pull(self, branch: str) -> PullRequest | None:
        """The open pull request whose head is `branch` of this repository, if any."""
        matching = self.pulls(branch, "open")
        return matching[0] if matching else None

    def pulls(self, branch: str, state: str = "open") -> list[PullRequest]:
        """The pull requests whose head is `branch` of this repository ("open", "closed" or
        "all"), newest first; the first hundred."""
        query = urllib.parse.urlencode({"head": f"{self.owner}:{branch}", "state": state, "per_page": "100"})
        pulls = self._call("GET", f"/repos/{self.repository}/pulls?{query}")
        # Some GitHub Enterprise versions ignore an unknown `head` filter: check it ourselves.
        return [PullRequest.from_api(p) for p in pulls if p.get("head", {}).get("ref") == branch]

    def create_pull(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        data = {"title": title, "head": branch, "base": base, "body": body, "maintainer_can_modify": True}
        return PullRequest.from_api(self._call("POST", f"/repos/{self.repository}/pulls", data))

    def update_pull(self, number: int, **fields: str) -> PullRequest:
        """PATCH title, body or state ("closed")."""
        return PullRequest.from_api(self._call("PATCH", f"/repos/{self.repository}/pulls/{number}", fields))

    def comment(self, number: int, body: str) -> None:
        self._call("POST", f"/repos/{self.repository}/issues/{number}/comments", {"body": body})

    def _call(self, method: str, path: str, data: dict | None = None):
        """One API call, retried while the answer is a server error or a rate limit that lifts
        within the time left (MAX_WAIT in all)."""
        waited = 0.0
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._call_once(method, path, data)
            except _Retriable as exc:
                wait = exc.wait if exc.wait is not None else 2 ** (attempt - 1)  # 1, 2, 4 s after a 5xx
                if attempt == ATTEMPTS or waited + wait > MAX_WAIT:
                    tries = f" (tried {attempt} times)" if attempt > 1 else ""
                    raise GitHubError(self._redact(exc.message + tries), exc.status) from None
                _sleep(wait)
                waited += wait
        raise AssertionError("unreachable")

    def _call_once(self, method: str, path: str, data: dict | None):
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
            body = _error_body(exc)
            message = self._redact(_describe(exc, body, where))
            wait = _retry_wait(exc.code, exc.headers, body)
            if wait is not None or exc.code in RETRIED_STATUSES:
                raise _Retriable(message, exc.code, wait) from None
            raise GitHubError(message, exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(self._redact(f"GitHub API: cannot reach {self.api_url} ({where}): {reason}")) from None
        try:
            return json.loads(payload) if payload else None
        except ValueError:
            raise GitHubError(self._redact(f"GitHub API: {where} answered something that is not JSON")) from None

    def _redact(self, text: str) -> str:
        return redact(text, self._token)


class _Retriable(Exception):
    """An answer worth asking again: `wait` seconds (None: the backoff's own)."""

    def __init__(self, message: str, status: int, wait: float | None):
        self.message, self.status, self.wait = message, status, wait


def _error_body(exc) -> dict:  # exc: urllib.error.HTTPError
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_wait(status: int, headers, body: dict) -> float | None:
    """Seconds to wait before asking again, for a rate limit (None: not a rate limit). A primary
    limit lifts at x-ratelimit-reset (often an hour away: more than MAX_WAIT, so the call then
    fails and says when to retry); a secondary one after retry-after, else a minute."""
    if status not in (403, 429):
        return None
    retry_after = (headers.get("retry-after") or "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    if headers.get("x-ratelimit-remaining") == "0":
        reset = (headers.get("x-ratelimit-reset") or "").strip()
        return float(max(1, int(reset) - int(time.time()) + 1)) if reset.isdigit() else float(SECONDARY_LIMIT_WAIT)
    if "secondary rate limit" in str(body.get("message", "")).lower():
        return float(SECONDARY_LIMIT_WAIT)
    return None


def _describe(exc, body: dict, where: str) -> str:  # exc: urllib.error.HTTPError
    """One line for an error response: status, GitHub's own message, and what to do."""
    message = body.get("message") if isinstance(body, dict) else None
    details = [e.get("message") or e.get("code") for e in body.get("errors", []) if isinstance(e, dict)] if isinstance(body, dict) else []
    said = "; ".join(str(m) for m in [message, *details] if m) or exc.reason
    status, headers = exc.code, exc.headers
    if _retry_wait(status, headers, body) is not None:
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
