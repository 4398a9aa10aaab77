"""`python -m app.devservers`: the fake WeChat, SMS and timestamp-authority servers for demo mode."""
import argparse
import os

from pathlib import Path

from werkzeug.serving import run_simple

from app.adapters.seal import ensure_dev_pki
from app.config import INSTANCE

from app.devservers.department import create_fake_department
from app.devservers.faults import Hangable
from app.devservers.sms import create_fake_sms
from app.devservers.tsa import create_fake_tsa
from app.devservers.wechat import create_fake_wechat
from werkzeug.middleware.dispatcher import DispatcherMiddleware


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5101)
    args = parser.parse_args()
    wechat = create_fake_wechat({
        os.environ.get("WECHAT_MINIPROGRAM_APPID", "wx-demo-miniprogram"):
            os.environ.get("WECHAT_MINIPROGRAM_SECRET", "demo-miniprogram-secret"),
        os.environ.get("WECHAT_OA_APPID", "wx-demo-official-account"):
            os.environ.get("WECHAT_OA_SECRET", "demo-official-account-secret"),
    })
    sms = create_fake_sms(os.environ.get("SMS_HTTP_TOKEN", "demo-sms-token"))
    # The local timestamp authority signs with the development PKI the app made in instance/pki.
    pki = ensure_dev_pki(Path(os.environ.get("SEAL_DEV_PKI_DIR", INSTANCE / "pki")))
    tsa = create_fake_tsa(pki.tsa_cert, pki.tsa_key, pki.ca_cert)
    # A department that answers live and knows nobody: DEPARTMENT_SOURCES=civil_affairs=http://127.0.0.1:5101/department
    department = create_fake_department(os.environ.get("DEPARTMENT_TOKEN", ""))
    # WeChat's paths at the root, the SMS provider under /fake-sms, the TSA under /tsa, a department under /department.
    served = DispatcherMiddleware(wechat, {"/fake-sms": sms, "/tsa": tsa, "/department": department})
    # POST /_faults {"hang": ["wechat", "sms"]}: those fakes stop answering until lifted (make faults).
    served = Hangable(served, {"wechat": ("/sns/", "/cgi-bin/", "/connect/"), "sms": ("/fake-sms/sms/",)})
    run_simple("127.0.0.1", args.port, served, threaded=True)


if __name__ == "__main__":
    main()
