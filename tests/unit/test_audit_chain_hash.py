"""The chain's hashes against the standard constructions, on a message written out by hand: the keyed event
hash is RFC 2104 HMAC-SHA256 (as hmac.digest computes it) of the header and the stored details; the head
seal is the HMAC of "head", seq and hash; the pre-key hash is plain SHA-256 of the same message."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from engine.records.audit_chain import ChainSeal, Row, plain_row_hash
from engine.results import GENESIS_HASH

KEY = bytes.fromhex("00112233445566778899aabbccddeeff" * 2)
ROW: Row = (
    7,
    datetime(2026, 11, 23, 1, 0, 0, 5),
    "task_completed",
    4,
    "clerk1",
    "township_clerk",
    "demo-town-1",
    2,
    3,
    None,
    '{"task":"受理"}',
    GENESIS_HASH,
    "",
)
MESSAGE = (
    '[7,"2026-11-23T01:00:00.000005","task_completed",4,"clerk1","township_clerk","demo-town-1",2,3,null,'
    f'"{GENESIS_HASH}"]\n{{"task":"受理"}}'
).encode()


def test_the_event_hash_is_hmac_sha256_of_the_header_and_the_stored_details() -> None:
    assert ChainSeal(KEY).row_hash(ROW) == hmac.digest(KEY, MESSAGE, "sha256").hex()


def test_a_different_key_gives_a_different_hash_and_the_seal_is_reusable() -> None:
    seal = ChainSeal(KEY)
    first = seal.row_hash(ROW)
    assert seal.row_hash(ROW) == first  # every hash starts from the keyed state, never from the last one
    assert ChainSeal(bytes(32)).row_hash(ROW) != first


def test_the_head_seal_is_hmac_of_its_seq_and_hash() -> None:
    expected = hmac.digest(KEY, f"head\n7\n{'ab' * 32}".encode(), "sha256").hex()
    assert ChainSeal(KEY).head_seal(7, "ab" * 32) == expected


def test_the_pre_key_hash_is_plain_sha256_of_the_same_message() -> None:
    assert plain_row_hash(ROW) == hashlib.sha256(MESSAGE).hexdigest()
