"""Marking strings for translation where they are defined but translated later."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark `message` for extraction; it is translated when shown."""
    return message
