"""bench/precision.py and bench/human_projects.py: a project is extracted from its mirror as the
manifest says, run as `iacfix FOLDER`, and its findings are held against the judgement file; the
gate fails on a false fix, on a fixable finding nobody judged, and on a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A deprecated EIP argument (TF203 fixes it) and an ECS example nobody may read (excluded).
MAIN_TF = 'resource "aws_eip" "nat" {\n  vpc = true\n}\n'


@pytest.fixture(scope="module")
def precision():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import precision
    finally:
        sys.path.remove(str(REPO / "bench"))
    return precision


@pytest.fixture
def mirror(tmp_path, monkeypatch, precision):
    """A mirror folder holding owner+name/repo (a bare repository) with one commit, and the
    extraction folders moved into tmp_path."""
    work = tmp_path / "work"
    (work / "modules" / "net").mkdir(parents=True)
    (work / "modules" / "net" / "main.tf").write_text(MAIN_TF)
    (work / "wrappers").mkdir()
    (work / "wrappers" / "main.tf").write_text(MAIN_TF)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "one"], check=True)
    commit = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirrors = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirrors / "owner+name" / "repo")], check=True)
    human = precision.human_projects
    monkeypatch.setattr(human, "HUMAN", tmp_path / "human")
    monkeypatch.setattr(human, "STAMPS", tmp_path / "human" / ".extracted")
    return mirrors, commit


def _project(precision, commit, **kw):
    fields = {"name": "demo", "repo": "owner/name", "commit": commit, "group": "library", "exclude": ("wrappers",)}
    return precision.HumanProject(**{**fields, **kw})


def test_extraction_takes_the_root_less_the_excludes_as_a_repository_of_its_own(precision, mirror):
    mirrors, commit = mirror
    project = _project(precision, commit)
    result = precision.human_projects.extract_all([project], mirrors)
    assert result.extracted == [project] and result.skipped == []
    files = sorted(p.relative_to(project.folder).as_posix() for p in project.folder.rglob("*.tf"))
    assert files == ["modules/net/main.tf"]
    assert (project.folder / ".git").is_dir()  # iacfix reads .gitignore files up to here only

    sub = _project(precision, commit, name="sub", root="modules/net")
    precision.human_projects.extract_all([sub], mirrors)
    assert (sub.folder / "main.tf").read_text() == MAIN_TF


def test_a_project_without_its_mirror_is_skipped_and_said_so(precision, mirror, tmp_path):
    _, commit = mirror
    project = _project(precision, commit)
    result = precision.human_projects.extract_all([project], tmp_path / "nowhere")
    assert result.extracted == []
    assert [(p.name, why.split(" (")[0]) for p, why in result.skipped] == [("demo", f"no mirror at {tmp_path / 'nowhere' / 'owner+name' / 'repo'}")]


def _run(precision, mirror):
    mirrors, commit = mirror
    project = _project(precision, commit)
    precision.human_projects.extract_all([project], mirrors)
    precision.setup_engine()
    return precision.run_project(project)


def _judgement(precision, seen, verdict):
    return precision.Judgement(seen.project, seen.code, seen.file, seen.digest, verdict, why="w", should="nothing")


def test_findings_are_keyed_by_project_rule_file_and_message(precision, mirror):
    run = _run(precision, mirror)
    tf203 = [s for s in run.findings if s.code == "TF203"]
    assert [(s.file, s.line, s.fix) for s in tf203] == [("modules/net/main.tf", 2, "fix")]
    assert tf203[0].key == ("demo", "TF203", "modules/net/main.tf", precision.message_digest(tf203[0].message))
    assert run.errors == []


def test_the_gate_fails_on_a_false_fix_and_on_an_unjudged_fix_not_on_a_true_one(precision, mirror):
    run = _run(precision, mirror)
    seen = next(s for s in run.findings if s.code == "TF203")
    others = {s.key: _judgement(precision, s, "true") for s in run.findings if s is not seen}
    assert precision.gate_failures([run], others) == ["fixable finding not judged: demo/modules/net/main.tf:2 TF203"]
    false = {**others, seen.key: _judgement(precision, seen, "false")}
    assert precision.gate_failures([run], false) == ["false fix: demo/modules/net/main.tf:2 TF203"]
    assert precision.gate_failures([run], {**others, seen.key: _judgement(precision, seen, "true")}) == []
    tally = precision.tally([run], false)["TF203"]
    assert (tally.findings, tally.fixes, tally.false, tally.false_fixes, tally.unjudged) == (1, 1, 1, 1, 0)


def test_a_crash_fails_the_gate(precision):
    run = precision.ProjectRun("demo", "library", "", errors=[{"kind": "crash", "file": ".", "line": 1, "run": "default", "message": "boom"}])
    assert precision.gate_failures([run], {}) == ["crash: demo/.:1 boom"]


def test_unjudged_findings_are_recorded_as_templates_that_load_back(precision, mirror, tmp_path):
    run = _run(precision, mirror)
    judgements_file = tmp_path / "judgements.toml"
    judgements_file.write_text("# header\n")
    added = precision.record_unjudged([run], {}, judgements_file)
    loaded = precision.load_judgements(judgements_file)
    assert added == len({s.key for s in run.findings}) == len(loaded)
    assert all(j.verdict == "" for j in loaded.values())
    assert {s.key for s in run.findings} == set(loaded)


def test_a_verdict_other_than_true_or_false_is_refused(precision, tmp_path):
    path = tmp_path / "judgements.toml"
    path.write_text('[[judgement]]\nproject = "p"\nrule = "R1"\nfile = "f"\ndigest = "d"\nverdict = "maybe"\n')
    with pytest.raises(SystemExit, match="verdict must be"):
        precision.load_judgements(path)


def test_the_report_lists_false_findings_with_their_why_and_judgements_no_longer_raised(precision, mirror):
    run = _run(precision, mirror)
    seen = next(s for s in run.findings if s.code == "TF203")
    judgements = {s.key: _judgement(precision, s, "true") for s in run.findings}
    judgements[seen.key] = precision.Judgement("demo", "TF203", seen.file, seen.digest, "false", why="pinned to 4.x", should="nothing")
    gone = precision.Judgement("demo", "TF999", "x.tf", "0123456789", "false", message="an old message")
    judgements[gone.key] = gone
    text = precision.report([run], [], judgements, {"date": "2000-01-01", "version": "0", "commit": "abc"})
    assert "| TF203 | 1 | 1 | 1 | 0 | 0 | 1 | 1 | 0 | 0 |" in text
    assert "### TF203 (1)" in text and "pinned to 4.x | nothing |" in text
    assert "## Judged findings not raised (1)" in text and "| demo | TF999 | x.tf | false | an old message |" in text
