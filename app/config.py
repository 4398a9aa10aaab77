"""Configuration from the environment; production refuses development defaults."""
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.common.crypto import new_key

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
DEV_SECRETS = "dev-secrets.json"
WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}


class ConfigError(RuntimeError):
    """The service must not start with this configuration."""


def env_value(name, default=None):
    """A setting from NAME, or from the file named by NAME_FILE (for secret stores)."""
    value = os.environ.get(name)
    if value is None and os.environ.get(name + "_FILE"):
        value = Path(os.environ[name + "_FILE"]).read_text().strip()
    return default if value in (None, "") else value


def _bool(value) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    return int(env_value(name, default))


def _dev_secrets(instance: Path) -> dict:
    """Generated once into instance/ for development; never committed, refused in production."""
    path = instance / DEV_SECRETS
    if path.exists():
        return json.loads(path.read_text())
    instance.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    values = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_PRIVATE_KEY": private.decode("ascii"),
        "DATA_KEYS": f"dev1:{new_key()}",
        "BLIND_INDEX_KEY": new_key(),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


SECRET_NAMES = ("SECRET_KEY", "JWT_PRIVATE_KEY", "DATA_KEYS", "BLIND_INDEX_KEY")


def load_config(overrides: dict | None = None) -> dict:
    """Every setting, from the environment (see the README's table), then overrides."""
    overrides = overrides or {}
    env = overrides.get("APP_ENV", env_value("APP_ENV", "development"))
    instance = Path(overrides.get("INSTANCE_PATH", INSTANCE))
    production = env == "production"
    cfg = {
        "APP_ENV": env,
        "DEBUG": _bool(env_value("DEBUG", "0")),
        "TESTING": env == "test",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": env_value("DATABASE_URL", f"sqlite:///{instance / 'app.db'}"),
        "ALLOW_SQLITE_IN_PRODUCTION": _bool(env_value("ALLOW_SQLITE_IN_PRODUCTION", "0")),
        "DB_POOL_SIZE": _int("DB_POOL_SIZE", 5),
        "REDIS_URL": env_value("REDIS_URL"),
        "JOB_BACKEND": env_value("JOB_BACKEND", "redis" if env_value("REDIS_URL") else "sqlite"),
        "JOB_SQLITE_PATH": env_value("JOB_SQLITE_PATH", str(instance / "jobs.db")),
        "DEMO_MODE": _bool(env_value("DEMO_MODE", "0")),
        "LOG_LEVEL": env_value("LOG_LEVEL", "INFO"),
        "TRUSTED_PROXY_COUNT": _int("TRUSTED_PROXY_COUNT", 0),
        "PUBLIC_BASE_URL": env_value("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "PAGES_DIR": env_value("PAGES_DIR", str(ROOT / "static" / "pages")),
        # Tokens and sessions
        "JWT_ISSUER": env_value("JWT_ISSUER", "shjz"),
        "JWT_AUDIENCE": env_value("JWT_AUDIENCE", "shjz-api"),
        "JWT_PREVIOUS_PUBLIC_KEYS": env_value("JWT_PREVIOUS_PUBLIC_KEYS", ""),
        "ACCESS_TOKEN_TTL": _int("ACCESS_TOKEN_TTL", 900),
        "STAFF_IDLE_TIMEOUT": _int("STAFF_IDLE_TIMEOUT", 900),
        "STAFF_SESSION_MAX": _int("STAFF_SESSION_MAX", 12 * 3600),
        "APPLICANT_IDLE_TIMEOUT": _int("APPLICANT_IDLE_TIMEOUT", 7 * 86400),
        "APPLICANT_SESSION_MAX": _int("APPLICANT_SESSION_MAX", 30 * 86400),
        "DATA_KEY_ACTIVE": env_value("DATA_KEY_ACTIVE"),
        # Staff log-in
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 8),
        "ARGON2_TIME_COST": _int("ARGON2_TIME_COST", 2),
        "ARGON2_MEMORY_KIB": _int("ARGON2_MEMORY_KIB", 19456),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW": _int("LOGIN_FAILURE_WINDOW", 900),
        "LOGIN_DAILY_MAX_FAILURES": _int("LOGIN_DAILY_MAX_FAILURES", 100),
        # SMS one-time codes
        "OTP_TTL": _int("OTP_TTL", 300),
        "OTP_MAX_TRIES": _int("OTP_MAX_TRIES", 5),
        "OTP_LOCK_SECONDS": _int("OTP_LOCK_SECONDS", 600),
        "OTP_SEND_LIMITS": env_value("OTP_SEND_LIMITS", "1/60,5/3600,10/86400"),
        "OTP_IP_LIMIT": env_value("OTP_IP_LIMIT", "25 per 5 minutes"),
        "SMS_BACKEND": env_value("SMS_BACKEND", "console"),
        "SMS_HTTP_URL": env_value("SMS_HTTP_URL"),
        "SMS_HTTP_TOKEN": env_value("SMS_HTTP_TOKEN", ""),
        "SMS_SIGN_NAME": env_value("SMS_SIGN_NAME", "社会救助掌上办"),
        "SMS_TIMEOUT": float(env_value("SMS_TIMEOUT", "5")),
        "SMS_TEMPLATE_IDS": env_value("SMS_TEMPLATE_IDS", ""),
        # WeChat
        "WECHAT_API_BASE": env_value("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_MINIPROGRAM_APPID": env_value("WECHAT_MINIPROGRAM_APPID", "wx-demo-miniprogram"),
        "WECHAT_MINIPROGRAM_SECRET": env_value("WECHAT_MINIPROGRAM_SECRET", "demo-miniprogram-secret"),
        "WECHAT_OA_APPID": env_value("WECHAT_OA_APPID", "wx-demo-official-account"),
        "WECHAT_OA_SECRET": env_value("WECHAT_OA_SECRET", "demo-official-account-secret"),
        "WECHAT_TIMEOUT": float(env_value("WECHAT_TIMEOUT", "5")),
        # Where the applicant H5 sends the browser for official-account OAuth (the fake's in demo mode).
        "WECHAT_OAUTH_AUTHORIZE_URL": env_value("WECHAT_OAUTH_AUTHORIZE_URL",
                                                "https://open.weixin.qq.com/connect/oauth2/authorize"),
        "WECHAT_NOTICE_TEMPLATE": env_value("WECHAT_NOTICE_TEMPLATE", "demo-notice-template"),
        # HTTP behaviour
        "RATELIMIT_ENABLED": _bool(env_value("RATELIMIT_ENABLED", "1")),
        "RATELIMIT_DEFAULT": env_value("RATELIMIT_DEFAULT", "300 per minute"),
        "RATELIMIT_LOGIN": env_value("RATELIMIT_LOGIN", "20 per minute"),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 11 * 1024 * 1024),
        "MAX_JSON_BYTES": _int("MAX_JSON_BYTES", 2 * 1024 * 1024),
        "STORAGE_BACKEND": env_value("STORAGE_BACKEND", "local"),
        "UPLOAD_DIR": env_value("UPLOAD_DIR", str(instance / "uploads")),
        "S3_ENDPOINT": env_value("S3_ENDPOINT", ""),
        "S3_BUCKET": env_value("S3_BUCKET", "shjz-evidence"),
        "S3_ACCESS_KEY": env_value("S3_ACCESS_KEY", ""),
        "S3_SECRET_KEY": env_value("S3_SECRET_KEY", ""),
        "S3_REGION": env_value("S3_REGION", "us-east-1"),
        "IDEMPOTENCY_TTL": _int("IDEMPOTENCY_TTL", 86400),
        # Electronic authorization: the seal, the timestamp authority, the letter's validity
        "CJK_FONT": env_value("CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        "SEAL_PKCS12_FILE": env_value("SEAL_PKCS12_FILE"),
        "SEAL_PKCS12_PASSWORD": env_value("SEAL_PKCS12_PASSWORD"),
        "SEAL_PKCS11_LIBRARY": env_value("SEAL_PKCS11_LIBRARY"),
        "SEAL_PKCS11_TOKEN": env_value("SEAL_PKCS11_TOKEN"),
        "SEAL_PKCS11_PIN": env_value("SEAL_PKCS11_PIN"),
        "SEAL_PKCS11_KEY_LABEL": env_value("SEAL_PKCS11_KEY_LABEL", "seal"),
        "SEAL_CERT_FILE": env_value("SEAL_CERT_FILE"),
        "SEAL_TRUST_ROOTS": env_value("SEAL_TRUST_ROOTS"),
        "SEAL_DEV_PKI_DIR": env_value("SEAL_DEV_PKI_DIR", str(instance / "pki")),
        "TSA_URL": env_value("TSA_URL", "http://127.0.0.1:5101/tsa/"),
        "TSA_TIMEOUT": float(env_value("TSA_TIMEOUT", "10")),
        "AUTHORIZATION_VALIDITY_MONTHS": _int("AUTHORIZATION_VALIDITY_MONTHS", 12),
        "VERIFY_RATE_LIMIT": env_value("VERIFY_RATE_LIMIT", "30 per minute"),
        "AUDIT_RETENTION_DAYS": _int("AUDIT_RETENTION_DAYS", 184),
        # Verification: departments that answer over HTTP (kind=url,…); the other kinds come from imports
        "DEPARTMENT_SOURCES": env_value("DEPARTMENT_SOURCES", ""),
        "DEPARTMENT_TOKEN": env_value("DEPARTMENT_TOKEN", ""),
        "DEPARTMENT_TIMEOUT": float(env_value("DEPARTMENT_TIMEOUT", "3")),
        "DATASOURCE_MAX_BYTES": _int("DATASOURCE_MAX_BYTES", 50 * 1024 * 1024),
    }
    for name in SECRET_NAMES:
        cfg[name] = env_value(name)
    cfg.update(overrides)
    missing = [name for name in SECRET_NAMES if not cfg.get(name)]
    if missing and not production:
        dev = _dev_secrets(instance)
        for name in missing:
            cfg[name] = dev[name]
        cfg["USING_DEV_SECRETS"] = True
    check_production(cfg)
    return cfg


def check_production(cfg: dict) -> None:
    """Refuse to serve real households with demo settings."""
    if cfg["APP_ENV"] != "production":
        return
    problems = []
    missing = [name for name in SECRET_NAMES if not cfg.get(name)]
    if missing:
        problems.append("missing secrets: " + ", ".join(missing))
    dev_file = Path(cfg["INSTANCE_PATH"]) / DEV_SECRETS
    if dev_file.exists():
        dev = json.loads(dev_file.read_text())
        reused = [name for name in SECRET_NAMES if cfg.get(name) and cfg.get(name) == dev.get(name)]
        if reused:
            problems.append("development secrets reused: " + ", ".join(reused))
    if (cfg.get("SECRET_KEY") or "").lower() in WEAK_SECRETS or len(cfg.get("SECRET_KEY") or "") < 32:
        problems.append("SECRET_KEY must be at least 32 random characters")
    if cfg["DEBUG"]:
        problems.append("DEBUG must be off")
    if cfg["DEMO_MODE"]:
        problems.append("DEMO_MODE must be off")
    if not cfg["RATELIMIT_ENABLED"]:
        problems.append("RATELIMIT_ENABLED must be on")
    if cfg["DATABASE_URL"].startswith("sqlite") and not cfg["ALLOW_SQLITE_IN_PRODUCTION"]:
        problems.append("SQLite needs ALLOW_SQLITE_IN_PRODUCTION=1")
    if cfg["SMS_BACKEND"] != "http" or not cfg.get("SMS_HTTP_URL"):
        problems.append("SMS_BACKEND must be 'http' with SMS_HTTP_URL set")
    if "demo" in (cfg["WECHAT_MINIPROGRAM_SECRET"] + cfg["WECHAT_OA_SECRET"]):
        problems.append("WeChat app ids and secrets must be the real ones, not the demo defaults")
    if not ((cfg.get("SEAL_PKCS12_FILE") or cfg.get("SEAL_PKCS11_LIBRARY")) and cfg.get("SEAL_TRUST_ROOTS")):
        problems.append("SEAL_PKCS12_FILE (or SEAL_PKCS11_LIBRARY) and SEAL_TRUST_ROOTS must name the platform seal "
                        "and its root (no dev PKI)")
    if not cfg.get("TSA_URL") or "127.0.0.1:5101" in cfg["TSA_URL"]:
        problems.append("TSA_URL must name the real timestamp authority")
    if problems:
        raise ConfigError("refusing to start in production: " + "; ".join(problems))
