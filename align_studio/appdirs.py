"""The app's own folders (config, data, log, cache) and its log file.

Everything the app keeps for the user outside a workspace lives in these four folders,
chosen by :mod:`platformdirs` for the platform. The environment variable
``ALIGN_STUDIO_HOME`` replaces all four with sub-folders of one directory, so that tests
and portable installs never touch the real home folder.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs

from align_studio.providers.redact import RedactingFilter, RedactingFormatter, redact

APP_NAME = "align-studio"
#: When set, config/data/log/cache are ``$ALIGN_STUDIO_HOME/{config,data,log,cache}``.
HOME_ENV = "ALIGN_STUDIO_HOME"
#: Log level for :func:`setup_logging` when none is given (DEBUG, INFO, WARNING…).
LOG_LEVEL_ENV = "ALIGN_STUDIO_LOG_LEVEL"
LOG_FILE_NAME = "align-studio.log"

_HANDLER_NAME = "align-studio-file"


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _folder(kind: str) -> Path:
    home = _home_override()
    if home is not None:
        path = home / kind
    else:
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        path = Path({
            "config": dirs.user_config_dir,
            "data": dirs.user_data_dir,
            "log": dirs.user_log_dir,
            "cache": dirs.user_cache_dir,
        }[kind])
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The folder of the app's settings (provider profiles…); created if missing."""
    return _folder("config")


def data_dir() -> Path:
    """The folder of the app's own data (not the user's specs); created if missing."""
    return _folder("data")


def log_dir() -> Path:
    """The folder of the app's log files; created if missing."""
    return _folder("log")


def cache_dir() -> Path:
    """The folder of disposable cached data; created if missing."""
    return _folder("cache")


def all_dirs() -> dict[str, Path]:
    """The four folders by kind, e.g. for a diagnostics page or a secrets scan in tests."""
    return {"config": config_dir(), "data": data_dir(), "log": log_dir(), "cache": cache_dir()}


def setup_logging(level: int | str | None = None, *, max_bytes: int = 1_000_000,
                  backups: int = 3) -> Path:
    """Send the ``align_studio`` loggers to a rotating file in :func:`log_dir`; return its path.

    Every record passes through a filter and a formatter that mask anything looking like
    an API key (and every key the app has handled), so keys never reach the log file, even
    in tracebacks. Calling this again replaces the earlier handler (the log folder may have
    changed, e.g. between tests).
    """
    if level is None:
        level = os.environ.get(LOG_LEVEL_ENV, "INFO").upper()
    path = log_dir() / LOG_FILE_NAME
    logger = logging.getLogger("align_studio")
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes,
                                                   backupCount=backups, encoding="utf-8")
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return path


def log_unhandled_exceptions() -> None:
    """Route exceptions nobody caught (in a Qt slot, on any thread) through the redacting log.

    Python's default hooks print the raw traceback, and a traceback can quote a key (a
    request's headers in a local variable's repr, a server's error text). The record goes to
    the log file through :func:`setup_logging`'s filter, and stderr gets the same redacted text.
    """
    log = logging.getLogger("align_studio.unhandled")

    def report(kind: type[BaseException], value: BaseException,
               tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unhandled exception\n%s", text)
        print(redact(text), file=sys.stderr, flush=True)

    def thread_report(args: threading.ExceptHookArgs) -> None:
        report(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = report
    threading.excepthook = thread_report
