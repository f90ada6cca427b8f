"""Pages as the reader sees them: includes expanded exactly as the site build does."""

import re
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import yaml
from pymdownx.snippets import SnippetExtension

from guidebook.paths import MKDOCS_YML

_FENCE = re.compile(
    r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ ]*$",
    re.M | re.S,
)
_INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<target>[^"]+)"\s*$')
_ATTR = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"')


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags name objects we never need here."""


_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def parse_config(text: str) -> dict[str, Any]:
    """The text of an mkdocs.yml, parsed (its `!!python/name:` values read as None)."""
    config: dict[str, Any] = yaml.load(text, Loader=_IgnoreTagsLoader)  # noqa: S506 - safe loader subclass
    return config


@cache
def mkdocs_config(path: Path = MKDOCS_YML) -> dict[str, Any]:
    """The parsed mkdocs.yml."""
    return parse_config(path.read_text(encoding="utf-8"))


def snippets_options(config_path: Path = MKDOCS_YML) -> dict[str, Any]:
    """The pymdownx.snippets options of the site, with base paths made absolute."""
    for entry in mkdocs_config(config_path)["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = dict(entry["pymdownx.snippets"])
            options["base_path"] = [str(config_path.parent / base) for base in options["base_path"]]
            return options
    raise LookupError("mkdocs.yml does not configure pymdownx.snippets")


def expand(text: str, config_path: Path = MKDOCS_YML) -> str:
    """Expand every `--8<--` include with the same extension and options as the site."""
    md = markdown.Markdown(extensions=[SnippetExtension(**snippets_options(config_path))])
    lines: list[str] = md.preprocessors["snippet"].run(text.split("\n"))
    return "\n".join(lines)


@dataclass(frozen=True)
class Block:
    """One code block of a page, as the reader sees it."""

    page: str  # relative to docs/
    index: int  # 1-based position among the page's blocks
    line: int  # line of the opening fence in the page's source
    language: str
    classes: frozenset[str]
    attrs: dict[str, str] = field(hash=False)
    source: str  # the expanded, dedented code
    includes: tuple[str, ...]  # the include targets the block was made from

    @property
    def id(self) -> str:
        return f"{self.page}:block-{self.index}:L{self.line}"

    @property
    def runnable(self) -> bool:
        return "run" in self.classes


def parse_info(info: str) -> tuple[str, frozenset[str], dict[str, str]]:
    """Split a fence's info string into language, classes and attributes."""
    info = info.strip()
    language = ""
    if info and not info.startswith("{"):
        language, _, info = info.partition(" ")
    attrs = {m["key"]: m["value"] for m in _ATTR.finditer(info)}
    rest = _ATTR.sub("", info).strip(" {}")
    classes = set()
    for token in rest.split():
        if token.startswith("."):
            classes.add(token[1:])
    if not language:
        language = next((c for c in sorted(classes) if c not in {"run"}), "")
        classes.discard(language)
    return language.lower(), frozenset(classes), attrs


def fences(text: str) -> list[tuple[int, str, str, str]]:
    """(line, indent, info, body) of every fenced block in Markdown text."""
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, match["indent"], match["info"], match["body"]))
    return found


def include_targets(body: str) -> list[str]:
    """The include targets of a fence body made only of `--8<--` lines."""
    return [m["target"] for line in body.splitlines() if (m := _INCLUDE.match(line))]


def blocks(page_path: Path, docs_root: Path, config_path: Path = MKDOCS_YML) -> list[Block]:
    """Every code block of a page after include expansion, in page order."""
    source = page_path.read_text(encoding="utf-8")
    expanded = expand(source, config_path)
    original = fences(source)
    result = fences(expanded)
    if len(original) != len(result):
        raise ValueError(f"{page_path}: includes changed the number of code blocks")
    page = page_path.relative_to(docs_root).as_posix()
    out = []
    for index, ((line, _, info, raw), (_, indent, _, body)) in enumerate(
        zip(original, result, strict=True), start=1
    ):
        language, classes, attrs = parse_info(info)
        code = textwrap.dedent(
            "\n".join(
                row[len(indent) :] if row.startswith(indent) else row for row in body.splitlines()
            )
        )
        out.append(
            Block(
                page=page,
                index=index,
                line=line,
                language=language,
                classes=classes,
                attrs=attrs,
                source=code.strip("\n") + "\n",
                includes=tuple(include_targets(raw)),
            )
        )
    return out


_LINE_RANGE = re.compile(r":-?\d+(:-?\d+)?$")


def fence_violations(docs_root: Path) -> list[str]:
    """Fences in docs/ that hold typed code, or include by line numbers instead of a section."""
    problems = []
    for path in sorted(docs_root.rglob("*.md")):
        page = path.relative_to(docs_root).as_posix()
        for line, _, _, body in fences(path.read_text(encoding="utf-8")):
            rows = [row for row in body.splitlines() if row.strip()]
            targets = include_targets(body)
            if not rows or len(targets) != len(rows):
                problems.append(
                    f"{page}:{line}: code typed into the page; include it from snippets/"
                )
            problems.extend(
                f"{page}:{line}: {target!r} includes by line numbers; use a named section"
                for target in targets
                if _LINE_RANGE.search(target)
            )
    return problems
