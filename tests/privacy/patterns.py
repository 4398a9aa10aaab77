"""SECURITY.md's plaintext patterns (ID number, mobile number), shared by the scans of the run."""
import re

# Bounded so hex ids, hashes and base64 ciphertext that happen to hold digit runs do not count.
EDGE_BEFORE, EDGE_AFTER = r"(?<![0-9A-Za-z.-])", r"(?![0-9A-Za-z.-])"
PATTERNS = [re.compile(EDGE_BEFORE + r"\d{17}[\dXx]" + EDGE_AFTER),
            re.compile(EDGE_BEFORE + r"1[3-9]\d{9}" + EDGE_AFTER)]


def as_text(value) -> str:
    """Bytes (BLOBs, bytea, pickles) as Latin-1, so every ASCII digit in them is seen."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    return str(value)


def plaintext_in(value) -> list[str]:
    text = as_text(value)
    return [match.group() for pattern in PATTERNS for match in pattern.finditer(text)]
