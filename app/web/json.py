"""JSON for every answer: dates and times in ISO 8601 wherever they sit, as the schemas write them
(Flask's own default writes a datetime nested in a free-form dict as an HTTP date)."""
from datetime import date

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    ensure_ascii = False   # Chinese as it is, not \u escapes

    @staticmethod
    def default(value):
        if isinstance(value, date):   # a datetime is a date too
            return value.isoformat()
        return DefaultJSONProvider.default(value)
