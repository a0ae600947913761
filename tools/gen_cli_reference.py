"""Walk the real ``inspector-app`` argparse parser: command paths, options, documentation check.

Used two ways:

* ``python tools/gen_cli_reference.py [COMMAND ...]`` prints, for every sub-command path (or the
  given ones, e.g. ``identity init``), a Markdown heading, the synopsis and the option table in
  the convention of ``docs/cli.md`` — a starting point to paste and then explain.
* ``python tools/gen_cli_reference.py --check docs/cli.md`` lists what the reference does not
  document (a command path without its heading, an option or a choice missing from its
  section, a heading naming no command) and exits 1 when anything is missing.
  ``tests/e2e/test_cli_docs.py`` runs the same check.

The help texts are read from the parser as written (English message ids; ``--help`` shows them
translated in the language chosen, ``resources/locale/*/cli.po``), and the synopsis is formatted
in English: ``docs/cli.md`` is English whatever ``INSPECTOR_LANG`` says.

Convention of ``docs/cli.md``: one heading ``## `inspector-app PATH``` (a group or a top-level
command) or ``### `inspector-app PATH``` (a nested command) per command path; the section is
the text up to the next heading. Each option of the command (its long flag, in backticks) and
each positional argument (its metavar, in backticks) appears in its section, and so does each
value of a ``choices`` list. The options every sub-command shares (``--home``,
``--passphrase-file``, ``--lang``, ``-h/--help``) are documented once, in the section
``## Common options``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
PROG = "inspector-app"
COMMON_SECTION = "Common options"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_COMMAND_HEADING = re.compile(r"^`inspector-app((?: [a-z][a-z0-9-]*)*)`")


@dataclass(frozen=True)
class Option:
    """One argument of a command as argparse knows it."""

    flags: tuple[str, ...]  # empty for a positional argument
    dest: str
    metavar: str | None
    required: bool
    choices: tuple[str, ...]
    help: str
    takes_value: bool
    repeatable: bool
    default: object

    @property
    def positional(self) -> bool:
        return not self.flags

    @property
    def name(self) -> str:
        """The long flag (``--json``), else the first flag, else the metavar (``PACKAGE``)."""
        if self.flags:
            longs = [f for f in self.flags if f.startswith("--")]
            return (longs or list(self.flags))[0]
        return self.metavar or self.dest.upper()


@dataclass
class Command:
    """A sub-command path such as ``("identity", "init")`` and its own parser."""

    path: tuple[str, ...]
    parser: argparse.ArgumentParser
    is_group: bool
    options: list[Option] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def argv(self) -> list[str]:
        return list(self.path)

    def own_options(self, common: set[str]) -> list[Option]:
        """Options that are not shared by every command (``--home``, ``--help``…)."""
        return [o for o in self.options if not (set(o.flags) & common)]

    def required(self) -> list[Option]:
        return [o for o in self.options if o.required]


def common_flags() -> set[str]:
    """The flags every sub-command shares: the parent parser's and ``-h/--help``."""
    from inspector_app.cli import common_options

    flags = {"-h", "--help"}
    for action in common_options()._actions:
        flags.update(action.option_strings)
    return flags


def _option(action: argparse.Action) -> Option:
    metavar = action.metavar if isinstance(action.metavar, str) else None
    choices = tuple(str(c) for c in action.choices) if action.choices else ()
    takes_value = action.nargs != 0
    repeatable = isinstance(action, argparse._AppendAction) or action.nargs in ("+", "*")
    return Option(
        flags=tuple(action.option_strings),
        dest=action.dest,
        metavar=metavar,
        required=bool(action.required),
        choices=choices,
        help=action.help or "",
        takes_value=takes_value,
        repeatable=repeatable,
        default=action.default,
    )


def walk(parser: argparse.ArgumentParser | None = None) -> list[Command]:
    """Every command path of the parser (groups and leaves), depth first, in help order."""
    if parser is None:
        from inspector_app.cli import build_parser

        parser = build_parser()
    found: list[Command] = []

    def visit(path: tuple[str, ...], p: argparse.ArgumentParser) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if path:
            options = [
                _option(a) for a in p._actions if not isinstance(a, argparse._SubParsersAction)
            ]
            found.append(Command(path, p, is_group=bool(subs), options=options))
        seen: set[int] = set()
        for action in subs:
            for name, child in action.choices.items():
                if id(child) in seen:  # an alias of a command already visited
                    continue
                seen.add(id(child))
                visit((*path, name), child)

    visit((), parser)
    return found


def leaves(commands: list[Command] | None = None) -> list[Command]:
    """The commands that run a handler (not the groups)."""
    return [c for c in (commands if commands is not None else walk()) if not c.is_group]


# -- the documentation side ----------------------------------------------------------------


@dataclass
class Section:
    level: int
    title: str
    body: str
    path: tuple[str, ...] | None  # the command path when the heading names one


def sections(text: str) -> Iterator[Section]:
    """The document cut at every heading; code fences are not headings."""
    title, level = "", 0
    body: list[str] = []
    fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        match = None if fence else _HEADING.match(line)
        if match:
            if title or body:
                yield _section(level, title, body)
            level, title, body = len(match.group(1)), match.group(2), []
        else:
            body.append(line)
    yield _section(level, title, body)


def _section(level: int, title: str, body: list[str]) -> Section:
    match = _COMMAND_HEADING.match(title)
    path = tuple(match.group(1).split()) if match else None
    return Section(level, title, "\n".join(body), path)


def _mentions(body: str, word: str) -> bool:
    """``word`` written in backticks, alone or at the start of a code span (``--out FILE``)."""
    return re.search(r"`" + re.escape(word) + r"(?=[`\s=\[|,])", body) is not None


def check(doc_text: str, commands: list[Command] | None = None) -> list[str]:
    """What ``doc_text`` does not document, one line per problem (empty when complete)."""
    commands = walk() if commands is None else commands
    common = common_flags()
    problems: list[str] = []
    by_path: dict[tuple[str, ...], list[Section]] = {}
    common_body = None
    for s in sections(doc_text):
        if s.path is not None:
            by_path.setdefault(s.path, []).append(s)
        if s.title.strip() == COMMON_SECTION:
            common_body = s.body
    known = {c.path for c in commands}
    for path, found in by_path.items():
        if path not in known:
            problems.append(f"heading names no command: inspector-app {' '.join(path)}")
        elif len(found) > 1:
            problems.append(f"more than one heading for: inspector-app {' '.join(path)}")
    if common_body is None:
        problems.append(f"no section '## {COMMON_SECTION}'")
    else:
        for flag in sorted(common):
            if flag.startswith("--") and not _mentions(common_body, flag):
                problems.append(f"{COMMON_SECTION}: {flag} not documented")
    for cmd in commands:
        documented = by_path.get(cmd.path)
        if not documented:
            problems.append(f"no heading for: inspector-app {cmd.name}")
            continue
        body = documented[0].body
        for opt in cmd.own_options(common):
            if not _mentions(body, opt.name):
                problems.append(f"inspector-app {cmd.name}: {opt.name} not documented")
            for choice in opt.choices:
                if not _mentions(body, choice):
                    problems.append(
                        f"inspector-app {cmd.name}: value {choice!r} of {opt.name} not documented"
                    )
        if cmd.is_group:
            for child in commands:
                if child.path[:-1] == cmd.path and not _mentions(body, child.path[-1]):
                    problems.append(
                        f"inspector-app {cmd.name}: its action {child.path[-1]!r} not listed"
                    )
    return problems


# -- the generator ---------------------------------------------------------------------------


def _synopsis(cmd: Command) -> str:
    from inspector_app.i18n import language

    with language("en"):  # the reference is English (the CLI's help follows --lang)
        usage = cmd.parser.format_usage().strip()
    usage = re.sub(r"^usage:\s*", "", usage)
    usage = re.sub(r"\s+", " ", usage)
    for noise in (
        "[-h] ",
        "[--home DIR] ",
        "[--passphrase-file FILE] ",
        "[--lang {zh_CN,en}] ",
    ):
        usage = usage.replace(noise, "")
    return usage


def _argument(opt: Option) -> str:
    if opt.positional:
        return "…" if opt.repeatable else ""
    if not opt.takes_value:
        return ""
    text = opt.metavar or (("{" + ",".join(opt.choices) + "}") if opt.choices else opt.dest.upper())
    return text + (" (repeatable)" if opt.repeatable else "")


def render(cmd: Command, common: set[str] | None = None) -> str:
    """The Markdown skeleton of one command: heading, synopsis, option table."""
    common = common_flags() if common is None else common
    level = "##" if len(cmd.path) == 1 else "###"
    lines = [f"{level} `{PROG} {cmd.name}`", "", "```", _synopsis(cmd), "```", ""]
    desc = (cmd.parser.description or "").strip()
    if desc:
        lines += [desc, ""]
    own = cmd.own_options(common)
    if own:
        lines += ["| argument | value | required | meaning |", "|---|---|---|---|"]
        for opt in own:
            value = _argument(opt)
            choices = ", ".join(f"`{c}`" for c in opt.choices)
            meaning = opt.help.replace("|", "\\|")
            if choices:
                meaning += f" — one of {choices}"
            if opt.default not in (None, False, [], argparse.SUPPRESS) and not opt.positional:
                meaning += f" (default `{opt.default}`)"
            value_text = f"`{value}`" if value else ""
            lines.append(
                f"| `{opt.name}` | {value_text} | {'yes' if opt.required else ''} | {meaning} |"
            )
        lines.append("")
    if cmd.is_group:
        lines.append("Actions: " + ", ".join(f"`{name}`" for name in _children(cmd)) + ".")
        lines.append("")
    return "\n".join(lines)


def _children(cmd: Command) -> list[str]:
    names: list[str] = []
    for action in cmd.parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.extend(action.choices)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help='command paths, e.g. "identity init"')
    parser.add_argument("--check", metavar="DOC", help="list what DOC does not document")
    args = parser.parse_args(argv)
    commands = walk()
    if args.check:
        problems = check(Path(args.check).read_text(encoding="utf-8"), commands)
        for line in problems:
            print(line)
        return 1 if problems else 0
    wanted = {tuple(p.split()) for p in args.paths}
    common = common_flags()
    for cmd in commands:
        if not wanted or cmd.path in wanted:
            print(render(cmd, common))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
