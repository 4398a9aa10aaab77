"""Pages served by the app itself (API.md): the applicant H5 at /, the signing page a QR code opens,
the caseworker console, the public verify page, and in demo mode a guide to walking the flows.

The phone pages and the console are built from frontend/ into PAGES_DIR (static/pages; make run
and make test build them), their assets served under /pages/; the verify page is plain HTML in
static/. Each page is the same file whatever its path says, so a signing token never reaches the
page's HTML, title or logs."""
from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

from app.common.errors import DependencyUnavailable, NotFound
from app.web import access

blp = Blueprint("pages", __name__)
# Vant and Element Plus set element styles from script (allowed); the built CSS comes from the app
# itself and inlines Vant's icon font. Images: the app's own, and object URLs of files fetched with a
# token (QR codes, PDFs, photos).
PAGE_CSP = ("default-src 'self'; img-src 'self' blob: data:; font-src 'self' data:; frame-src 'self' blob:; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")


def _page(folder: str, name: str):
    response = send_from_directory(folder, name, mimetype="text/html", max_age=0)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


def _built(name: str):
    folder = current_app.config["PAGES_DIR"]
    if not (Path(folder) / name).is_file():
        raise DependencyUnavailable("页面尚未构建：请运行 make run 或 make build-pages")
    return _page(folder, name)


@blp.get("/pages/assets/<path:filename>")
@access.public
def asset(filename):
    """Scripts, styles and fonts of the built pages; their names carry a content hash, so they keep."""
    return send_from_directory(Path(current_app.config["PAGES_DIR"]) / "assets", filename, max_age=31536000)


@blp.get("/")
@access.public
def applicant_page():
    return _built("index.html")


@blp.get("/sign/<string(minlength=16, maxlength=128):token>")
@access.public
def sign_page(token):
    return _built("sign.html")


@blp.get("/console")
@access.public
def console_page():
    return _built("console.html")


@blp.get("/demo")
@access.public
def demo_page():
    if not current_app.config["DEMO_MODE"]:
        raise NotFound()
    return _built("demo.html")


@blp.get("/verify/<string(minlength=8, maxlength=40):verify_code>")
@access.public
def verify_page(verify_code):
    return _page(current_app.static_folder, "verify.html")
