"""Configuration: production refuses development defaults; development makes its own secrets."""
import json
import stat

import pytest

from app.config import DEV_SECRETS, SECRET_NAMES, ConfigError, load_config
from app.keys import fresh_secrets

# Everything load_config reads that could make a test depend on the machine it runs on.
ENVIRONMENT = [
    "APP_ENV", "DEBUG", "DEMO_MODE", "DATABASE_URL", "ALLOW_SQLITE_IN_PRODUCTION", "SMS_BACKEND", "SMS_HTTP_URL",
    "WECHAT_MINIPROGRAM_SECRET", "WECHAT_OA_SECRET", "SEAL_PKCS12_FILE", "SEAL_PKCS11_LIBRARY", "SEAL_TRUST_ROOTS",
    "TSA_URL",
    "INSTANCE_PATH", "DATA_KEY_ACTIVE", *SECRET_NAMES, *(name + "_FILE" for name in SECRET_NAMES),
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


REAL_PROVIDERS = {"SMS_BACKEND": "http", "SMS_HTTP_URL": "https://sms.example.gov.cn/send",
                  "WECHAT_MINIPROGRAM_SECRET": "a1b2c3", "WECHAT_OA_SECRET": "d4e5f6",
                  "SEAL_PKCS12_FILE": "/etc/shjz/seal.p12", "SEAL_TRUST_ROOTS": "/etc/shjz/root.pem",
                  "TSA_URL": "https://tsa.example.gov.cn/"}


def production(tmp_path, **overrides) -> dict:
    """A production configuration that should start, changed by `overrides`."""
    settings = {"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "ALLOW_SQLITE_IN_PRODUCTION": True,
                **REAL_PROVIDERS, **fresh_secrets()}
    settings.update(overrides)
    return settings


def test_production_with_strong_secrets_starts(tmp_path):
    cfg = load_config(production(tmp_path))
    assert cfg["APP_ENV"] == "production" and not cfg.get("USING_DEV_SECRETS")
    assert not (tmp_path / DEV_SECRETS).exists()


def test_production_reads_its_settings_from_the_environment(tmp_path, monkeypatch):
    for name, value in {**fresh_secrets(), **REAL_PROVIDERS, "APP_ENV": "production",
                        "ALLOW_SQLITE_IN_PRODUCTION": "1"}.items():
        monkeypatch.setenv(name, value)
    assert load_config({"INSTANCE_PATH": str(tmp_path)})["APP_ENV"] == "production"


def test_production_reads_a_secret_from_a_file(tmp_path, monkeypatch):
    settings = production(tmp_path)
    secret_key = settings.pop("SECRET_KEY")
    (tmp_path / "secret-key").write_text(secret_key + "\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "secret-key"))
    assert load_config(settings)["SECRET_KEY"] == secret_key


@pytest.mark.parametrize("change, problem", [
    pytest.param({name: None for name in SECRET_NAMES}, "missing secrets", id="no secrets"),
    pytest.param({"JWT_PRIVATE_KEY": ""}, "missing secrets: JWT_PRIVATE_KEY", id="one secret missing"),
    pytest.param({"SECRET_KEY": "changeme"}, "SECRET_KEY", id="weak secret key"),
    pytest.param({"SECRET_KEY": "x" * 31}, "SECRET_KEY", id="short secret key"),
    pytest.param({"DEBUG": True}, "DEBUG", id="debug on"),
    pytest.param({"DEMO_MODE": True}, "DEMO_MODE", id="demo mode on"),
    pytest.param({"ALLOW_SQLITE_IN_PRODUCTION": False}, "SQLite", id="sqlite not allowed"),
    pytest.param({"SMS_BACKEND": "console"}, "SMS_BACKEND", id="console sms"),
])
def test_production_refuses(tmp_path, change, problem):
    with pytest.raises(ConfigError, match=problem):
        load_config(production(tmp_path, **change))


@pytest.mark.parametrize("name, value, problem", [
    ("DEBUG", "1", "DEBUG"),
    ("DEMO_MODE", "true", "DEMO_MODE"),
    ("ALLOW_SQLITE_IN_PRODUCTION", "0", "SQLite"),
])
def test_production_refuses_unsafe_environment(tmp_path, monkeypatch, name, value, problem):
    monkeypatch.setenv(name, value)
    settings = production(tmp_path)
    settings.pop(name, None)
    with pytest.raises(ConfigError, match=problem):
        load_config(settings)


def test_production_with_no_secrets_at_all_refuses_and_writes_nothing(tmp_path):
    with pytest.raises(ConfigError, match="missing secrets"):
        load_config({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / DEV_SECRETS).exists()


def test_postgresql_needs_no_sqlite_flag(tmp_path):
    settings = production(tmp_path, ALLOW_SQLITE_IN_PRODUCTION=False,
                          DATABASE_URL="postgresql+psycopg://shjz@db/shjz")
    assert load_config(settings)["DATABASE_URL"].startswith("postgresql")


def test_development_generates_secrets_once_into_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    first = load_config({"INSTANCE_PATH": str(instance)})
    path = instance / DEV_SECRETS
    assert first["APP_ENV"] == "development" and first["USING_DEV_SECRETS"] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert all(first[name] == stored[name] for name in SECRET_NAMES)
    second = load_config({"INSTANCE_PATH": str(instance)})
    assert all(second[name] == first[name] for name in SECRET_NAMES)


def test_development_keeps_secrets_it_was_given(tmp_path):
    given = fresh_secrets()
    cfg = load_config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": given["SECRET_KEY"]})
    assert cfg["SECRET_KEY"] == given["SECRET_KEY"]
    assert cfg["DATA_KEYS"] == json.loads((tmp_path / DEV_SECRETS).read_text())["DATA_KEYS"]


@pytest.mark.parametrize("reused", SECRET_NAMES)
def test_production_refuses_secrets_copied_from_development(tmp_path, reused):
    dev = load_config({"INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError, match=f"development secrets reused: {reused}"):
        load_config(production(tmp_path, **{reused: dev[reused]}))


def test_production_takes_a_hardware_seal_key_instead_of_a_file(tmp_path):
    settings = production(tmp_path, SEAL_PKCS12_FILE=None, SEAL_PKCS11_LIBRARY="/usr/lib/softhsm/libsofthsm2.so")
    assert load_config(settings)["SEAL_PKCS11_LIBRARY"].endswith("libsofthsm2.so")


def test_production_next_to_a_dev_secrets_file_with_other_values_starts(tmp_path):
    load_config({"INSTANCE_PATH": str(tmp_path)})
    assert load_config(production(tmp_path))["APP_ENV"] == "production"


@pytest.mark.parametrize("override,fragment", [
    ({"SMS_HTTP_URL": None}, "SMS_HTTP_URL"),
    ({"WECHAT_OA_SECRET": "demo-official-account-secret"}, "WeChat"),
    ({"SEAL_PKCS12_FILE": None}, "SEAL_PKCS12_FILE"),
    ({"SEAL_PKCS12_FILE": None, "SEAL_PKCS11_LIBRARY": ""}, "SEAL_PKCS11_LIBRARY"),
    ({"SEAL_TRUST_ROOTS": None}, "SEAL_TRUST_ROOTS"),
    ({"TSA_URL": "http://127.0.0.1:5101/tsa/"}, "TSA_URL"),
])
def test_production_refuses_demo_providers(tmp_path, override, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_config(production(tmp_path, **override))
