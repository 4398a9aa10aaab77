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
    """One transaction. On SQLite a batch migration rebuilds a table that others point at, which
    foreign keys checked row by row refuse: they are checked once, after the last migration."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:   # a PRAGMA inside a transaction is ignored: on the raw connection, before BEGIN
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


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
        """Re-encrypt every personal-data value and uploaded file under the active data key (after rotation)."""
        from app.db import transaction
        from app.keys import reencrypt_all, reseal_files

        with transaction():
            counts = reencrypt_all() | reseal_files(current_app.extensions["storage"])
        for table, count in counts.items():
            click.echo(f"{table}: {count} values re-encrypted")

    @app.cli.command("verify")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def verify(path):
        """Check a sealed PDF: registry, seal (against the platform roots, offline) and evidence; exit 1 if not valid."""
        from flask import current_app

        from app.documents.services import verify_file

        with open(path, "rb") as source:
            report = verify_file(source.read(), seal=current_app.extensions["sealing"].seal, max_bytes=10 ** 9)
        click.echo(f"SHA-256  {report['sha256']}")
        for key, label in (("registry", "登记"), ("signature", "签章"), ("evidence", "证据")):
            finding = report[key]
            click.echo(f"{label}  {'通过' if finding['ok'] else '不通过'}  {finding['message']}")
        if report["document"]:
            document = report["document"]
            click.echo(f"文件  {document['title']} · {document['status_text']} · 签署人 {document['signer']} · "
                       f"核验码 {document['verify_code']}")
        click.echo("结论  " + ("文件真实有效" if report["valid"] else "文件无效或已被改动"))
        raise SystemExit(0 if report["valid"] else 1)

    @app.cli.group()
    def letters():
        """Authorization letter versions."""

    @letters.command("require")
    @click.argument("version")
    def letters_require(version):
        """Policy requires this letter version: consents signed under an older one return to pending."""
        from app.authorizations.services import require_letter_version
        from app.common.actor import Actor
        from app.db import transaction

        with transaction():
            count = require_letter_version(version, actor=Actor(role="system"))
        click.echo(f"{count} authorizations returned to pending")

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

    @app.cli.group()
    def datasources():
        """Department data sources (部门数据)."""

    @datasources.command("import")
    @click.argument("kind")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def datasources_import(kind, path):
        """Import a department CSV file (all rows or none); exit 1 with the report when rejected."""
        from app.common.actor import Actor
        from app.common.errors import DomainError
        from app.datasources import services as datasources_services
        from app.db import commit, rollback

        def progress(done, total):
            click.echo(f"\r{done}/{total} 行（{min(100, done * 100 // max(total, 1))}%）", nl=False, err=True)

        with open(path, "rb") as source:
            data = source.read()
        try:
            record = datasources_services.import_file(kind, data, actor=Actor(role="system"), progress=progress,
                                                      max_bytes=current_app.config["DATASOURCE_MAX_BYTES"])
            commit()
        except datasources_services.ImportRejected as rejected:
            commit()   # the rejected import and its report stay on record; no row was stored
            report = datasources_services.present_import(rejected.data_import, rows=1000)
            click.echo(f"\n{rejected.message}", err=True)
            for row in report["rejected_rows"]:
                value = f"（{row['value']}）" if row.get("value") is not None else ""
                click.echo(f"  第{row['line']}行 {row['column']}: {row['reason']}{value}", err=True)
            raise SystemExit(1)
        except DomainError as error:
            rollback()
            click.echo(f"\n{error.message}: {error.errors}" if error.errors else f"\n{error.message}", err=True)
            raise SystemExit(1)
        state = "此文件已导入过，未作改动" if record.repeated else "导入成功"
        click.echo(f"\n{state}：导入记录 {record.id}，共 {record.rows_total} 行，接受 {record.rows_accepted} 行"
                   + (f"（{record.encoding} 编码）" if record.encoding != "utf-8" else ""))

    @datasources.command("layouts")
    def datasources_layouts():
        """Print the CSV layout of every kind (Markdown, for the README)."""
        from app.datasources.domain import layouts_markdown

        click.echo(layouts_markdown())
