"""Department data sources and their batch CSV imports (API.md, Verification).

Imports are not region-scoped: a department file covers the whole jurisdiction, so every
verification officer sees every import; other roles get 403.
"""
from flask import current_app, request

from app.api import Blueprint, links
from app.datasources import domain, schemas, services
from app.identity.domain import Role
from app.web import access
from app.web.access import current_actor

blp = Blueprint("datasources", __name__, url_prefix="/api/v1/datasources", description="Department data sources")
IMPORT_ID = {"kind": "$request.path.kind", "import_id": "$response.body#/id"}


def _max_bytes() -> int:
    return current_app.config.get("DATASOURCE_MAX_BYTES", domain.MAX_BYTES)


@blp.before_request
def _allow_large_files():
    """A department file may exceed the app-wide upload limit; the service answers 413 past its own."""
    if request.method == "POST":
        request.max_content_length = _max_bytes() + 1024 * 1024


@blp.get("")
@blp.response(200, schemas.SourceOut(many=True))
@access.roles(Role.VERIFICATION_OFFICER, Role.ADMIN)
def list_sources():
    """Each department source: its CSV layout, record count and last import."""
    return services.list_sources()


@blp.post("/<kind>/imports")
@blp.arguments(schemas.ImportFileIn, location="files")
@blp.response(201, schemas.ImportOut)
@blp.alt_response(200, schema=schemas.ImportOut, success=True,
                  description="this file was imported before: the earlier import, nothing changed")
@links(201, IMPORT_ID, "GET /datasources/{kind}/imports/{import_id}")
@links(200, IMPORT_ID, "GET /datasources/{kind}/imports/{import_id}")
@blp.alt_response(404, description="no such kind of department data")
@blp.alt_response(413, description="over 50 MB")
@blp.alt_response(422, description="empty, undecodable, wrong header, or bad rows (errors keyed `line N: column`)")
@access.roles(Role.VERIFICATION_OFFICER)
def import_file(files, kind):
    """Import a department CSV: every row or none."""
    services.layout_for(kind)
    record = services.import_file(kind, files["file"].read(), actor=current_actor(), max_bytes=_max_bytes())
    return services.present_import(record), 200 if record.repeated else 201


@blp.get("/<kind>/imports/<id:import_id>")
@blp.response(200, schemas.ImportOut)
@blp.alt_response(404, description="no such kind, or no such import of it")
@access.roles(Role.VERIFICATION_OFFICER)
def get_import(kind, import_id):
    """One import: status, row counts and the first 100 rejected rows."""
    return services.present_import(services.get_import(kind, import_id))
