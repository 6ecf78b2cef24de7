"""The README's API table, made from the registered endpoints so it cannot fall behind.

``python -m api.readme_table`` rewrites the table between the ``api-table`` markers in README.md;
``tests/unit/test_readme_api_table.py`` fails when the README's table differs from this one.
"""
from __future__ import annotations

import os
import re

START, END = "<!-- api-table:start -->", "<!-- api-table:end -->"
README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def first_sentence(doc: str | None) -> str:
    """The docstring's first paragraph, cut after its first sentence, with RST ``code`` as Markdown."""
    para = " ".join((doc or "").strip().split("\n\n")[0].split())
    match = re.match(r"(.+?\.)(\s|$)", para)
    text = match.group(1) if match else para
    return text.replace("``", "`").replace("|", "\\|")


def rows() -> list[tuple[str, str, str, str]]:
    """(endpoint, page, example, what it does) for every public endpoint, in the app's order."""
    from api.register import PLAYGROUND, all_endpoints
    from board.endpoints import BOARD_ENDPOINTS
    from lessons.registry import LESSONS

    page = {ep.name: "playground" for ep in PLAYGROUND}
    page.update({ep.name: lesson.url for lesson in LESSONS for ep in lesson.endpoints})
    page.update({ep.name: "/board" for ep in BOARD_ENDPOINTS})
    return [(f"`/{ep.name}`", page[ep.name], f"`{ep.example}`" if ep.example else "",
             first_sentence(ep.description or ep.fn.__doc__)) for ep in all_endpoints()]


def markdown_table() -> str:
    lines = ["| endpoint | page | one-line example (`c = Client(url)`) | what it does |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows()]
    return "\n".join(lines)


def readme_table(readme_text: str) -> str:
    """The table currently between the markers in ``readme_text``."""
    return readme_text.split(START, 1)[1].split(END, 1)[0].strip()


def main() -> None:
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    with open(README, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{START}\n{markdown_table()}\n{END}{tail}")
    print(f"README.md: {len(rows())} endpoints")


if __name__ == "__main__":
    main()
