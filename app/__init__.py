"""社会救助掌上办: the application factory."""
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app import db, errors, logs
from app.web.json import JSONProvider

limiter = Limiter(key_func=get_remote_address)


def create_app(config: dict | None = None) -> Flask:
    """config → db → api → adapters → blueprints → errors."""
    cfg = config_module.load_config(config)
    logs.configure(cfg["LOG_LEVEL"])
    app = Flask(__name__, static_folder=str(config_module.ROOT / "static"), static_url_path="/static",
                instance_path=cfg["INSTANCE_PATH"])
    app.config.update(cfg)
    app.json = JSONProvider(app)
    if cfg["TRUSTED_PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg["TRUSTED_PROXY_COUNT"], x_proto=cfg["TRUSTED_PROXY_COUNT"])

    from app import wiring

    wiring.init_app(app)
    db.init_app(app)
    app.config.update(
        RATELIMIT_STORAGE_URI=cfg["REDIS_URL"] or "memory://",
        RATELIMIT_DEFAULT=cfg["RATELIMIT_DEFAULT"],
        # A Redis outage must not take log-in down with it: count in memory meanwhile.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_KEY_PREFIX=cfg.get("RATELIMIT_KEY_PREFIX", "shjz"),
        RATELIMIT_ENABLED=True,
    )
    limiter.init_app(app)
    # Tests switch counting off (and back on where they test it) without unhooking the limiter.
    limiter.enabled = cfg["RATELIMIT_ENABLED"]

    from app import api as api_module

    api = api_module.init_app(app)
    _register_blueprints(app, api)
    _install_hooks(app)
    errors.register(app)
    _register_cli(app)
    return app


def _register_blueprints(app, api):
    from app.applications.routes import blp as applications_blp
    from app.audit.routes import blp as audit_blp
    from app.authorizations.routes import blp as authorizations_blp
    from app.checks.routes import blp as checks_blp
    from app.datasources.routes import blp as datasources_blp
    from app.documents.routes import blp as documents_blp
    from app.health import blp as health_blp
    from app.identity.routes import blp as identity_blp
    from app.regions.routes import blp as regions_blp
    from app.review.routes import blp as review_blp, letters_blp, notices_blp
    from app.stats.routes import blp as stats_blp
    from app.verification.routes import blp as policy_blp
    from app.web.pages import blp as pages_blp

    app.register_blueprint(health_blp)
    app.register_blueprint(pages_blp)
    for blueprint in (identity_blp, regions_blp, policy_blp, applications_blp, authorizations_blp, documents_blp,
                      audit_blp, datasources_blp, checks_blp, review_blp, letters_blp, notices_blp, stats_blp):
        api.register_blueprint(blueprint)


def _install_hooks(app):
    from app.identity.services import authenticate_access_token, record_denial
    from app.web import hooks

    signer = app.extensions["tokens"]
    hooks.install(app, authenticate=lambda token: authenticate_access_token(token, signer=signer),
                  on_denied=record_denial)


def _register_cli(app):
    from app import cli

    cli.register(app)
