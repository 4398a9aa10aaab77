"""JSON logs on stderr, with personal data redacted from every record before any handler sees it."""
import logging
import re
import sys

from pythonjsonlogger.json import JsonFormatter

# ID numbers and mobile numbers, wherever they slip into a message, an argument or a traceback.
PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")
REDACTED = "[redacted]"
_base_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    return PERSONAL.sub(REDACTED, text)


def _redacting_factory(*args, **kwargs) -> logging.LogRecord:
    """Messages, arguments and tracebacks are cleaned when the record is made."""
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 — a malformed call must not break logging
        return record
    if PERSONAL.search(message):
        record.msg, record.args = redact(message), ()
    if record.exc_info:
        # Exception texts can carry a value that was being processed; keep only the cleaned text.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    return record


class RedactExtras(logging.Filter):
    """`extra=` fields are added after the record is made: clean them at the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and PERSONAL.search(value):
                setattr(record, key, redact(value))
        return True


def json_handler(stream) -> logging.Handler:
    """The service's log output: one JSON object a line, `extra=` fields redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level"}))
    handler.addFilter(RedactExtras())
    return handler


def configure(level: str = "INFO", stream=None) -> None:
    logging.setLogRecordFactory(_redacting_factory)
    handler = json_handler(stream or sys.stderr)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_shjz", False):
            root.removeHandler(existing)
    handler._shjz = True
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
