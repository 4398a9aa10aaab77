"""The flask-smorest Api, answering its own errors in the project's envelope, and its Blueprint."""
from flask import send_from_directory
from marshmallow import Schema, fields
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.pagination import PaginationMetadataSchema
from swagger_ui_bundle import swagger_ui_path
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.routing import IntegerConverter

from app.errors import http_error_response
from app.web.schemas import MAX_ID, DecimalString


class IdConverter(IntegerConverter):
    """Positive ids that fit a BIGINT: a larger number is a 404, not a database error."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


class ErrorEnvelope(Schema):
    """The one error shape of API.md."""

    code = fields.Integer(metadata={"description": "HTTP status"})
    status = fields.String(metadata={"description": "HTTP reason phrase"})
    message = fields.String(metadata={"description": "what went wrong, in Chinese"})
    error = fields.String(metadata={"description": "stable machine code, e.g. AUTHORIZATION_INCOMPLETE"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field name → problems"})
    request_id = fields.String(allow_none=True)


class MultipartParser(FlaskParser):
    """Reads a `files` schema as flask-smorest documents it, the whole multipart/form-data body: its text
    parts beside its files (webargs would see the files only), and a part it does not declare refused
    like an unknown JSON field (webargs would drop it)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None}

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint with one schema per multipart body, so a form field is in the document.
    Every route module uses this one, so an upload added anywhere is read and documented alike."""

    ARGUMENTS_PARSER = MultipartParser()


def links(status: int, parameters: dict[str, str], *targets: str, body: dict | None = None):
    """OpenAPI links from the `status` response to each target ("GET /checks/{check_id}", under /api/v1),
    with the `parameters` its path names, those given with their place ("header.If-Match") and the `body`
    fields: clients, and schemathesis's stateful phase, chain calls by them."""
    described = {}
    for target in targets:
        method, path = target.split(" ")
        name = "_".join([method.lower(), *(part.strip("{}") for part in path.split("/") if part)])
        pointer = f"/api/v1{path}".replace("~", "~0").replace("/", "~1")
        described[name] = {
            "operationRef": f"#/paths/{pointer}/{method.lower()}",
            "parameters": {key: value for key, value in parameters.items() if "." in key or f"{{{key}}}" in path},
        }
        if body:
            described[name]["requestBody"] = body
    return SmorestBlueprint.doc(responses={status: {"links": described}})


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorEnvelope

    def _register_pagination_header(self):
        # X-Pagination carries JSON text: say so with `content`, not a bare object schema.
        self.spec.components.header("PAGINATION", {
            "description": "pagination metadata (JSON)",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }, lazy=True)

    def handle_http_exception(self, error):
        # flask-smorest rebuilds error responses and drops Werkzeug's headers (Allow on 405).
        return http_error_response(error)


def init_app(app) -> Api:
    app.url_map.converters["id"] = IdConverter
    app.config.update(
        API_TITLE="社会救助掌上办 API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs", OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {"description": "Mobile self-service for social assistance. Errors share one envelope."},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearer": []}],
        },
    )
    api = Api(app)
    app.extensions["api"] = api   # the request hooks read the query parameters each operation declares
    api.register_field(DecimalString, "string", None)
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})

    @app.get("/api/docs/assets/<path:filename>", endpoint="swagger_ui_assets")
    def swagger_ui_assets(filename):
        return send_from_directory(swagger_ui_path, filename)

    return api
