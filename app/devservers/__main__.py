"""`python -m app.devservers`: the fake WeChat and SMS servers for demo mode."""
import argparse
import os

from werkzeug.serving import run_simple

from app.devservers.sms import create_fake_sms
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
    # WeChat's paths at the root, the SMS provider under /fake-sms.
    run_simple("127.0.0.1", args.port, DispatcherMiddleware(wechat, {"/fake-sms": sms}), threaded=True)


if __name__ == "__main__":
    main()
