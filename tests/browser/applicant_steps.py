"""What an applicant does on the H5, as steps other browser tests reuse (the journey, the signing page).

Every step works through the page as a person would: taps, typing, file pickers, never the API."""
import io
import tempfile
import re
from pathlib import Path

from playwright.sync_api import Page, expect

# The demo family of app/datasources/demo/hukou.csv, in 青龙村 (610324106201).
DEMO_FAMILY = {
    "type": "农村低保",
    "region": ["陕西省", "宝鸡市", "扶风县", "段家镇", "青龙村"],
    "reason": "因病致贫，家中老人长期卧床，孩子在上学",
    "members": [
        {"name": "张三", "id_number": "610324199001011230", "phone": "13800138000", "employment": "务农"},
        {"name": "张小明", "id_number": "610324201006010034", "relation": "子女", "employment": "在校学生",
         "guardian": "张三"},
        {"name": "王秀英", "id_number": "11010519491231002X", "relation": "父母", "phone": "13900139000",
         "employment": "丧失劳动能力"},
    ],
    "incomes": [{"member": "张三", "kind": "工资性收入", "amount": "300.00"}],
    "documents": {"id_card": 2, "hukou_book": 1},
}


def _no_shot(page, name):
    return None


def _shooter(shot):
    return shot or _no_shot


def photo(tmp_dir: Path, name: str, color=(200, 180, 150)) -> Path:
    """A small JPEG, as a phone camera would give (made with Pillow)."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (640, 400), color)
    ImageDraw.Draw(image).rectangle((40, 40, 600, 360), outline=(60, 60, 60), width=6)
    path = tmp_dir / f"{name}.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    path.write_bytes(buffer.getvalue())
    return path


def pick(page: Page, label: str) -> None:
    """Choose `label` in the open action sheet."""
    sheet = page.locator(".van-action-sheet:visible")
    sheet.get_by_text(label, exact=True).click()
    expect(sheet).to_have_count(0)


def select(scope, page: Page, field: str, label: str) -> None:
    scope.get_by_label(field, exact=True).click()
    pick(page, label)


def pick_region(scope, page: Page, field: str, names: list[str]) -> None:
    scope.get_by_label(field, exact=True).click()
    for name in names:
        page.locator(".van-cascader__option:visible", has_text=name).first.click()
    expect(page.locator(".van-cascader:visible")).to_have_count(0)


def log_in_with_wechat(page: Page, name: str, shot=None) -> None:
    """Inside WeChat the H5 goes to the (fake) WeChat authorize page by itself and comes back logged in."""
    shot = _shooter(shot)
    page.goto("/")
    page.wait_for_url(re.compile(r"/connect/oauth2/authorize\?"))
    assert "appid=" in page.url and "scope=snsapi_base" in page.url and "state=" in page.url
    expect(page.get_by_role("heading", name="模拟微信授权")).to_be_visible()
    page.locator("input[name=name]").fill(name)
    shot(page, "wechat-authorize")
    page.get_by_role("button", name="确认登录").click()
    expect(page.get_by_text("我要申请")).to_be_visible()
    # The one-time code and the state are gone from the address bar.
    assert "code=" not in page.url and "state=" not in page.url, page.url


def log_in_with_sms(page: Page, live, phone_number: str, shot=None) -> None:
    shot = _shooter(shot)
    page.goto("/#/login")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("button", name=re.compile("秒后重发"))).to_be_visible()
    page.get_by_label("验证码").fill(live.sms_code(phone_number))
    shot(page, "sms-code")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("我要申请")).to_be_visible()


def fill_household(page: Page, household: dict) -> None:
    members = household["members"]
    for i, member in enumerate(members):
        if i > 0:
            page.get_by_role("button", name="添加家庭成员").click()
        card = page.locator(f".member-card[data-index='{i}']")
        card.get_by_label("姓名", exact=True).fill(member["name"])
        card.get_by_label("身份证号", exact=True).fill(member["id_number"])
        if i > 0:
            select(card, page, "与申请人关系", member["relation"])
        if member.get("phone"):
            card.get_by_label("手机号", exact=True).fill(member["phone"])
        select(card, page, "就业状况", member["employment"])
        if member.get("guardian"):
            select(card, page, "监护人", member["guardian"])


def start_application(page: Page, household: dict, shot=None) -> None:
    """Steps 1–3 of the wizard, up to "保存并继续" (not clicked)."""
    shot = _shooter(shot)
    page.goto("/#/apply")
    expect(page.locator(".van-steps")).to_be_visible()
    page.locator(".van-cell", has_text=household["type"]).first.click()
    pick_region(page, page, "户籍所在村", household["region"])
    page.get_by_label("申请原因", exact=True).fill(household["reason"])
    shot(page, "apply-type-and-place")
    page.get_by_role("button", name="下一步").click()
    fill_household(page, household)
    shot(page, "apply-household")
    page.get_by_role("button", name="下一步").click()
    names = [m["name"] for m in household["members"]]
    for i, income in enumerate(household.get("incomes", [])):
        page.get_by_role("button", name="添加一项收入").click()
        row = page.locator(".income-row").nth(i)
        if income["member"] != names[0]:
            select(row, page, "成员", income["member"])
        select(row, page, "收入类型", income["kind"])
        row.get_by_label("月收入（元）", exact=True).fill(income["amount"])
    shot(page, "apply-declaration")


def apply(page: Page, household: dict = DEMO_FAMILY, shot=None, tmp_dir: Path | None = None) -> int:
    """The whole wizard: type, place, household, declaration, evidence photos, commitment, submit."""

    shot = _shooter(shot)
    tmp_dir = tmp_dir or Path(tempfile.mkdtemp(prefix="h5-photos-"))
    start_application(page, household, shot)
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_text("请拍照或从相册选择证件照片")).to_be_visible()
    for kind, count in household["documents"].items():
        files = [photo(tmp_dir, f"{kind}-{n}", (180 + 20 * n, 170, 150)) for n in range(count)]
        page.locator(f".doc-{kind} input[type=file]").set_input_files([str(f) for f in files])
        expect(page.locator(f".doc-{kind} .van-tag")).to_have_text(f"已上传 {count} 份")
    shot(page, "apply-evidence")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".commitment .pre")).not_to_have_text("加载中…")
    submit = page.get_by_role("button", name="确认承诺并提交申请")
    expect(submit).to_be_disabled()
    page.locator(".accept").click()
    expect(submit).to_be_enabled()
    shot(page, "apply-commitment")
    submit.click()
    page.wait_for_url(re.compile(r"#/applications/\d+$"))
    return int(re.search(r"#/applications/(\d+)$", page.url)[1])


def open_application(page: Page, application_id: int) -> None:
    """The application's page, freshly loaded (going to the hash the page is on already loads nothing)."""
    if page.url.endswith(f"#/applications/{application_id}"):
        page.reload()
    else:
        page.goto(f"/#/applications/{application_id}")
    expect(page.locator(".status-card")).to_be_visible()


def status_of(page: Page, application_id: int) -> str:
    """The status the applicant sees on the application's page, e.g. "已批准"."""
    open_application(page, application_id)
    return page.locator(".status-card .status-tag").inner_text().strip()


def invite_links(page: Page, application_id: int, shot=None) -> list[str]:
    """Invite every member still to sign: each gets a QR code (shown) and a link (returned)."""
    shot = _shooter(shot)
    open_application(page, application_id)
    buttons = page.locator(".authorization .invite")
    expect(buttons.first).to_be_visible()
    links = []
    for i in range(buttons.count()):
        buttons.nth(i).click()
        popup = page.locator(".invite-popup")
        qr = popup.locator(".qr img")
        expect(qr).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
        links.append(popup.locator(".link-input").input_value())
        shot(page, f"invite-{i + 1}")
        popup.locator(".van-popup__close-icon").click()
        expect(popup).to_be_hidden()
    return links
