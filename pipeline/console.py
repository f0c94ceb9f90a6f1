"""The CLI's side of the terminal: stderr messages, JSON on stdout, known errors to exit codes.

Nothing here interprets rich markup in text it did not write: messages are `Text` objects,
so a file named `[link=https://example.org]r.pdf` prints as those characters. When stderr
is not a terminal (cron mail, a pipe, a log) lines are not wrapped.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from pipeline.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_USAGE,
    IndexLockedError,
    PipelineError,
    UsageError,
)
from pipeline.text import clean_text

T = TypeVar("T")
JS_SAFE_INT = 2**53 - 1  # larger integers lose digits in JavaScript's JSON.parse


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=not sys.stderr.isatty())


def stdout() -> Console:
    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


def err(message: str) -> None:
    """One message on stderr, control characters dropped, markup never interpreted."""
    stderr().print(Text(clean_text(message)))


def warn(message: str, quiet: bool = False) -> None:
    if not quiet:
        err(f"Warning: {message}")


def jsonable(data: Any) -> Any:
    """`data` with integers beyond 2^53 as strings (chunk ids), so every JSON reader keeps them."""
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return str(data) if abs(data) > JS_SAFE_INT else data
    if isinstance(data, dict):
        return {k: jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [jsonable(v) for v in data]
    if isinstance(data, Path):
        return str(data)
    return data


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=True) + "\n")


def run(fn: Callable[[], T], debug: bool = False, index_dir: Path | None = None) -> T:
    """Call `fn`; a known error becomes `Error: …` on stderr and its exit code, no traceback."""
    from pipeline.index.store import damaged_message

    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    if not debug:  # a vector index rebuilt in memory is worth a line: `repair` makes it permanent
        logging.getLogger("pipeline.index.vectors").setLevel(logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        return fn()
    except IndexLockedError as exc:
        err(f"Error: {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    except UsageError as exc:
        if debug:
            raise
        err(f"Error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except PipelineError as exc:
        if debug:
            raise
        err(f"Error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except sqlite3.DatabaseError as exc:  # found after a clean open: a bad page deep in the file, a lock
        if debug:
            raise
        where = index_dir if index_dir is not None else Path("index")
        why = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in why or "busy" in why):
            err(f"Error: index at {where} is busy ({why}); try again")
            raise typer.Exit(EXIT_LOCKED) from None
        if isinstance(exc, sqlite3.OperationalError) and "unable to open" in why:
            err(f"Error: cannot open the index at {where} ({why}); check that it is readable")
            raise typer.Exit(EXIT_ERROR) from None
        err(f"Error: {damaged_message(where, why)}")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        err("Interrupted; the index stays at its last committed state.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
