"""Every code block as the reader sees it: includes expanded exactly as the site does."""

from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample
from pytest_examples.config import ExamplesConfig

from guidebook.checks import check_block
from guidebook.pages import Block, blocks
from guidebook.paths import DOCS

ALL_BLOCKS = [block for page in sorted(DOCS.rglob("*.md")) for block in blocks(page, DOCS)]


def test_the_site_has_blocks_to_verify() -> None:
    """The collection found the pages' blocks (an empty run would prove nothing)."""
    assert len(ALL_BLOCKS) >= 50, len(ALL_BLOCKS)


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[b.id for b in ALL_BLOCKS])
def test_block(block: Block) -> None:
    """The block parses with a real parser or tool for its language."""
    problems = check_block(block)
    assert not problems, "\n".join(problems)


RUNNABLE = [b for b in ALL_BLOCKS if b.runnable]


def as_example(block: Block) -> CodeExample:
    """The block as pytest-examples expects it."""
    example: CodeExample = CodeExample.create(
        block.source, path=Path(block.page), start_line=block.line, prefix="py"
    )
    return example


def run_and_check_output(block: Block, eval_example: EvalExample) -> None:
    """Run a block and compare what it prints with its `#>` lines."""
    eval_example.config = ExamplesConfig(line_length=88, target_version="py311")
    eval_example.run_print_check(as_example(block))


def test_the_site_has_runnable_blocks() -> None:
    """Some blocks are runnable demos, so output checking is exercised."""
    assert RUNNABLE


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_runnable_block_output(block: Block, eval_example: EvalExample) -> None:
    """Runnable blocks run, and print exactly their `#>` lines."""
    run_and_check_output(block, eval_example)
