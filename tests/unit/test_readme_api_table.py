"""The README documents every public endpoint with a one-line example (made by api.readme_table)."""
from api.readme_table import README, markdown_table, readme_table, rows


def test_every_endpoint_has_an_example_and_a_sentence():
    for name, page, example, what in rows():
        assert example and f'api_name="{name.strip("`")}"' in example, name
        assert what.endswith("."), (name, what)


def test_readme_table_is_the_generated_one():
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    assert readme_table(text) == markdown_table(), "run: python -m api.readme_table"
