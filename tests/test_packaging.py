"""The wheel ships the ontology, the corpus, the saved queries and the templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    target = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = target.glob("newsgraph-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def expected_files() -> list[str]:
    mapping = {
        "ontology": "newsgraph/ontology",
        "graph": "newsgraph/graph",
        "queries": "newsgraph/queries",
        "server": "newsgraph/server",
    }
    patterns = [
        "ontology/*.ttl",
        "graph/corpus/*/*",
        "queries/*.rq",
        "server/templates/*",
        "server/static/**/*",
    ]
    found = []
    for pattern in patterns:
        for path in sorted(p for p in ROOT.glob(pattern) if p.is_file()):
            top, rest = path.relative_to(ROOT).as_posix().split("/", 1)
            found.append(f"{mapping[top]}/{rest}")
    return found


@pytest.mark.parametrize("name", expected_files())
def test_data_file_is_in_the_wheel(wheel_names, name):
    assert name in wheel_names


def test_no_generic_top_level_package_is_installed(wheel_names):
    tops = {n.split("/", 1)[0] for n in wheel_names if "/" in n and ".dist-info" not in n}
    assert tops == {"newsgraph"}
