"""Key rotation helpers: fresh production secrets, re-encryption under the active data key."""
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import String, select, type_coerce, update

from app.common import crypto
from app.db import Base, Encrypted, session


def fresh_secrets() -> dict[str, str]:
    private = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        # One line, so it fits any environment file; the service restores the newlines.
        "JWT_PRIVATE_KEY": private.decode("ascii").strip().replace("\n", "\\n"),
        "DATA_KEYS": f"k{secrets.token_hex(3)}:{crypto.new_key()}",
        "BLIND_INDEX_KEY": crypto.new_key(),
    }


def env_lines(values: dict[str, str]) -> str:
    """KEY="value" lines that bash, systemd EnvironmentFile and docker --env-file all read."""
    return "\n".join(f'{name}="{value}"' for name, value in values.items())


def encrypted_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                yield table, column


def reencrypt_all(batch: int = 500) -> dict[str, int]:
    """Every value not under the active key is decrypted and written back under it."""
    active_prefix = crypto.keyring().active + ":"
    counts = {}
    for table, column in encrypted_columns():
        (pk,) = table.primary_key.columns
        raw = type_coerce(column, String)
        done, last = 0, None
        while True:
            query = select(pk, raw).where(column.isnot(None), ~raw.startswith(active_prefix)).order_by(pk).limit(batch)
            if last is not None:
                query = query.where(pk > last)
            rows = session.execute(query).all()
            if not rows:
                break
            for key, ciphertext in rows:
                session.execute(update(table).where(pk == key).values({column.name: column.type.process_result_value(ciphertext, None)}))
            done += len(rows)
            last = rows[-1][0]
        counts[f"{table.name}.{column.name}"] = done
    return counts


def stored_files():
    """Tables that point at uploaded files (a storage_key and its content_type)."""
    for table in Base.metadata.sorted_tables:
        if {"storage_key", "content_type"} <= set(table.columns.keys()):
            yield table


def reseal_files(storage) -> dict[str, int]:
    """Every uploaded file not sealed under the active key (or stored in clear) is sealed again."""
    counts = {}
    for table in stored_files():
        rows = session.execute(select(table.c.storage_key, table.c.content_type).order_by(table.c.storage_key))
        counts[f"{table.name} files"] = sum(storage.reseal(key, content_type) for key, content_type in rows)
    return counts


if __name__ == "__main__":
    # `python -m app.keys`: fresh production secrets, no app or database needed.
    print(env_lines(fresh_secrets()))
