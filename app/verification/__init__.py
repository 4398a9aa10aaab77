"""Verification (核对): policy parameters now; department data, rules and reports in later issues."""
