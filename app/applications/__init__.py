"""Applications and tracking: the household (一户一档), the declaration, evidence, submission, timeline."""
