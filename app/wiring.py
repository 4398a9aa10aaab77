"""Builds the keyring, token signer and adapters from configuration (the *_BACKEND settings)."""
from pathlib import Path

from app.adapters.department_data import make_sources
from app.adapters.seal import Pkcs11Key, PlatformSeal, ensure_dev_pki
from app.adapters.sms import make_sender
from app.adapters.storage import make_storage
from app.adapters.wechat import WechatClient
from app.common import crypto
from app.common.pdf import register_font
from app.authorizations.services import Sealing
from app.checks import services as checks
from app.datasources.domain import KINDS
from app.identity.services import AuthPolicy
from app.notifications.services import configure_dispatch
from app.identity.tokens import TokenSigner


def init_app(app) -> None:
    cfg = app.config
    keyring = crypto.Keyring.from_settings(cfg["DATA_KEYS"], cfg.get("DATA_KEY_ACTIVE"), cfg["BLIND_INDEX_KEY"])
    crypto.configure(keyring)
    app.extensions["keyring"] = keyring
    app.extensions["tokens"] = TokenSigner.from_pem(
        cfg["JWT_PRIVATE_KEY"], issuer=cfg["JWT_ISSUER"], audience=cfg["JWT_AUDIENCE"],
        ttl=cfg["ACCESS_TOKEN_TTL"], previous_pems=cfg["JWT_PREVIOUS_PUBLIC_KEYS"],
    )
    app.extensions["wechat"] = WechatClient(
        cfg["WECHAT_API_BASE"],
        {"miniprogram": (cfg["WECHAT_MINIPROGRAM_APPID"], cfg["WECHAT_MINIPROGRAM_SECRET"]),
         "official_account": (cfg["WECHAT_OA_APPID"], cfg["WECHAT_OA_SECRET"])},
        timeout=cfg["WECHAT_TIMEOUT"],
    )
    app.extensions["sms"] = make_sender(cfg)
    app.extensions["storage"] = make_storage(cfg)
    app.extensions["auth_policy"] = AuthPolicy.from_config(cfg)
    register_font(cfg["CJK_FONT"])  # once per process, and a missing font stops the start, not a signature
    app.extensions["sealing"] = Sealing(seal=make_seal(cfg), font_path=cfg["CJK_FONT"], base_url=cfg["PUBLIC_BASE_URL"],
                                        validity_months=cfg["AUTHORIZATION_VALIDITY_MONTHS"])
    app.extensions["department_sources"] = make_sources(cfg["DEPARTMENT_SOURCES"], kinds=KINDS,
                                                        token=cfg["DEPARTMENT_TOKEN"], timeout=cfg["DEPARTMENT_TIMEOUT"])
    from app.jobs import deliver_message, huey, issue_letter, run_batch, run_check
    from app.review import letters

    if cfg["JOB_BACKEND"] == "immediate":
        huey.immediate = True
    configure_dispatch(deliver_message)
    checks.configure_dispatch(run_check, run_batch)
    letters.configure_dispatch(issue_letter)


def make_seal(cfg) -> PlatformSeal:
    """The configured seal key (PKCS#11 module or PKCS#12 file), or outside production a development PKI."""
    common = {"tsa_url": cfg["TSA_URL"], "timeout": cfg["TSA_TIMEOUT"]}
    roots = [path.strip() for path in (cfg.get("SEAL_TRUST_ROOTS") or "").split(",") if path.strip()]
    if cfg.get("SEAL_PKCS11_LIBRARY"):
        key = Pkcs11Key(library=cfg["SEAL_PKCS11_LIBRARY"], token_label=cfg["SEAL_PKCS11_TOKEN"],
                        pin=cfg["SEAL_PKCS11_PIN"], key_label=cfg["SEAL_PKCS11_KEY_LABEL"],
                        certificate_file=cfg["SEAL_CERT_FILE"])
        return PlatformSeal(pkcs11=key, trust_roots=roots, **common)
    if cfg.get("SEAL_PKCS12_FILE"):
        password = cfg.get("SEAL_PKCS12_PASSWORD")
        return PlatformSeal(pkcs12_path=cfg["SEAL_PKCS12_FILE"], pkcs12_password=password.encode() if password else None,
                            trust_roots=roots, **common)
    pki = ensure_dev_pki(Path(cfg["SEAL_DEV_PKI_DIR"]))
    return PlatformSeal(pkcs12_path=str(pki.seal_p12), pkcs12_password=pki.seal_password,
                        trust_roots=[str(pki.ca_cert)], **common)
