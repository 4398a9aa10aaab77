"""Encryption at rest with key ids, and HMAC blind indexes."""
import base64

import pytest
from cryptography.exceptions import InvalidTag

from app.common.crypto import Keyring, UnknownKey, new_key, parse_keys

K1, K2, BLIND, OTHER_BLIND = (new_key() for _ in range(4))


def keyring(spec=f"k1:{K1}", active=None, blind=BLIND) -> Keyring:
    return Keyring.from_settings(spec, active, blind)


def flip_byte(token: str, index: int) -> str:
    kid, _, body = token.partition(":")
    raw = bytearray(base64.b64decode(body))
    raw[index] ^= 0x01
    return f"{kid}:{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize("plaintext", [
    "610324199001011230", "13812345678", "张三 陕西省宝鸡市", "", "x" * 10_000,
])
def test_encrypt_then_decrypt_returns_the_plaintext(plaintext):
    ring = keyring()
    token = ring.encrypt(plaintext)
    assert token.startswith("k1:")
    assert Keyring.key_id(token) == "k1"
    assert plaintext not in token or plaintext == ""
    assert ring.decrypt(token) == plaintext


def test_the_same_plaintext_encrypts_differently_each_time():
    ring = keyring()
    assert ring.encrypt("张三") != ring.encrypt("张三")


def test_after_rotation_old_values_decrypt_and_new_ones_use_the_new_key():
    old = keyring(f"k1:{K1}").encrypt("李四")
    rotated = keyring(f"k1:{K1},k2:{K2}")
    assert rotated.active == "k2"
    assert rotated.decrypt(old) == "李四"
    assert Keyring.key_id(rotated.encrypt("李四")) == "k2"


def test_active_key_can_be_named_explicitly():
    assert keyring(f"k1:{K1},k2:{K2}", active="k1").active == "k1"


def test_a_key_that_was_dropped_is_an_unknown_key():
    token = keyring(f"k1:{K1},k2:{K2}").encrypt("王五")
    with pytest.raises(UnknownKey):
        keyring(f"k1:{K1}").decrypt(token)


@pytest.mark.parametrize("index", [0, 11, 12, -1])  # nonce, first ciphertext byte, tag
def test_a_flipped_byte_fails_authentication(index):
    ring = keyring()
    with pytest.raises(InvalidTag):
        ring.decrypt(flip_byte(ring.encrypt("610324199001011230"), index))


def test_a_value_decrypted_under_another_context_fails():
    ring = keyring()
    token = ring.encrypt("13812345678", context=b"account.phone")
    assert ring.decrypt(token, context=b"account.phone") == "13812345678"
    with pytest.raises(InvalidTag):
        ring.decrypt(token, context=b"member.phone")


def test_blind_index_is_deterministic_and_differs_per_domain_and_key():
    ring, other = keyring(), keyring(blind=OTHER_BLIND)
    index = ring.blind_index("id_number", "610324199001011230")
    assert index == ring.blind_index("id_number", "610324199001011230")
    assert index != ring.blind_index("phone", "610324199001011230")
    assert index != ring.blind_index("id_number", "610324199001011231")
    assert index != other.blind_index("id_number", "610324199001011230")
    assert "610324199001011230" not in index


def test_mac_is_separated_from_the_blind_index_of_the_same_domain():
    ring = keyring()
    assert ring.mac("otp", "123456") != ring.blind_index("otp", "123456")


def test_parse_keys_reads_several_keys():
    assert parse_keys(f" k1:{K1} , k2:{K2} ,") == {"k1": base64.b64decode(K1), "k2": base64.b64decode(K2)}
    assert parse_keys("") == {}


@pytest.mark.parametrize("spec", [
    "k1:" + base64.b64encode(b"x" * 16).decode(),
    "k1:" + base64.b64encode(b"x" * 33).decode(),
    "k1:not base64!!",
    "k1:",
    f":{K1}",
    f"k-1:{K1}",
    K1,
])
def test_parse_keys_refuses_malformed_keys(spec):
    with pytest.raises(ValueError):
        parse_keys(spec)


@pytest.mark.parametrize("spec, active, blind", [
    ("", None, BLIND),
    (f"k1:{K1}", "k9", BLIND),
    (f"k1:{K1}", None, base64.b64encode(b"short").decode()),
    (f"k1:{K1}", None, "not base64!!"),
])
def test_from_settings_refuses_incomplete_settings(spec, active, blind):
    with pytest.raises(ValueError):
        Keyring.from_settings(spec, active, blind)
