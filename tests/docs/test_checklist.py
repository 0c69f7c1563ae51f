"""docs/checklist.md links every best-practice and guideline page."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs"


def test_checklist_links_every_best_practice_and_guideline_page() -> None:
    linked = set(re.findall(r"\]\(([^)#]+\.md)", (DOCS / "checklist.md").read_text()))
    pages = {
        path.relative_to(DOCS).as_posix()
        for section in ("best-practices", "guidelines")
        for path in (DOCS / section).glob("*.md")
    }
    assert len(pages) >= 16
    assert sorted(pages - linked) == []
