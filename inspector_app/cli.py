"""Command line ``inspector-app`` (see ``docs/cli.md``): the composition root.

Each group of sub-commands lives in its own module exposing ``register(subparsers, parents)``;
a handler has the signature ``handler(args, ctx) -> int``. Exit codes: 0 done, 1 input
refused, 2 usage error, 3 internal error (one line on stderr; the traceback goes to the log
file). No sub-command ever prints a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import logging
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TextIO

from inspector_app import __version__
from inspector_app.commands.common import read_passphrase
from inspector_app.crash import enable_fault_log
from inspector_app.errors import EnvironmentProblem, InspectorError, UsageError
from inspector_app.home import Home, resolve_home
from inspector_app.i18n import (
    LANGUAGES,
    N_,
    CatalogMissing,
    Message,
    _,
    bi,
    get_language,
    labelled,
    resolve_language,
    set_language,
    translate,
    translations,
    verbatim,
)
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.textsafe import visible

log = logging.getLogger("inspector.cli")

#: Modules that register sub-commands, in help order. The composition root may import the
#: ``sync`` and ``reports`` layers; the core's own modules never do.
COMMAND_MODULES: list[str] = [
    "inspector_app.commands.validate",
    "inspector_app.commands.pack",
    "inspector_app.commands.identity",
    "inspector_app.commands.case",
    "inspector_app.commands.findings",
    "inspector_app.commands.sample",
    "inspector_app.commands.analyze",
    "inspector_app.commands.score",
    "sync.commands",
    "sync.batch_commands",
    "reports.commands",
    "ui.command",  # ``gui``: imports Qt only when it runs
]


#: The commands, the module that registers each and their one-line help, in help order:
#: ``--version`` and the top-level ``--help`` are answered from this table without importing
#: the command modules (they pull in the whole application: seconds, where these must take
#: under 0.2 s). A test compares the help printed from it with the full parser's: a new
#: command adds its line here.
COMMAND_HELP: tuple[tuple[str, str, str], ...] = (
    (
        "validate",
        "inspector_app.commands.validate",
        N_("check a case package against the format without importing it"),
    ),
    (
        "pack",
        "inspector_app.commands.pack",
        N_("build a case package from a folder (optionally age-encrypted)"),
    ),
    (
        "identity",
        "inspector_app.commands.identity",
        N_("this device's identity: keys, card, trusted cards"),
    ),
    ("case", "inspector_app.commands.case", N_("import and list case packages in the workspace")),
    ("findings", "inspector_app.commands.findings", N_("record, list and verify signed findings")),
    (
        "sample",
        "inspector_app.commands.sample",
        N_("write a synthetic, realistic case package"),
    ),
    ("analyze", "inspector_app.commands.analyze", N_("red-flag analysis of a case package")),
    (
        "score",
        "inspector_app.commands.score",
        N_("score a package's self-assessment with its checklist"),
    ),
    ("bundle", "sync.commands", N_("encrypted, signed bundles between experts and the agency")),
    ("merge", "sync.commands", N_("the agency's merged view of every expert's findings")),
    ("batch", "sync.batch_commands", N_("the agency's batch roster (附件9/附件10) and its status")),
    (
        "report",
        "reports.commands",
        N_("report drafts: three reports per enterprise, batch summary, 一企一档, inspection plan"),
    ),
    (
        "gui",
        "ui.command",
        N_("start the desktop app (or render one page to a PNG with --screenshot)"),
    ),
)


#: argparse's own error messages (its gettext ids, ``resources/locale/*/core.po``), shown in
#: the language chosen when argparse reports them; its help words ("usage: ", "options",
#: "show this help message and exit") are kept as message ids here and translated when the
#: help is formatted (:class:`_HelpFormatter`)
_ARGPARSE_ERRORS = frozenset(
    {
        "argument %(argument_name)s: %(message)s",
        "unrecognized arguments: %s",
        "the following arguments are required: %s",
        "one of the arguments %s is required",
        "not allowed with argument %s",
        "expected one argument",
        "expected at most one argument",
        "expected at least one argument",
        "invalid choice: %(value)r (choose from %(choices)s)",
        "invalid %(type)s value: %(value)r",
        "ambiguous option: %(option)s could match %(matches)s",
        "ignored explicit argument %r",
        "unexpected option string: %s",
        "can't open '%(filename)s': %(error)s",
    }
)


def _argparse_text(msgid: str) -> str:
    return translate(msgid) if msgid in _ARGPARSE_ERRORS else msgid


# argparse looks its messages up through the module's ``_`` when it reports an error
setattr(argparse, "_", _argparse_text)  # noqa: B010 - the stub does not declare argparse._


#: argparse's help words, translated when help is formatted (``resources/locale/*/cli.po``)
ARGPARSE_HELP_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
)


class _HelpFormatter(argparse.HelpFormatter):
    """Renders help in the language chosen *when it is formatted* (``--lang`` may follow the
    command on the same line): every ``help=``, description, epilog and section heading is an
    English message id (marked ``N_()`` where it is written) looked up in the catalogs (``resources/locale/*/cli.po``), and so are
    argparse's own words; ``%(default)s``-style substitutions apply to the translation.
    ``tools/gen_cli_reference.py`` reads the message ids themselves (``docs/cli.md`` is
    English)."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(prog, *args, **kwargs)
        self._headings: list[str] = []

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        return translate(text) if text else text

    def add_text(self, text: str | None) -> None:
        super().add_text(translate(text) if text and text != argparse.SUPPRESS else text)

    def start_section(self, heading: str | None) -> None:
        if heading:
            heading = translate(heading)
            self._headings.append(heading)
        super().start_section(heading)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(
            usage, actions, groups, translate("usage: ") if prefix is None else prefix
        )

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        # argparse indents the synopsis's continuation lines by len(prefix): format with
        # spaces as wide as the prefix on screen ("用法：" takes 6 columns), then put it back
        if prefix is None or prefix.isascii():
            return super()._format_usage(usage, actions, groups, prefix)
        pad = " " * _display_width(prefix)
        text: str = super()._format_usage(usage, actions, groups, pad)
        return prefix + text[len(pad) :]

    def _split_lines(self, text: str, width: int) -> list[str]:
        if text.isascii():
            return super()._split_lines(text, width)
        return _wrap_wide(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.isascii():
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in _wrap_wide(text, width - len(indent)))

    def format_help(self) -> str:
        text = super().format_help()
        # "选项：", not "选项:" (argparse appends an ASCII colon to a heading)
        for heading in self._headings:
            text = text.replace(f"{heading}:\n", _("{heading}:", heading=heading) + "\n")
        return text


#: characters that do not begin a line of Chinese text (they stay with the one before)
_NO_LINE_START = frozenset("，。、；：！？）》」』】,.;:!?)]}")


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: Chinese may break between any two
    characters (not before its closing punctuation), other words only at spaces."""
    import re

    tokens = re.findall(r"\s+|[\x21-\u10ff]+|.", " ".join(text.split()))
    lines: list[str] = []
    line = ""
    for token in tokens:  # the spaces are single: the text's whitespace was joined
        fits = _display_width(line + token) <= max(width, 11)
        if not line or fits or token[0] in _NO_LINE_START:
            if line or not token.isspace():
                line += token
            continue
        lines.append(line.rstrip())
        line = "" if token.isspace() else token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No abbreviated options: ``--passphrase SECRET`` must be refused as an unknown
        # option, not taken for ``--passphrase-file`` (a passphrase is never an argument).
        kwargs.setdefault("allow_abbrev", False)
        # help in the chosen language, every sub-parser included (they are _Parser too)
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {labelled(bi('usage error'), verbatim(message))}\n")
        raise SystemExit(2)


@dataclass
class CommandContext:
    """What a handler gets besides its arguments."""

    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    cancel: CancelToken = field(default_factory=CancelToken)
    _home: Home | None = None

    @property
    def home(self) -> Home:
        """The home folder, created on first use."""
        if self._home is None:
            self._home = resolve_home(getattr(self.args, "home", None)).ensure()
        return self._home

    def out(self, text: Message | str = "") -> None:
        """One line of text output, rendered in the chosen language; control and bidi
        characters shown visibly (``textsafe``: texts from packages and bundles)."""
        self.stdout.write(visible(f"{text}") + "\n")

    def err(self, text: Message | str) -> None:
        self.stderr.write(visible(f"{text}") + "\n")

    def print_json(self, value: Any) -> None:
        from inspector_app.jsonout import dumps

        self.stdout.write(dumps(value) + "\n")

    def progress(self) -> ProgressFn | None:
        """A progress printer on stderr when stderr is a terminal, else None."""
        if not self.stderr.isatty():
            return None
        stream = self.stderr

        def show(done: int, total: int | None, text: Message) -> None:
            pct = f"{100 * done / total:5.1f}% " if total else ""
            stream.write(f"\r\033[K{pct}{visible(str(text), keep_newlines=False)}"[:200])
            stream.flush()
            if total is not None and done >= total:
                stream.write("\r\033[K")

        return show

    def passphrase(self, *, confirm: bool = False, prompt: Message | None = None) -> str:
        """The passphrase: ``--passphrase-file``, ``INSPECTOR_PASSPHRASE``, else the terminal.

        Never accepted as a plain argument.
        """
        return read_passphrase(
            getattr(self.args, "passphrase_file", None),
            "INSPECTOR_PASSPHRASE",
            no_terminal=bi(
                "No passphrase: use --passphrase-file or INSPECTOR_PASSPHRASE when there is no terminal."
            ),
            prompt=prompt or bi("Passphrase"),
            confirm=confirm,
        )


Handler = Callable[[argparse.Namespace, CommandContext], int]


def common_options() -> argparse.ArgumentParser:
    """``--home``, ``--passphrase-file``, ``--lang``: the parent of every sub-parser.

    Their default is ``SUPPRESS`` so that a nested sub-parser does not overwrite a value given
    before its action (``identity --home DIR show``); read them with ``getattr(args, name,
    None)``.
    """
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=N_("home folder (identities, workspace, settings, log); also INSPECTOR_HOME"),
    )
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=N_("read the passphrase from FILE (or INSPECTOR_PASSPHRASE)"),
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=N_("language of text output (zh_CN or en); also INSPECTOR_LANG"),
    )
    return common


def build_parser(*, light: bool = False, command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; ``light``: the top level alone, its commands from
    :data:`COMMAND_HELP` (for ``--version`` and ``--help``, without importing them);
    ``command``: as ``light`` but that command's module registers its commands in full (the
    command being run: ``inspector-app gui`` imports no sync, reports or validator module)."""
    common = common_options()
    parser = _Parser(
        prog="inspector-app",
        description=N_("Inspector — on-site acceptance inspections"),
    )
    parser.add_argument("--version", action="version", version=f"inspector-app {__version__}")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=N_("language of text output (also before the command); also INSPECTOR_LANG"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    full = next((o for c, o, _t in COMMAND_HELP if c == command and not light), None)
    if light or full is not None:
        for name, owner, text in COMMAND_HELP:
            if owner not in COMMAND_MODULES:
                continue
            if owner != full:
                sub.add_parser(name, help=text)
            elif name == next(c for c, o, _t in COMMAND_HELP if o == full):  # its first command
                importlib.import_module(full).register(sub, [common])
        return parser
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub, [common])
    return parser


def _setup_logging(home: Home) -> None:
    from inspector_app.logfile import RotatingLog

    handler = RotatingLog(home.log_file)
    root = logging.getLogger("inspector")
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def _environment_message(exc: OSError) -> Message | None:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT):
        return bi("Disk is full or the folder is not writable: {error}", error=exc)
    return None


def _unicode_streams(*streams: TextIO) -> None:
    """Switch a real stdout/stderr whose encoding cannot write Chinese to UTF-8.

    Messages are Chinese by default; with a Latin-1 or ASCII locale (an English Windows with its
    output redirected, ``PYTHONIOENCODING=ascii``) writing them would fail. UTF-8 is also what
    RFC 8259 asks of JSON that leaves the program.
    """
    for stream in streams:
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            "中文".encode(stream.encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(encoding="utf-8")


def _silence(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device (no flush error at exit)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _raw_option(argv: list[str], name: str) -> str | None:
    """The value of ``name`` in ``argv`` before parsing (``--lang en`` or ``--lang=en``)."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _choose_language(option: str | None, home_option: str | None) -> None:
    """``--lang``, else ``INSPECTOR_LANG``, else the home's ``language`` setting, else Chinese."""
    if option not in LANGUAGES:
        option = None  # argparse refuses an unknown --lang itself
    settings_dir = None
    if option is None and os.environ.get("INSPECTOR_LANG") not in LANGUAGES:
        try:
            settings_dir = resolve_home(home_option).settings_dir
        except Exception:  # no platform data folder: the default language
            settings_dir = None
    set_language(resolve_language(option, settings_dir))


def run(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command. Every file and folder it creates is private to the user whatever the
    umask (``umask 077`` while it runs: the workspace holds enterprises' data)."""
    previous = os.umask(0o077)
    try:
        return _run(argv, stdout, stderr)
    finally:
        os.umask(previous)


def _top_level_only(argv: list[str]) -> bool:
    """Whether ``argv`` asks only for the version or the top-level help."""
    rest = [a for a in argv if not a.startswith("--lang")]
    if "--lang" in argv:  # ``--lang en``: drop its value too
        i = argv.index("--lang")
        rest = [a for j, a in enumerate(argv) if j not in (i, i + 1)]
    return bool(rest) and all(a in ("--version", "--help", "-h") for a in rest)


def _run(argv: list[str], stdout: TextIO | None, stderr: TextIO | None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    _unicode_streams(out, err)
    # usage errors are printed while parsing: choose the language from the raw arguments first
    _choose_language(_raw_option(argv, "--lang"), _raw_option(argv, "--home"))
    try:
        translations(get_language())
    except CatalogMissing as exc:  # a source checkout without tools/setup.sh: say so, in English
        err.write(f"inspector-app: {exc}\n")
        return 3
    try:
        # ``--version``/``--help`` alone (with ``--lang``): the light parser answers them
        # only the module of the command named first is imported (another start: the full one)
        named = argv[0] if argv and not argv[0].startswith("-") else None
        parser = build_parser(light=_top_level_only(argv), command=named)
        # argparse writes --help, --version and usage errors to sys.stdout/sys.stderr:
        # send them to the caller's streams too.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    _choose_language(getattr(args, "lang", None), getattr(args, "home", None))
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(out)
        return 2
    ctx = CommandContext(args=args, stdout=out, stderr=err)
    try:
        _setup_logging(ctx.home)
        enable_fault_log(ctx.home)  # native crashes: stacks to <home>/logs/faults.log
    except OSError as exc:
        err.write(
            str(
                bi(
                    "Cannot use the home folder {path}: {error}",
                    path=getattr(args, "home", None) or "",
                    error=exc,
                )
            )
            + "\n"
        )
        return 1
    try:
        code = handler(args, ctx)
        out.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # the reader of stdout went away (`inspector-app … | head`): stop quietly, like
        # other command-line tools; not an internal error
        _silence(out)
        return 1
    except UsageError as exc:
        err.write(visible(str(labelled(bi("usage error"), exc.message))) + "\n")
        return 2
    except (InspectorError, EnvironmentProblem) as exc:
        err.write(visible(f"{exc.message}") + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write(f"{bi('Interrupted.')}\n")
        return 1
    except Exception as exc:
        message = _environment_message(exc) if isinstance(exc, OSError) else None
        if message is not None:
            err.write(f"{message}\n")
            return 1
        log.exception("internal error in %s", args.command)
        err.write(
            str(
                bi(
                    "Internal error: {error}. Details are in the log file {log}.",
                    error=type(exc).__name__,
                    log=ctx.home.log_file,
                )
            )
            + "\n"
        )
        return 3
