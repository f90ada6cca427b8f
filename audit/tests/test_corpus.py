"""The corpus: for each check a true positive and a near-miss; precision and recall per check.

Markers in the corpus files say where each check must fire (`# expect: CHECK`) and where
it must not (`# near: CHECK`); any other finding of a check is a false positive.
"""

import contextlib
import io
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from fastapi_guideline.config import Options
from fastapi_guideline.registry import all_checks
from fastapi_guideline.runner import Finding, audit

CORPUS = Path(__file__).resolve().parent / "corpus"
MARKER = re.compile(r"#\s*(?P<kind>expect|near)(?P<where>-next|-prev)?:\s*(?P<names>[A-Z0-9, -]+)")
# (what to audit, the project root, options)
RUNS = [
    (CORPUS / "static", CORPUS, Options()),
    (CORPUS / "domain", CORPUS, Options()),
    (CORPUS / "layers", CORPUS, Options()),
    (CORPUS / "projects" / "bad", CORPUS / "projects" / "bad", Options()),
    (CORPUS / "projects" / "good", CORPUS / "projects" / "good", Options()),
    (CORPUS / "apps" / "bad_app.py", CORPUS, Options(app="apps.bad_app")),
    (CORPUS / "apps" / "good", CORPUS, Options(app="apps.good.main:create_app")),
    (CORPUS / "shop", CORPUS, Options(models=["shop.orders.models"])),
]
Place = tuple[str, int]


def markers() -> tuple[dict[str, set[Place]], dict[str, set[Place]]]:
    expected: dict[str, set[Place]] = defaultdict(set)
    near: dict[str, set[Place]] = defaultdict(set)
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix == ".md":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in MARKER.finditer(line):
                target = number + {"-next": 1, "-prev": -1}.get(match["where"] or "", 0)
                for name in (n.strip() for n in match["names"].split(",") if n.strip()):
                    (expected if match["kind"] == "expect" else near)[name].add(
                        (path.resolve().as_posix(), target)
                    )
    return expected, near


@cache
def corpus_findings() -> tuple[Finding, ...]:
    found: list[Finding] = []
    for path, root, options in RUNS:
        with contextlib.redirect_stdout(io.StringIO()):
            result = audit(path, root, options)
        assert not result.errors, result.errors
        found += [
            Finding(**{**f.__dict__, "path": (root / f.path).resolve().as_posix()})
            for f in result.findings
        ]
    return tuple(found)


def scores() -> dict[str, tuple[int, int, int]]:
    """Check -> (true positives, false positives, false negatives), counted by line."""
    expected, _ = markers()
    found: dict[str, set[Place]] = defaultdict(set)
    for finding in corpus_findings():
        found[finding.check].add((finding.path, finding.line))
    return {
        name: (
            len(found[name] & expected[name]),
            len(found[name] - expected[name]),
            len(expected[name] - found[name]),
        )
        for name in all_checks()
    }


def test_every_check_has_a_true_positive_and_a_near_miss() -> None:
    expected, near = markers()
    missing = [n for n in all_checks() if not expected.get(n) or not near.get(n)]
    assert not missing, f"checks without a corpus case: {missing}"


def test_precision_and_recall_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    table = scores()
    with capsys.disabled():
        print(f"\n{'check':36} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>6}")
        for name, (tp, fp, fn) in sorted(table.items()):
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            print(f"{name:36} {tp:>3} {fp:>3} {fn:>3} {precision:>9.2f} {recall:>6.2f}")
        tp, fp, fn = (sum(v[i] for v in table.values()) for i in range(3))
        print(f"{'all':36} {tp:>3} {fp:>3} {fn:>3} {tp / (tp + fp):>9.2f} {tp / (tp + fn):>6.2f}")
    wrong = {n: v for n, v in table.items() if v[1] or v[2]}
    assert not wrong, wrong


def test_near_misses_stay_quiet() -> None:
    _, near = markers()
    fired = {
        (f.check, Path(f.path).name, f.line)
        for f in corpus_findings()
        if (f.path, f.line) in near.get(f.check, set())
    }
    assert not fired, sorted(fired)
