"""bench/corpus.py gathers each flavour's trees into ONE project to show how a run's time grows
with a project's size (scaling_figures): the gathered tree must be one project, every source kept."""

from __future__ import annotations

from iacfix import engine


def _tree(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_cdktf_trees_become_one_project_keeping_their_folders(bench, tmp_path):
    corpus = tmp_path / "corpus" / "cdktf-py"
    for name in ("Pr1", "Pr2"):
        _tree(corpus / name, {
            "cdktf.json": '{"language": "python"}',
            "lib/tap_stack.py": f"# {name}\n",
            "tests/unit/test_tap_stack.py": "def test_x():\n    pass\n",
            "tap.py": "print(1)\n",
        })
    big = tmp_path / "big"
    big.mkdir()
    taken = bench.build_big_project([corpus / "Pr1", corpus / "Pr2"], big)
    assert [t.name for t in taken] == ["Pr1", "Pr2"]
    files = sorted(p.relative_to(big).as_posix() for p in big.rglob("*") if p.is_file())
    assert files == [
        "Pr1/tap.py", "Pr2/tap.py", "cdktf.json",
        "lib/Pr1/tap_stack.py", "lib/Pr2/tap_stack.py",
        "tests/unit/Pr1/test_tap_stack.py", "tests/unit/Pr2/test_tap_stack.py",
    ]
    workspace, errors = engine.load([big], big, parse=False)
    [project] = engine.group_projects(workspace)
    assert project.flavour == "cdktf-py" and len(project.files) == 6 and errors == []


def test_terraform_trees_become_one_module_and_stop_at_the_size_asked(bench, tmp_path):
    corpus = tmp_path / "corpus" / "tf-hcl"
    for name in ("Pr1", "Pr2", "Pr3"):
        _tree(corpus / name, {"lib/main.tf": 'resource "aws_s3_bucket" "b" {}\n' * 10, "lib/vars.tf": "\n"})
    big = tmp_path / "big"
    big.mkdir()
    taken = bench.build_big_project(sorted(corpus.iterdir()), big, min_bytes=400)
    assert [t.name for t in taken] == ["Pr1", "Pr2"]  # 330 bytes a tree: the second passes 400
    assert sorted(p.name for p in big.iterdir()) == ["Pr1_lib_main.tf", "Pr1_lib_vars.tf", "Pr2_lib_main.tf", "Pr2_lib_vars.tf"]
    workspace, _ = engine.load([big], big, parse=False)
    assert [p.flavour for p in engine.group_projects(workspace)] == ["terraform"]
