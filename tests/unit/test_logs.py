"""Personal data never reaches a log handler, whatever the handler."""
import io
import logging

import pytest

from app import logs

ID, PHONE = "610324199001011230", "13812345678"


@pytest.fixture
def captured():
    logs.configure("INFO", stream=io.StringIO())
    stream = io.StringIO()
    plain = logging.StreamHandler(stream)  # no filter of ours: proves the record itself is clean
    plain.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test.logs")
    logger.addHandler(plain)
    yield logger, stream
    logger.removeHandler(plain)


@pytest.mark.parametrize("message,args", [
    ("lookup %s", (ID,)), (f"sms to {PHONE}", ()), ("two: %s and %s", (PHONE, ID.lower())),
])
def test_messages_and_arguments_are_redacted(captured, message, args):
    logger, stream = captured
    logger.warning(message, *args)
    assert ID not in stream.getvalue() and PHONE not in stream.getvalue()
    assert logs.REDACTED in stream.getvalue()


def test_tracebacks_are_redacted(captured):
    logger, stream = captured
    try:
        raise ValueError(f"bad value {ID}")
    except ValueError:
        logger.exception("failed")
    assert ID not in stream.getvalue() and "ValueError: bad value [redacted]" in stream.getvalue()


def test_ordinary_numbers_are_kept(captured):
    logger, stream = captured
    logger.info("took %s ms for %s rows, request 20261123", 12.5, 1000)
    assert stream.getvalue().strip() == "took 12.5 ms for 1000 rows, request 20261123"
