"""The example service audits clean: every finding left is waived in its code, with a reason."""

import pytest
from guideline import SNIPPETS

from fastapi_guideline.config import Options
from fastapi_guideline.runner import audit


@pytest.mark.usefixtures("example_environment")
def test_the_example_audits_clean() -> None:
    result = audit(SNIPPETS, SNIPPETS, Options(app="app.main:create_app", exclude=["demos"]))
    assert not result.errors, result.errors
    assert not result.findings, [f"{f.path}:{f.line} {f.rule} {f.message}" for f in result.findings]
    assert result.waived, "the example's one deliberate commit is waived in its code"
    assert all(f.waiver for f in result.waived)
    assert all(w.used for w in result.waivers), "an unused waiver hides nothing: remove it"
    assert "app" in result.timings and "model" in result.timings  # app and model checks ran
    print(f"\nexample: {result.files} files, timings {result.timings}")
