"""Passwords are stored as argon2id hashes, never in clear, and verify only the right password."""

from __future__ import annotations

from engine.services.users import hash_password, verify_password


def test_hash_is_argon2id_and_salted() -> None:
    first, second = hash_password("demo-pass-2026"), hash_password("demo-pass-2026")
    assert first.startswith("$argon2id$")
    assert "demo-pass-2026" not in first
    assert first != second  # a fresh salt each time


def test_verify_accepts_only_the_right_password() -> None:
    stored = hash_password("correct horse")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "correct horse ")
    assert not verify_password("not-a-hash", "correct horse")
