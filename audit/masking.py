def mask_value(value: str) -> str:
    """A phone number as 138****5678 in a recorded change: enough to tell two numbers apart, not to call one."""
    text = str(value)
    if len(text) <= 4:
        return "*" * len(text)
    keep_head = 3 if len(text) >= 11 else 1
    return text[:keep_head] + "*" * (len(text) - keep_head - 4) + text[-4:]
