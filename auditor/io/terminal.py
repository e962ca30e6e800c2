"""Text from input made safe for a human-readable line on a terminal or in a CI log.

Why a module of its own: every human-readable writer (score's text and line formats, the
gate's summary table, error messages on stderr) prints ids, feed guids, file names and
input text, and each of them must escape the same way. Raw, a newline followed by
``::error file=x,line=1::...`` or ``::add-mask::...`` injects GitHub Actions workflow
commands into the job log, and ``\\x1b]...`` controls the user's terminal.
"""

from __future__ import annotations

import re

#: C0/C1 controls (incl. ESC, CR, LF; not TAB, which can do no harm), DEL, bidi overrides and
#: line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: a workflow command: ``::`` at the start of a line, after optional whitespace (the runner trims it)
_COMMAND_START = re.compile(r"^(\s*):")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def safe(text: str) -> str:
    """``text`` with each unsafe character as a visible ``\\xNN``/``\\uNNNN`` escape.

    The result holds no line break and no escape sequence, and never starts with
    ``::`` (a leading colon becomes ``\\x3a``), so wherever it is printed it cannot
    begin a workflow command.
    """
    out = _UNSAFE.sub(_escape, text)
    if out.lstrip().startswith("::"):
        out = _COMMAND_START.sub(lambda m: m.group(1) + "\\x3a", out, count=1)
    return out
