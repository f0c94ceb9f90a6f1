"""Errors a person can act on. The CLI turns each into one line and a non-zero exit."""

from __future__ import annotations

# Exit codes of every command (README "Exit codes"); 2 is also click's own for bad command lines.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_QUARANTINED = 3  # finished, but some files are quarantined
EXIT_LOCKED = 75  # EX_TEMPFAIL: another ingest holds the index
EXIT_INTERRUPTED = 130

# Closed list of reasons a file is quarantined (not indexed).
QUARANTINE_REASONS = (
    "not_pdf",
    "encrypted",
    "parse_error",
    "recursion",
    "timeout",
    "memory_cap",
    "zero_pages",
    "no_text",
    "too_large",
    "too_many_pages",
    "worker_error",  # a distributed worker raised on this document twice
    "worker_lost",  # the worker (or its node) died while holding this document, twice
)


class PipelineError(Exception):
    """Base class for errors the tool reports without a traceback."""


class ParseError(PipelineError):
    """A PDF could not be turned into pages; `reason` is one of QUARANTINE_REASONS."""

    def __init__(self, path: str, reason: str, detail: str = "") -> None:
        if reason not in QUARANTINE_REASONS:
            raise ValueError(f"unknown quarantine reason {reason!r}")
        self.path = path
        self.reason = reason
        self.detail = detail
        super().__init__(f"{path}: {reason}" + (f" ({detail})" if detail else ""))


class IndexMismatchError(PipelineError):
    """The index was built with another embedding model or dimension."""


class IndexLockedError(PipelineError):
    """Another ingest holds the writer lock on this index."""


class IndexCorruptError(PipelineError):
    """An index file failed its checksum or could not be read."""


class IndexMissingError(PipelineError):
    """A command that only reads was pointed at a folder without an index."""


class IndexDamagedError(IndexCorruptError):
    """The SQLite database of an index is unreadable, truncated or has an unknown schema."""


class UsageError(PipelineError):
    """Bad arguments: an unknown actor, capability, date or backend name."""
