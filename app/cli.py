"""Operator commands: `flask db`, `flask demo`, `flask audit`, `flask keys`, `flask staff`."""
import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app

from app.config import ROOT


def alembic_config(connection=None) -> AlembicConfig:
    cfg = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_database(engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def register(app):
    @app.cli.group()
    def db():
        """Database schema (Alembic)."""

    @db.command("upgrade")
    @click.argument("revision", default="head")
    def db_upgrade(revision):
        """Bring the schema up to REVISION (head)."""
        upgrade_database(current_app.extensions["db_engine"], revision)
        click.echo(f"database at {revision}")

    @db.command("revision")
    @click.option("-m", "--message", required=True)
    def db_revision(message):
        """Autogenerate a migration from the models."""
        with current_app.extensions["db_engine"].begin() as connection:
            command.revision(alembic_config(connection), message=message, autogenerate=True)

    @app.cli.group()
    def demo():
        """Demo data."""

    @demo.command("load")
    def demo_load():
        """Load the demo region tree, staff and standards once; print the log-ins."""
        from app import demo as demo_data

        demo_data.load(echo=click.echo)

    @app.cli.group()
    def audit():
        """Audit trail."""

    @audit.command("verify")
    def audit_verify():
        """Recompute the hash chain; exit 1 naming the first broken event."""
        from app.audit.services import chain_report

        report = chain_report()
        if report["ok"]:
            click.echo(f"audit chain intact: {report['events']} events")
            return
        click.echo(f"audit chain BROKEN at seq {report['first_broken_seq']} (event id "
                   f"{report['first_broken_id']}): {report['reason']}", err=True)
        raise SystemExit(1)

    @app.cli.group()
    def keys():
        """Key management."""

    @keys.command("reencrypt")
    def keys_reencrypt():
        """Re-encrypt every personal-data value under the active data key (after rotation)."""
        from app.db import transaction
        from app.keys import reencrypt_all

        with transaction():
            counts = reencrypt_all()
        for table, count in counts.items():
            click.echo(f"{table}: {count} values re-encrypted")

    @app.cli.group()
    def calendar():
        """Working-day calendar."""

    @calendar.command("load")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def calendar_load(path):
        """Load an arrangement (放假调休) from a CSV of date,is_workday,note for years the package lacks."""
        from app.applications.calendar import load_arrangement
        from app.db import transaction

        with open(path, encoding="utf-8-sig") as source, transaction():
            count = load_arrangement(source)
        click.echo(f"{count} days loaded")

    @app.cli.group()
    def staff():
        """Staff accounts."""

    @staff.command("totp")
    @click.argument("username")
    def staff_totp(username):
        """Demo only: print a demo account's current TOTP code."""
        from app.demo import current_totp

        if not current_app.config["DEMO_MODE"] or current_app.config["APP_ENV"] == "production":
            raise click.ClickException("only in demo mode (DEMO_MODE=1)")
        click.echo(current_totp(username))
