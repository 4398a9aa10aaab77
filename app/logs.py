"""JSON logs on stderr, with a last line of defence against personal data."""
import logging
import re
import sys

from pythonjsonlogger.json import JsonFormatter

# ID numbers and mobile numbers, wherever they slip into a message or an argument.
PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if PERSONAL.search(message):
            record.msg, record.args = PERSONAL.sub("[redacted]", message), ()
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and key not in {"msg", "message"} and PERSONAL.search(value):
                setattr(record, key, PERSONAL.sub("[redacted]", value))
        return True


def configure(level: str = "INFO", stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level"}))
    handler.addFilter(RedactPersonalData())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_shjz", False):
            root.removeHandler(existing)
    handler._shjz = True
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
