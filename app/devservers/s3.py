"""A fake S3-compatible object store: PUT, GET, HEAD and DELETE of objects, S3's XML errors.

It checks that requests are signed (AWS4-HMAC-SHA256) with the expected access key; it does
not recompute signatures.
"""
import hashlib

from flask import Flask, Response, request

ERROR = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message>"
         "<Key>{key}</Key><BucketName>{bucket}</BucketName><Resource>/{bucket}/{key}</Resource>"
         "<RequestId>fake</RequestId><HostId>fake</HostId></Error>")


def create_fake_s3(access_key: str, buckets: tuple[str, ...] = ("shjz-evidence",)) -> Flask:
    app = Flask(__name__)
    objects: dict[tuple[str, str], tuple[bytes, str]] = {}
    app.config["objects"] = objects

    def error(status, code, message, bucket, key):
        return Response(ERROR.format(code=code, message=message, bucket=bucket, key=key), status=status,
                        mimetype="application/xml")

    @app.route("/<bucket>/<path:key>", methods=["PUT", "GET", "HEAD", "DELETE"])
    def object_(bucket, key):
        if f"Credential={access_key}/" not in request.headers.get("Authorization", ""):
            return error(403, "InvalidAccessKeyId", "The access key does not exist", bucket, key)
        if bucket not in buckets:
            return error(404, "NoSuchBucket", "The bucket does not exist", bucket, key)
        if request.method == "PUT":
            body = request.get_data()
            objects[(bucket, key)] = (body, request.content_type or "application/octet-stream")
            return Response(status=200, headers={"ETag": f'"{hashlib.md5(body).hexdigest()}"'})
        if request.method == "DELETE":
            objects.pop((bucket, key), None)
            return Response(status=204)
        if (bucket, key) not in objects:
            return error(404, "NoSuchKey", "The specified key does not exist.", bucket, key)
        body, content_type = objects[(bucket, key)]
        return Response(b"" if request.method == "HEAD" else body, mimetype=content_type,
                        headers={"ETag": f'"{hashlib.md5(body).hexdigest()}"', "Content-Length": str(len(body))})

    return app
