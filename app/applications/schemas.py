"""Request and response shapes of applications; money as strings in yuan with two decimals."""
from marshmallow import ValidationError, fields, validate, validates_schema

from app.applications.domain import DOCUMENT_NAMES, AssistanceType
from app.common.masking import mask_id_number, mask_name, mask_phone
from app.web.schemas import BaseSchema, DecimalString, File, IdNumber, PersonName, Phone

RegionCode = lambda **kw: fields.String(validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"), **kw)  # noqa: E731
Money = lambda **kw: DecimalString(metadata={"description": "yuan"}, **kw)  # noqa: E731
RELATIONS = ["self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"]


class MemberIn(BaseSchema):
    name = PersonName(required=True)
    id_number = IdNumber(load_default=None, allow_none=True)
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    phone = Phone(load_default=None, allow_none=True)
    lives_together = fields.Boolean(load_default=True)
    hukou_type = fields.String(required=True, validate=validate.OneOf(["urban", "rural"]))
    hukou_region_code = RegionCode(required=True)
    disability_grade = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=4))
    serious_illness = fields.Boolean(load_default=False)
    employment = fields.String(required=True, validate=validate.OneOf(
        ["employed", "self_employed", "farming", "unemployed", "student", "retired", "unable_to_work", "preschool"]))
    capacity = fields.String(load_default="full", validate=validate.OneOf(["full", "limited", "none"]))
    guardian_member_index = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=29))


class HouseholdIn(BaseSchema):
    members = fields.List(fields.Nested(MemberIn), required=True, validate=validate.Length(min=1, max=30))


class IncomeIn(BaseSchema):
    member_index = fields.Integer(required=True, validate=validate.Range(min=0, max=29))
    kind = fields.String(required=True, validate=validate.OneOf(
        ["wages", "business", "property", "pension_transfer", "support", "other"]))
    monthly_amount = Money(required=True)
    supporter_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=130),
                                   metadata={"description": "for support owed by a supporter outside the household"})

    @validates_schema
    def support_needs_age(self, data, **_kwargs):
        if data["kind"] == "support" and data.get("supporter_age") is None:
            raise ValidationError({"supporter_age": ["赡养（扶养）费须填写赡养人的年龄"]})


class HomeIn(BaseSchema):
    member_index = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=29))
    area_m2 = DecimalString(required=True, metadata={"description": "square metres"})


class ValuedAssetIn(BaseSchema):
    member_index = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=29))
    value = Money(required=True)


class BusinessIn(BaseSchema):
    member_index = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=29))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class AssetsIn(BaseSchema):
    homes = fields.List(fields.Nested(HomeIn), load_default=list, validate=validate.Length(max=50))
    vehicles = fields.List(fields.Nested(ValuedAssetIn), load_default=list, validate=validate.Length(max=50))
    deposits = fields.List(fields.Nested(ValuedAssetIn), load_default=list, validate=validate.Length(max=50))
    securities = fields.List(fields.Nested(ValuedAssetIn), load_default=list, validate=validate.Length(max=50))
    business_registrations = fields.List(fields.Nested(BusinessIn), load_default=list,
                                         validate=validate.Length(max=50))


class ExpenditureIn(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["medical", "education", "housing"]))
    monthly_amount = Money(required=True)


class DeclarationIn(BaseSchema):
    incomes = fields.List(fields.Nested(IncomeIn), load_default=list, validate=validate.Length(max=200))
    assets = fields.Nested(AssetsIn, load_default=dict)
    expenditures = fields.List(fields.Nested(ExpenditureIn), load_default=list, validate=validate.Length(max=50))


class ApplicationIn(BaseSchema):
    assistance_type = fields.String(required=True, validate=validate.OneOf([t.value for t in AssistanceType]))
    tekun_care = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["centralized", "dispersed"]))
    temporary_kind = fields.String(load_default=None, allow_none=True,
                                   validate=validate.OneOf(["emergency", "expenditure"]))
    temporary_cause = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ["accident", "crime", "illness", "disaster", "fire", "expenditure", "other"]))
    requested_amount = Money(load_default=None, allow_none=True)
    region_code = RegionCode(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    household = fields.Nested(HouseholdIn)
    declared = fields.Nested(DeclarationIn, load_default=dict)

    @validates_schema
    def type_details(self, data, **_kwargs):
        if data["assistance_type"] == AssistanceType.TEKUN and not data.get("tekun_care"):
            raise ValidationError({"tekun_care": ["特困供养须选择集中或分散供养"]})
        if data["assistance_type"] == AssistanceType.TEMPORARY:
            missing = {name: ["临时救助须填写"] for name in ("temporary_kind", "temporary_cause") if not data.get(name)}
            if missing:
                raise ValidationError(missing)


class ApplicationPatch(BaseSchema):
    region_code = RegionCode()
    reason = fields.String(validate=validate.Length(min=2, max=2000))
    requested_amount = Money(allow_none=True)
    household = fields.Nested(HouseholdIn)
    declared = fields.Nested(DeclarationIn)


class MemberOut(BaseSchema):
    index = fields.Integer()
    name = fields.Function(lambda m: mask_name(m["name"]))
    id_number = fields.Function(lambda m: mask_id_number(m["id_number"]))
    phone = fields.Function(lambda m: mask_phone(m["phone"]))
    relation = fields.String()
    lives_together = fields.Boolean()
    hukou_type = fields.String()
    hukou_region_code = fields.String()
    disability_grade = fields.Integer(allow_none=True)
    serious_illness = fields.Boolean()
    employment = fields.String()
    capacity = fields.String()
    guardian_member_index = fields.Integer(allow_none=True)


class ApplicationOut(BaseSchema):
    id = fields.Integer()
    assistance_type = fields.String()
    tekun_care = fields.String(allow_none=True)
    temporary_kind = fields.String(allow_none=True)
    temporary_cause = fields.String(allow_none=True)
    requested_amount = DecimalString(allow_none=True)
    region_code = fields.String()
    reason = fields.String()
    status = fields.String()
    members = fields.List(fields.Nested(MemberOut))
    declared = fields.Dict()
    commitment_version = fields.String(allow_none=True)
    commitment_accepted_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ApplicationSummary(BaseSchema):
    id = fields.Integer()
    assistance_type = fields.String()
    region_code = fields.String()
    status = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()


class SubmitIn(BaseSchema):
    commitment_accepted = fields.Boolean(required=True, validate=validate.Equal(True, error="须阅读并确认告知承诺"))


class DocumentIn(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(sorted(DOCUMENT_NAMES)))
    file = File(required=True, metadata={"description": "a JPEG, PNG or PDF, at most 10 MB"})


class DocumentOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class EventOut(BaseSchema):
    at = fields.DateTime()
    kind = fields.String()
    text = fields.String()


class TimelineOut(BaseSchema):
    application_id = fields.Integer()
    status = fields.String()
    stage = fields.String()
    deadline = fields.Date(allow_none=True)
    working_days_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    clock_paused = fields.Boolean()
    next_step = fields.String()
    events = fields.List(fields.Nested(EventOut))
    warnings = fields.List(fields.String())


class CommitmentOut(BaseSchema):
    version = fields.String()
    text = fields.String()
    sha256 = fields.String()


class AuthorizationOut(BaseSchema):
    id = fields.Integer()
    member_index = fields.Integer(attribute="member_position")
    signer_index = fields.Integer(attribute="signer_position")
    by_guardian = fields.Boolean()
    status = fields.String()
    created_at = fields.DateTime()
