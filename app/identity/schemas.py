"""Request and response shapes of identity; ID numbers and phones leave masked."""
from marshmallow import fields, validate

from app.common.masking import mask_id_number, mask_name, mask_phone
from app.identity.domain import STAFF_ROLES, OtpPurpose
from app.web.schemas import BaseSchema, IdNumber, PersonName, Phone

Username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,64}$",
                                                                  error="用户名为3到64位字母、数字或 _ . -"))


class WechatLoginIn(BaseSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    channel = fields.String(required=True, validate=validate.OneOf(["miniprogram", "official_account"]))


class WechatConfigOut(BaseSchema):
    appid = fields.String(metadata={"description": "公众号的 appid（网页授权用）"})
    authorize_url = fields.String(metadata={"description": "微信网页授权地址，页面带上 appid、redirect_uri、"
                                                           "response_type=code、scope、state 及 #wechat_redirect 跳转"})
    scope = fields.String(metadata={"description": "授权范围：snsapi_base（静默授权，只取 openid）"})


class OtpSendIn(BaseSchema):
    phone = Phone(required=True)
    purpose = fields.String(load_default=OtpPurpose.LOGIN.value, validate=validate.OneOf([OtpPurpose.LOGIN.value, OtpPurpose.REVOKE.value]),
                             metadata={"description": "login, or revoke (a signer withdrawing an authorization)"})


class OtpVerifyIn(BaseSchema):
    phone = Phone(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="验证码为6位数字"))


class StaffLoginIn(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    totp = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{6}$", error="动态码为6位数字"))


class RefreshIn(BaseSchema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=20, max=200))


class AccountOut(BaseSchema):
    id = fields.Integer()
    role = fields.String()
    region_code = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)
    name = fields.Function(lambda a: mask_name(a.real_name), allow_none=True)
    phone = fields.Function(lambda a: mask_phone(a.phone), allow_none=True)
    id_number = fields.Function(lambda a: mask_id_number(a.id_number), allow_none=True)
    identity_verified = fields.Function(lambda a: a.identity_verified_at is not None)
    totp_enabled = fields.Function(lambda a: a.totp_secret is not None)
    active = fields.Boolean()


class TokensOut(BaseSchema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.Constant("Bearer")
    expires_in = fields.Integer()
    user = fields.Nested(AccountOut, attribute="account")


class IdentityIn(BaseSchema):
    name = PersonName(required=True)
    id_number = IdNumber(required=True)


class StaffCreateIn(BaseSchema):
    username = Username
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(required=True, validate=validate.OneOf(sorted(STAFF_ROLES)))
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


class StaffCreatedOut(AccountOut):
    totp_uri = fields.String(allow_none=True, load_default=None,
                             metadata={"description": "shown once, when a TOTP secret is created"})


class StaffUpdateIn(BaseSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=50))
    role = fields.String(validate=validate.OneOf(sorted(STAFF_ROLES)))
    region_code = fields.String(validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"))
    active = fields.Boolean()


class StaffQuery(BaseSchema):
    role = fields.String(validate=validate.OneOf(sorted(STAFF_ROLES)))
    region_code = fields.String(validate=validate.Regexp(r"^\d{12}$"))


class MessageOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    application_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
