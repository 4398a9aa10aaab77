"""A fake RFC 3161 timestamp authority over HTTP, signing with a development TSA certificate.

POST / with an application/timestamp-query body answers a real TimeStampResp
(application/timestamp-reply). config["TSA_DOWN"] = True makes it answer 503, so
tests can prove that sealing fails closed; config["requests"] counts the queries.
"""
import threading

from asn1crypto import cms, core, keys, pem, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from flask import Flask, Response, request
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper


class _Stamper(DummyTimeStamper):
    """pyHanko's test TSA, holding its key loaded: it parses the key on every token otherwise,
    about 40 ms for RSA, which would make the fake the slowest part of every signature."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key = serialization.load_der_private_key(self.tsa_key.dump(), password=None,
                                                       unsafe_skip_rsa_key_validation=True)

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt):
        digest = hashes.Hash(getattr(hashes, md_algorithm.upper())())
        digest.update(tst_info_data)
        attributes = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
            simple_cms_attribute("message_digest", digest.finalize()),
        ])
        signature = self._key.sign(attributes.dump(), PKCS1v15(), getattr(hashes, md_algorithm.upper())())
        return signature, attributes


def _der(path) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    return pem.unarmor(data)[2] if pem.detect(data) else data


def create_fake_tsa(tsa_cert_path, tsa_key_path, ca_cert_path=None) -> Flask:
    tsa_cert = x509.Certificate.load(_der(tsa_cert_path))
    tsa_key = keys.PrivateKeyInfo.load(_der(tsa_key_path))
    chain = [x509.Certificate.load(_der(ca_cert_path))] if ca_cert_path else []
    stamper = _Stamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=chain)

    app = Flask(__name__)
    app.config["TSA_DOWN"] = False
    app.config["requests"] = 0
    lock = threading.Lock()

    @app.post("/")
    def timestamp():
        with lock:
            app.config["requests"] += 1
        if app.config["TSA_DOWN"]:
            return Response("timestamp service unavailable", status=503, mimetype="text/plain")
        if request.mimetype != "application/timestamp-query":
            return Response("expected application/timestamp-query", status=400, mimetype="text/plain")
        try:
            query = tsp.TimeStampReq.load(request.get_data())
            query.native  # parse the whole structure now, not lazily while signing
        except Exception:  # noqa: BLE001 - any undecodable body is the client's fault
            return Response("malformed timestamp request", status=400, mimetype="text/plain")
        reply = stamper.request_tsa_response(query)
        return Response(reply.dump(), status=200, mimetype="application/timestamp-reply")

    return app
