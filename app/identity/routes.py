"""Identity endpoints (API.md, Identity) and staff account administration."""
from flask import current_app, g
from flask.views import MethodView

from app import limiter
from app.api import Blueprint, links
from app.identity import schemas, services, staff
from app.identity.domain import Role
from app.web import access
from app.web.access import current_actor
from app.web.etag import etag, if_match, required_version

blp = Blueprint("identity", __name__, url_prefix="/api/v1", description="Log-in, tokens, profile, staff accounts")

STAFF_ADMINS = (Role.ADMIN,)


def _policy():
    return current_app.extensions["auth_policy"]


def _signer():
    return current_app.extensions["tokens"]


@blp.post("/auth/wechat")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@blp.arguments(schemas.WechatLoginIn)
@blp.response(200, schemas.TokensOut)
@blp.alt_response(401, description="the code is invalid or already used")
@blp.alt_response(503, description="WeChat cannot be reached")
@access.public
def wechat_login(body):
    """Log in with a WeChat code (mini-program code2session or official-account OAuth)."""
    return services.login_with_wechat(body["channel"], body["code"], actor=current_actor(),
                                      wechat=current_app.extensions["wechat"], policy=_policy(), signer=_signer())


@blp.get("/auth/wechat/config")
@blp.response(200, schemas.WechatConfigOut)
@access.public
def wechat_config():
    """微信公众号网页授权参数：H5 页面据此跳转到微信授权页，授权后带 code 和 state 回到页面，
    再以 POST /api/v1/auth/wechat（channel 为 official_account）换取令牌。"""
    return {"appid": current_app.config["WECHAT_OA_APPID"],
            "authorize_url": current_app.config["WECHAT_OAUTH_AUTHORIZE_URL"], "scope": "snsapi_base"}


@blp.post("/auth/otp")
@limiter.limit(lambda: current_app.config["OTP_IP_LIMIT"])
@blp.arguments(schemas.OtpSendIn)
@blp.response(202)
@blp.alt_response(429, description="too many codes for this phone or from this address")
@access.public
def send_otp(body):
    """Send a six-digit code by SMS; the same answer whether or not the phone is known."""
    services.send_otp(body["phone"], body["purpose"], policy=_policy())
    return {"message": f"如手机号正确，验证码将以短信发送，{_policy().otp_ttl // 60}分钟内有效"}


@blp.post("/auth/otp/verify")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@blp.arguments(schemas.OtpVerifyIn)
@blp.response(200, schemas.TokensOut)
@blp.alt_response(401, description="wrong or expired code")
@blp.alt_response(429, description="too many wrong codes: locked for a while")
@access.public
def verify_otp(body):
    """Exchange an SMS code for tokens (an applicant account is created on first log-in)."""
    return services.login_with_otp(body["phone"], body["code"], actor=current_actor(), policy=_policy(),
                                   signer=_signer())


@blp.post("/auth/staff")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@blp.arguments(schemas.StaffLoginIn)
@blp.response(200, schemas.TokensOut)
@blp.alt_response(401, description="wrong credentials, or a TOTP code is required")
@blp.alt_response(429, description="locked after too many failures")
@access.public
def staff_login(body):
    """Staff log-in: password, then a TOTP code where the role requires one."""
    return services.login_staff(body["username"], body["password"], body["totp"], actor=current_actor(),
                                policy=_policy(), signer=_signer())


@blp.post("/auth/refresh")
@blp.arguments(schemas.RefreshIn)
@blp.response(200, schemas.TokensOut)
@blp.alt_response(401, description="unknown, expired or reused refresh token (reuse revokes the session)")
@access.public
def refresh(body):
    """Rotate a refresh token for a new pair."""
    return services.refresh_session(body["refresh_token"], actor=current_actor(), signer=_signer())


@blp.post("/auth/logout")
@blp.response(204)
@access.any_user
def logout():
    """End this session: its access and refresh tokens stop working at once."""
    services.logout(principal=g.principal, actor=current_actor())


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, schemas.AccountOut)
    @access.any_user
    def get(self):
        """My profile, personal data masked."""
        return services.get_account(g.principal.account_id)


@blp.post("/me/identity")
@blp.arguments(schemas.IdentityIn)
@blp.response(200, schemas.AccountOut)
@access.roles(Role.APPLICANT)
def bind_identity(body):
    """Real-name binding: name and resident ID number (checksum and birth date validated)."""
    return services.bind_identity(body["name"], body["id_number"], actor=current_actor())


@blp.get("/me/messages")
@blp.response(200, schemas.MessageOut(many=True))
@blp.paginate()
@access.any_user
def my_messages(pagination_parameters):
    """In-app copies of every notification sent to me, newest first."""
    return services.my_messages(actor=current_actor(), pagination=pagination_parameters)


# A change needs the ETag of the account as read.
EDIT_ACCOUNT = {"account_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}


@blp.route("/staff/accounts")
class StaffAccounts(MethodView):
    @blp.arguments(schemas.StaffQuery, location="query")
    @blp.response(200, schemas.AccountOut(many=True))
    @links(200, {"account_id": "$response.body#/0/id"}, "GET /staff/accounts/{account_id}")
    @blp.paginate()
    @access.roles(Role.ADMIN, Role.AUDITOR)
    def get(self, query, pagination_parameters):
        """Staff accounts in my region."""
        return staff.list_staff(query, actor=current_actor(), pagination=pagination_parameters)

    @blp.arguments(schemas.StaffCreateIn)
    @blp.response(201, schemas.StaffCreatedOut)
    @links(201, {"account_id": "$response.body#/id"}, "GET /staff/accounts/{account_id}")
    @links(201, EDIT_ACCOUNT, "PATCH /staff/accounts/{account_id}")
    @blp.alt_response(422, description="invalid field, weak password, or region outside my scope")
    @access.roles(*STAFF_ADMINS)
    def post(self, body):
        """Create a staff account in my region; district and admin roles get a TOTP secret (shown once)."""
        account, secret = staff.create_staff(**body, actor=current_actor(), policy=_policy())
        account.totp_uri = staff.totp_uri(account, secret) if secret else None
        return account, 201, {"ETag": etag(account.version)}


@blp.route("/staff/accounts/<id:account_id>")
class StaffAccountById(MethodView):
    @blp.response(200, schemas.AccountOut)
    @links(200, EDIT_ACCOUNT, "PATCH /staff/accounts/{account_id}")
    @blp.alt_response(404, description="no such account in my region")
    @access.roles(Role.ADMIN, Role.AUDITOR)
    def get(self, account_id):
        """One staff account (its ETag is needed to change it)."""
        account = staff.get_staff(account_id, actor=current_actor())
        return account, 200, {"ETag": etag(account.version)}

    @blp.arguments(schemas.StaffUpdateIn)
    @if_match
    @blp.response(200, schemas.StaffCreatedOut)
    @blp.alt_response(412, description="changed by someone else since you read it")
    @blp.alt_response(428, description="If-Match is missing")
    @access.roles(*STAFF_ADMINS)
    def patch(self, body, account_id):
        """Move, re-role, rename or disable a worker (If-Match required); effective on their next request."""
        account = staff.update_staff(account_id, body, expected_version=required_version(), actor=current_actor())
        return account, 200, {"ETag": etag(account.version)}
