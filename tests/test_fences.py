"""Every code block in docs/ is an include from snippets/, never code typed into a page."""

from guidebook.pages import fence_violations
from guidebook.paths import DOCS


def test_every_fence_is_an_include() -> None:
    """A fence holds only `--8<--` include lines naming a file or a named section."""
    problems = fence_violations(DOCS)
    assert not problems, "\n".join(problems)
