"""Pages served by the app itself (API.md): for now the public verify page a sealed PDF's QR code opens."""
from flask import Blueprint, current_app, send_from_directory

from app.web import access

blp = Blueprint("pages", __name__)
PAGE_CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


@blp.get("/verify/<string(minlength=8, maxlength=40):verify_code>")
@access.public
def verify_page(verify_code):
    response = send_from_directory(current_app.static_folder, "verify.html", mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response
