"""Reading a published CDKTF package (a prebuilt provider, or cdktf itself), shared by the generators.

A package is fetched with `npm pack` (the registry's tarball: nothing is installed or run) and the
files the generators read are extracted into a cache folder: its jsii assembly (`.jsii`, every
class, struct and property as the bindings expose them), package.json and each module's compiled
`lib/<module>/index.js` (whose inline source map carries the generated TypeScript).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import tarfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / "bench" / ".cache" / "npm"
_WANTED = re.compile(r"^package/(\.jsii|package\.json|lib/[^/]+/index\.js|\.jsii\.gz)$")


def fetch(package: str, version: str, cache: Path = CACHE) -> Path:
    """The folder of `package@version`'s files, packed from the registry on first use."""
    folder = cache / f"{package.replace('/', '+')}@{version}"
    if (folder / "package.json").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(folder)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    tarball = folder / out
    with tarfile.open(tarball) as tar:
        for member in tar:
            if member.isfile() and _WANTED.match(member.name):
                target = folder / member.name.removeprefix("package/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
    tarball.unlink()
    return folder


def assembly(folder: Path) -> dict:
    """The jsii assembly (following jsii's `compress` redirect to a gzipped file)."""
    data = json.loads((folder / ".jsii").read_text(encoding="utf-8"))
    if data.get("schema") == "jsii/file-redirect":
        return json.loads(gzip.decompress((folder / data["filename"]).read_bytes()))
    return data


def package_json(folder: Path) -> dict:
    return json.loads((folder / "package.json").read_text(encoding="utf-8"))


def module_sources(folder: Path, module: str) -> tuple[str, str | None]:
    """(the compiled JavaScript without its source map, the TypeScript it was compiled from when
    the source map carries it)."""
    path = folder / "lib" / module / "index.js"
    if not path.is_file():
        return "", None
    text = path.read_text(encoding="utf-8")
    cut = text.rfind("//# sourceMappingURL=")
    js, source_map = (text[:cut], text[cut:]) if cut >= 0 else (text, "")
    ts = None
    match = re.match(r"//# sourceMappingURL=data:application/json;base64,(\S+)", source_map)
    if match:
        contents = json.loads(base64.b64decode(match.group(1))).get("sourcesContent") or []
        ts = contents[0] if contents else None
    return js, ts
