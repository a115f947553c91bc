"""Bad input is refused with the file, the line, what is wrong and how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsgraph.graph.build import build
from newsgraph.graph.corpus import load_corpus
from newsgraph.graph.errors import CorpusError
from newsgraph.graph.store import GraphStore, current_store_path
from newsgraph.ontology.terms import vocabulary
from newsgraph.settings import Settings

MINI = Path(__file__).parent / "fixtures" / "mini-corpus"
NOTES = "annotations/mini.yaml"
ARTICLE = "articles/mini.txt"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small valid corpus."""
    shutil.copytree(MINI, tmp_path / "corpus")
    return tmp_path / "corpus"


def load(root: Path):
    return load_corpus(root, vocabulary("http://127.0.0.1:5000/"))


def replace(root: Path, relative: str, old: str, new: str) -> int:
    """Replace text in a corpus file and return the 1-based line of the change."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def only_error(root: Path):
    with pytest.raises(CorpusError) as caught:
        load(root)
    assert len(caught.value.errors) >= 1
    return caught.value.errors


def test_the_fixture_is_valid(mini):
    assert [a.id for a in load(mini).articles] == ["mini"]


CASES = [
    # (case, file, old, new, message)
    ("malformed yaml", NOTES, "participants: {host", "participants: {host: [", "malformed YAML"),
    (
        "quote not in text",
        NOTES,
        '"Biden met Kadhimi before."',
        '"Biden met Kadhimi yesterday."',
        "not in the article text",
    ),
    ("ambiguous quote", NOTES, '"Biden met Kadhimi before."', '"Biden"', "occurs 2 times"),
    ("unknown id", NOTES, "host: joe-biden", "host: joe-bidden", "unknown id 'joe-bidden'"),
    ("unknown type", NOTES, "type: Meeting", "type: Meetin", "not a kind of Event"),
    ("unknown role", NOTES, "{host: joe-biden", "{hoster: joe-biden", "'hoster' is not a role"),
    ("unknown field", NOTES, "status: planned", "stauts: planned", "unknown field 'stauts'"),
    ("unknown value", NOTES, "status: planned", "status: plannned", "status 'plannned' is not"),
    ("invalid date", NOTES, "date: 2021-07-16", "date: 2021-02-30", "does not exist"),
    (
        "impossible date in a quote",
        NOTES,
        '{quote: "on July 26"}',
        '{quote: "on July 26", date: "2021-13"}',
        "is not a date of the form",
    ),
    (
        "unknown property",
        NOTES,
        "property: partnerOf",
        "property: partnerof",
        "not an object property",
    ),
    ("bad id", "registry/places.yaml", "id: washington", "id: Washington DC", "kebab-case"),
    ("bad language tag", NOTES, "language: en", "language: en us", "not a language tag"),
]


@pytest.mark.parametrize(
    ("case", "relative", "old", "new", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_mistake_is_reported_at_its_line(mini, case, relative, old, new, message):
    line = replace(mini, relative, old, new)
    errors = only_error(mini)
    assert any(e.file == relative and e.line == line and message in e.message for e in errors), (
        "\n".join(map(str, errors))
    )


def test_every_error_says_how_to_fix_or_what_is_wrong(mini):
    replace(mini, NOTES, "host: joe-biden", "host: joe-bidden")
    error = only_error(mini)[0]
    assert error.fix and "registry" in error.fix


def test_duplicate_id_is_refused(mini):
    line = replace(mini, "registry/places.yaml", "id: washington", "id: joe-biden")
    errors = only_error(mini)
    assert any("already defined" in e.message or "defined twice" in e.message for e in errors)
    assert any(e.line == line for e in errors)


def test_article_in_wrong_encoding_is_refused(mini):
    (mini / ARTICLE).write_bytes("Caf\u00e9 au Baghdad\n".encode("latin-1"))
    errors = only_error(mini)
    assert any(e.file == ARTICLE and "not UTF-8" in e.message and e.line == 1 for e in errors)


def test_empty_article_is_refused(mini):
    (mini / ARTICLE).write_text("  \n")
    assert any(e.file == ARTICLE and "empty" in e.message for e in only_error(mini))


def test_huge_article_is_refused(mini):
    (mini / ARTICLE).write_text("Words. " * 200_000)
    assert any(e.file == ARTICLE and "limit" in e.message for e in only_error(mini))


def test_annotation_for_a_missing_article_is_refused(mini):
    shutil.copy(mini / NOTES, mini / "annotations" / "ghost.yaml")
    errors = only_error(mini)
    assert any(e.file == "annotations/ghost.yaml" and "no article" in e.message for e in errors)


def test_article_without_annotations_is_refused(mini):
    (mini / "articles" / "orphan.txt").write_text("An orphan article.\n")
    assert any(e.file == "articles/orphan.txt" for e in only_error(mini))


@pytest.mark.parametrize("quantity_id", ["two leaders", "two<leaders>", "Two"])
def test_quantity_id_that_cannot_be_in_an_iri_is_refused(mini, quantity_id):
    with (mini / NOTES).open("a", encoding="utf-8") as notes:
        notes.write(f'quantities:\n  - {{id: "{quantity_id}", quote: "July 26", value: 26}}\n')
    line = (mini / NOTES).read_text(encoding="utf-8").count("\n")
    errors = only_error(mini)
    assert any(e.line == line and "is not a kebab-case id" in e.message for e in errors), errors


def rename_article(root: Path, new_id: str) -> None:
    (root / ARTICLE).rename(root / "articles" / f"{new_id}.txt")
    replace(root, NOTES, "article: mini", f"article: {new_id}")
    (root / NOTES).rename(root / "annotations" / f"{new_id}.yaml")


def test_article_file_name_that_cannot_be_in_an_iri_is_refused(mini):
    rename_article(mini, "mini article")
    errors = only_error(mini)
    assert [e.file for e in errors] == ["articles/mini article.txt"]
    assert "cannot be an article id" in errors[0].message and "Rename" in errors[0].fix


def test_build_refuses_an_article_file_name_that_cannot_be_in_an_iri(mini, tmp_path):
    rename_article(mini, "mini<article>")
    settings = Settings.load({"DATA_DIR": str(tmp_path / "data"), "CORPUS_DIR": str(mini)})
    with pytest.raises(CorpusError, match="cannot be an article id"):
        build(settings)


def test_sentence_left_unaccounted_is_refused(mini):
    replace(mini, NOTES, '  - {quote: "Leave a Comment", reason: comment-box}\n', "  []\n")
    replace(mini, NOTES, "skip:\n  []\n", "")
    errors = only_error(mini)
    assert any(e.file == ARTICLE and e.line == 5 and "Leave a Comment" in e.message for e in errors)


def test_unknown_skip_reason_is_refused(mini):
    replace(mini, NOTES, "reason: comment-box", "reason: boring")
    assert any("skip reason 'boring'" in e.message for e in only_error(mini))


def test_event_reported_by_two_articles_must_be_in_the_registry(mini):
    shutil.copy(mini / ARTICLE, mini / "articles" / "mini2.txt")
    text = (mini / NOTES).read_text().replace("article: mini", "article: mini2")
    (mini / "annotations" / "mini2.yaml").write_text(text)
    errors = only_error(mini)
    assert any("also reported by article" in e.message and "registry" in e.fix for e in errors)


def test_failed_build_leaves_the_served_store_untouched(mini, tmp_path):
    settings = Settings.load({"DATA_DIR": str(tmp_path / "data"), "CORPUS_DIR": str(mini)})
    build(settings)
    before = current_store_path(settings.data_dir)
    count = len(GraphStore.open_read_only(settings.data_dir))
    replace(mini, NOTES, "host: joe-biden", "host: nobody")
    with pytest.raises(CorpusError):
        build(settings)
    assert current_store_path(settings.data_dir) == before
    assert len(GraphStore.open_read_only(settings.data_dir)) == count


@pytest.mark.parametrize(
    ("case", "relative", "old", "new", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_cli_build_refuses_the_mistake_and_keeps_the_store(
    mini, tmp_path, case, relative, old, new, message
):
    from click.testing import CliRunner

    from newsgraph.cli import cli

    data = tmp_path / "data"
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["build", "--corpus", str(mini), "--data-dir", str(data)]).exit_code == 0
    )
    served = current_store_path(data)
    line = replace(mini, relative, old, new)
    result = runner.invoke(cli, ["build", "--corpus", str(mini), "--data-dir", str(data)])
    assert result.exit_code == 1
    assert f"{relative}:{line}: " in result.output and message in result.output
    assert current_store_path(data) == served
