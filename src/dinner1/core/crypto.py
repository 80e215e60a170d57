"""Encryption of sensitive fields at rest, with rotating keys (MultiFernet).

The newest key encrypts; every configured key decrypts, so keys rotate without downtime:
add a new key first in the list, then re-encrypt old rows in the background.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class FieldCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("encrypted field cannot be read with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt under the newest key (a no-op in meaning, not in bytes)."""
        return self._fernet.rotate(token.encode()).decode()


_cipher: FieldCipher | None = None


def configure_field_cipher(keys: Sequence[str]) -> FieldCipher:
    """Install the process's cipher; the runtime and CLI commands call this at start."""
    global _cipher  # one cipher per process, like the logging config
    _cipher = FieldCipher(keys)
    return _cipher


def field_cipher() -> FieldCipher:
    if _cipher is None:
        raise RuntimeError("field encryption is not configured (configure_field_cipher)")
    return _cipher
