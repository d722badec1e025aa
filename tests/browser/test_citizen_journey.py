"""A citizen's dossier end to end in a real browser, on the demo data (Hậu Giang, 2019):

1. a new citizen registers, confirms the e-mail from the test outbox, finds "Đăng ký khai
   sinh" by searching without accents, fills the online form (a wrong phone number first),
   uploads the documents over a throttled network (the progress bar moves), leaves a draft,
   resumes it from "Hồ sơ của tôi" and submits it with the result to be returned online;
2. the one-stop officer of UBND xã Hỏa Lựu receives it and downloads the receipt PDF; the
   citizen looks the code up on the public lookup page;
3. a second dossier gets a supplement request at the desk; the citizen replaces only the asked
   document and sends the dossier again;
4. the desk hands the first dossier on, the specialist takes it and proposes the result with a
   file, the leader approves it: the result goes out online; the citizen downloads it and rates
   the service.

Loading the demo takes a while, so the phases share one test and one database.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.services import attachment_add, dossier_create_draft
from dichvucong.feedback.models import Rating
from dichvucong.workflow.applicant import dossier_submit

pytestmark = pytest.mark.django_db(transaction=True)
# The machine running the suite is often busy: a page may take longer than Playwright's 5 s.
expect.set_options(timeout=15_000)

DEMO_PASSWORD = "DemoDVC@2019"
DESK_OFFICER = "motcua.hoaluu@demo.haugiang.local"
SPECIALIST = "chuyenvien.hoaluu@demo.haugiang.local"
LEADER = "lanhdao.hoaluu@demo.haugiang.local"
CITIZEN_EMAIL = "tran.thi.binh@example.vn"
CITIZEN_PASSWORD = "Hau-Giang-2019!"
CITIZEN_NAME = "Trần Thị Bình"
PROCEDURE = "Đăng ký khai sinh"
# Uploading this over the throttled link takes a few seconds: long enough to see the bar move.
THROTTLED_UPLOAD_BYTES = 300 * 1024


def pdf_file(path: Path, size: int = 2048) -> Path:
    """A file the portal accepts as a PDF (judged by its content), padded to `size` bytes."""
    head = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
    tail = b"trailer<<>>\n%%EOF\n"
    padding = b"%" + b"0" * 70 + b"\n"
    body = padding * max(0, (size - len(head) - len(tail)) // len(padding))
    path.write_bytes(head + body + tail)
    return path


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/tai-khoan/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


# --- Phase 1: registration, search, the form, uploads, the draft, submission ---------------


def register(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Đăng ký").first.click()
    expect(page.get_by_role("heading", name="Đăng ký tài khoản")).to_be_visible()
    page.get_by_label("Email").fill(CITIZEN_EMAIL)
    page.get_by_label("Họ và tên").fill(CITIZEN_NAME)
    page.get_by_role("radio", name="Cá nhân").check()
    page.get_by_label("Số định danh cá nhân:", exact=True).fill("093190001234")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ").fill("Số 5 đường Trần Hưng Đạo, xã Hỏa Lựu, Hậu Giang")
    page.get_by_label("Mật khẩu:", exact=True).fill(CITIZEN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(CITIZEN_PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()

    # The confirmation link comes by e-mail: the live server shares this process's outbox.
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận địa chỉ email")
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    assert mail.outbox[0].to == [CITIZEN_EMAIL]
    link = re.search(r"/tai-khoan/confirm-email/\S+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def find_the_procedure(page: Page) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Thủ tục hành chính"
    ).click()
    search = page.get_by_role("search", name="Tìm thủ tục hành chính")
    search.get_by_role("searchbox").fill("dang ky khai sinh")
    search.get_by_role("button", name="Tìm kiếm").click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name=PROCEDURE, exact=True)).to_be_visible()
    results.get_by_role("link", name=PROCEDURE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCEDURE)


def fill_the_form(page: Page) -> None:
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    page.get_by_role("button", name="Bắt đầu lập hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mẫu đơn, tờ khai")

    # The profile pre-fills the applicant's name and phone.
    applicant = page.get_by_role("group", name="Người yêu cầu")
    expect(applicant.get_by_label("Họ, chữ đệm, tên người yêu cầu")).to_have_value(CITIZEN_NAME)
    applicant.get_by_label("Giấy tờ tùy thân").fill(
        "Thẻ căn cước số 093190001234, Bộ Công an cấp ngày 01/01/2024"
    )
    # Province → district → commune: each choice loads the next list (htmx).
    applicant.get_by_label("Tỉnh, thành phố").select_option(label="Hậu Giang")
    district = applicant.get_by_label("Quận, huyện")
    expect(district.locator("option")).not_to_have_count(1)
    district.select_option(label="Thành phố Vị Thanh")
    commune = applicant.get_by_label("Xã, phường, thị trấn")
    expect(commune.get_by_role("option", name="Xã Hỏa Lựu")).to_be_attached()
    commune.select_option(label="Xã Hỏa Lựu")
    applicant.get_by_label("Số nhà, đường, ấp").fill("Số 5 đường Trần Hưng Đạo, ấp 1")
    # A wrong value first: the portal says what a Vietnamese phone number looks like.
    applicant.get_by_label("Số điện thoại").fill("12345")
    applicant.get_by_label("Quan hệ với người được khai sinh").fill("Mẹ")

    child = page.get_by_role("group", name="Người được khai sinh")
    child.get_by_label("Họ, chữ đệm, tên").fill("Nguyễn Trần Minh Khang")
    child.get_by_label("Giới tính").select_option(label="Nam")
    child.get_by_label("Ngày, tháng, năm sinh").fill("2019-06-12")
    child.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Hậu Giang")
    child.get_by_label("Dân tộc").fill("Kinh")
    child.get_by_label("Quốc tịch").fill("Việt Nam")
    child.get_by_label("Quê quán").fill("Xã Hỏa Lựu, thành phố Vị Thanh, tỉnh Hậu Giang")
    mother = page.get_by_role("group", name="Mẹ", exact=True)
    mother.get_by_label("Họ, chữ đệm, tên mẹ").fill(CITIZEN_NAME)
    mother.get_by_label("Năm sinh").fill("1990")
    page.get_by_role("group", name="Bản sao").get_by_role("radio", name="Có").check()
    page.get_by_role("group", name="Bản sao").get_by_label("Số lượng bản sao").fill("2")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    phone = page.get_by_label("Số điện thoại")
    expect(phone.locator("xpath=..")).to_contain_text("Nhập số điện thoại Việt Nam")
    # What was typed is kept: only the wrong field needs fixing.
    expect(page.get_by_label("Dân tộc").first).to_have_value("Kinh")
    phone.fill("0912 345 678")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_text("Thông tin tờ khai đã được lưu.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giấy tờ")


def slot(page: Page, heading: str):
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=heading))


def upload(page: Page, heading: str, path: Path) -> None:
    section = slot(page, heading)
    section.get_by_label("Chọn tệp").set_input_files(path)
    section.get_by_role("button", name="Tải lên").click()
    # The page reloads with the file listed and the message the upload left there.
    expect(slot(page, heading).get_by_role("link", name=path.name)).to_be_visible()
    expect(page.get_by_text("Đã đính kèm tệp.")).to_be_visible()


def upload_throttled(page: Page, heading: str, path: Path) -> None:
    """Upload over a slow link (Chrome's network emulation through the DevTools protocol) and
    see the progress bar part-way: neither empty nor full."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": 1024 * 1024,
            "uploadThroughput": 64 * 1024,  # bytes per second: ~5 s for the file
        },
    )
    section = slot(page, heading)
    section.get_by_label("Chọn tệp").set_input_files(path)
    section.get_by_role("button", name="Tải lên").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll("form[data-upload-progress] progress")]
                 .some(bar => !bar.hidden && bar.value > 0 && bar.value < bar.max)"""
    )
    expect(slot(page, heading).get_by_role("link", name=path.name)).to_be_visible(timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    cdp.detach()


def attach_documents(page: Page, tmp_path: Path) -> None:
    upload_throttled(
        page,
        "Tờ khai đăng ký khai sinh theo mẫu",
        pdf_file(tmp_path / "to-khai-khai-sinh.pdf", THROTTLED_UPLOAD_BYTES),
    )
    upload(page, "Bản chính Giấy chứng sinh", pdf_file(tmp_path / "giay-chung-sinh.pdf"))
    upload(page, "Hộ chiếu hoặc chứng minh nhân dân", pdf_file(tmp_path / "can-cuoc.pdf"))


def leave_and_resume(page: Page) -> None:
    # The citizen leaves (logs out) with the draft saved, and later takes it up again.
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, CITIZEN_EMAIL, CITIZEN_PASSWORD)
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("row").filter(has_text=PROCEDURE).first).to_contain_text("Bản nháp")
    page.get_by_role("link", name="Tiếp tục bản nháp").click()
    expect(page.get_by_label("Dân tộc").first).to_have_value("Kinh")
    expect(page.get_by_label("Giới tính")).to_have_value("nam")
    # The yes/no answer comes back as it was given.
    expect(
        page.get_by_role("group", name="Bản sao").get_by_role("radio", name="Có")
    ).to_be_checked()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_role("link", name="to-khai-khai-sinh.pdf")).to_be_visible()


def submit(page: Page) -> int:
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhận kết quả")
    page.get_by_role("radio", name="Trực tuyến").check()
    page.get_by_role("button", name="Lưu và xem lại").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem lại và nộp hồ sơ")
    expect(page.get_by_text("Nguyễn Trần Minh Khang")).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của bạn đã được nộp")
    dossier = Dossier.objects.get(owner_account__email=CITIZEN_EMAIL)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.answers["nyc_dien_thoai"] == "0912345678"
    return dossier.pk


# --- Phase 2: the desk receives it and prints the receipt; the public lookup -----------------


def receive_at_the_desk(desk: Page, owner_name: str) -> str:
    desk.get_by_role("link", name="Bộ phận một cửa").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Hồ sơ chờ tiếp nhận")
    row = desk.get_by_role("row").filter(has_text=owner_name).first
    row.get_by_role("link").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(PROCEDURE)
    expect(desk.get_by_text("to-khai-khai-sinh.pdf")).to_be_visible()
    desk.get_by_role("button", name="Tiếp nhận và cấp giấy tiếp nhận").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Hồ sơ đã được tiếp nhận")
    code = desk.locator("dd code").first.inner_text().strip()

    # The receipt opens in the browser's PDF viewer (served inline, for printing); its bytes
    # are fetched with the officer's session, as the viewer's download button would.
    receipt = desk.get_by_role("link", name="In giấy tiếp nhận và hẹn trả kết quả (PDF)")
    response = desk.request.get(receipt.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    with desk.expect_response(re.compile(r"\.pdf$")) as opened:
        receipt.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    return code


def look_up(page: Page, code: str, status: str) -> None:
    page.get_by_role("link", name="Tra cứu hồ sơ").first.click()
    lookup = page.get_by_role("search", name="Tra cứu hồ sơ theo mã hồ sơ")
    lookup.get_by_role("textbox").fill(code)
    lookup.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("main")).to_contain_text(code)
    expect(page.get_by_role("main")).to_contain_text(status)
    # The public page shows where the dossier is, never who it belongs to.
    expect(page.get_by_role("main")).not_to_contain_text(CITIZEN_NAME)


# --- Phase 3: a supplement request at the desk; the citizen fixes only that document --------


def second_dossier(tmp_path: Path) -> Dossier:
    """A second birth registration by the same citizen, submitted (through the services: its
    online path is phase 1's)."""
    citizen = User.objects.get(email=CITIZEN_EMAIL)
    desk = Agency.objects.get(code="000.03.21.H30")  # UBND xã Hỏa Lựu
    version = desk.receives_for.get(status="published", name=PROCEDURE)
    dossier = dossier_create_draft(version=version, receiving_agency=desk, actor=citizen)

    def pdf(name: str) -> SimpleUploadedFile:
        data = pdf_file(tmp_path / name).read_bytes()
        return SimpleUploadedFile(name, data, content_type="application/pdf")

    attachment_add(dossier=dossier, component=None, upload=pdf("to-khai-2.pdf"), actor=citizen)
    for component in version.components.filter(mandatory=True):
        attachment_add(
            dossier=dossier, component=component, upload=pdf("giay-to-mo.pdf"), actor=citizen
        )
    return dossier_submit(dossier=dossier, actor=citizen)


def request_a_supplement(desk: Page, dossier: Dossier) -> None:
    desk.goto("/mot-cua/")
    desk.get_by_role("row").filter(has_text=CITIZEN_NAME).filter(has_text="Đã nộp").get_by_role(
        "link"
    ).click()
    expect(desk.get_by_text("giay-to-mo.pdf").first).to_be_visible()
    form = desk.locator("section").filter(
        has=desk.get_by_role("heading", name="Yêu cầu bổ sung, hoàn thiện hồ sơ")
    )
    form.get_by_role("checkbox", name="Bản chính Giấy chứng sinh", exact=False).check()
    form.get_by_label("Nội dung cần bổ sung, hoàn thiện và lý do").fill(
        "Bản chụp Giấy chứng sinh bị mờ, không đọc được số: đề nghị chụp lại rõ nét."
    )
    form.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(desk.get_by_role("main")).to_contain_text("Yêu cầu bổ sung hồ sơ")


def supplement(page: Page, tmp_path: Path, dossier: Dossier) -> None:
    page.goto("/ho-so/")
    page.get_by_role("row").filter(has_text="Yêu cầu bổ sung hồ sơ").get_by_role(
        "link", name=PROCEDURE
    ).click()
    asked = page.get_by_role("alert", name="Yêu cầu đối với ông/bà")
    expect(asked).to_contain_text("Bản chụp Giấy chứng sinh bị mờ")
    asked.get_by_role("link", name="Bổ sung các giấy tờ này").click()

    # Only the asked document can be changed: one upload form on the page.
    expect(page.get_by_role("button", name="Tải lên")).to_have_count(1)
    birth = slot(page, "Bản chính Giấy chứng sinh")
    birth.get_by_role("button", name="Gỡ bỏ").click()
    expect(slot(page, "Bản chính Giấy chứng sinh")).to_contain_text("Chưa có tệp nào.")
    upload(page, "Bản chính Giấy chứng sinh", pdf_file(tmp_path / "giay-chung-sinh-ro.pdf"))
    page.get_by_role("button", name="Gửi hồ sơ đã bổ sung").click()
    expect(page.get_by_text("Hồ sơ đã bổ sung của bạn đã được gửi")).to_be_visible()

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    current = dossier.attachments.filter(replaced_at__isnull=True)
    names = sorted(current.values_list("original_name", flat=True))
    assert names == ["giay-chung-sinh-ro.pdf", "giay-to-mo.pdf", "giay-to-mo.pdf", "to-khai-2.pdf"]


# --- Phase 4: processing; the result goes out online; download and rating -------------------


def open_from_inbox(page: Page, code: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Hồ sơ cần xử lý").click()
    # From the table of steps: a leader may see the code above it too, among the dossiers to
    # apologise for (due within a working day), which is another list with another purpose.
    page.locator("#inbox-results").get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCEDURE)


def action(page: Page, heading: str):
    return page.locator("section.action").filter(has=page.get_by_role("heading", name=heading))


def process(desk: Page, specialist: Page, leader: Page, code: str, tmp_path: Path) -> None:
    open_from_inbox(desk, code)
    forward = action(desk, "Chuyển bước tiếp theo")
    forward.get_by_label("Ghi chú cho bước tiếp theo").fill("Chuyển công chức tư pháp - hộ tịch")
    forward.get_by_role("button", name="Chuyển").click()
    expect(desk.get_by_role("main")).to_contain_text("Đang xử lý")

    log_in(specialist, SPECIALIST, DEMO_PASSWORD)
    open_from_inbox(specialist, code)
    action(specialist, "Nhận xử lý hồ sơ này").get_by_role("button", name="Nhận xử lý").click()
    propose = action(specialist, "Trình kết quả")
    propose.get_by_label("Tóm tắt kết quả, hoặc lý do từ chối").fill(
        "Đủ điều kiện đăng ký khai sinh."
    )
    propose.get_by_label("Giấy tờ 1: tên").fill("Giấy khai sinh (bản chính)")
    propose.get_by_label("Giấy tờ 1: tệp").set_input_files(
        pdf_file(tmp_path / "giay-khai-sinh.pdf")
    )
    propose.get_by_role("button", name="Trình lãnh đạo").click()
    expect(specialist.get_by_role("main")).to_contain_text("Xem xét, ký duyệt kết quả")

    log_in(leader, LEADER, DEMO_PASSWORD)
    open_from_inbox(leader, code)
    action(leader, "Phê duyệt kết quả được trình").get_by_role("button", name="Phê duyệt").click()
    expect(leader.get_by_role("main")).to_contain_text("Đã trả kết quả")


def result_and_rating(page: Page, dossier_pk: int) -> None:
    page.goto("/ho-so/")
    page.get_by_role("row").filter(has_text="Đã trả kết quả").get_by_role(
        "link", name=PROCEDURE
    ).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Giấy khai sinh (bản chính)").click()
    download = download_info.value
    assert download.suggested_filename == "giay-khai-sinh.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    page.get_by_role("group", name="Mức độ thuận tiện khi sử dụng dịch vụ").get_by_role(
        "radio", name="Rất hài lòng"
    ).check()
    page.get_by_role("group", name="Đánh giá tổng thể dịch vụ").get_by_role(
        "radio", name="Hài lòng", exact=True
    ).check()
    page.get_by_label("Góp ý (không bắt buộc)").fill("Nộp trực tuyến nhanh, không phải đi lại.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn ông/bà đã đánh giá.")).to_be_visible()

    rating = Rating.objects.get(dossier_id=dossier_pk)
    assert (rating.convenience, rating.overall) == ("very_satisfied", "satisfied")


# Received "now": the appointment, the receipt and the marks follow the clock (decision 0008).
@pytest.mark.clock
@pytest.mark.journey
def test_a_new_citizen_submits_online_and_gets_the_result(demo, new_page, tmp_path):
    page = new_page()
    register(page)
    find_the_procedure(page)
    fill_the_form(page)
    attach_documents(page, tmp_path)
    leave_and_resume(page)
    first = submit(page)

    desk = new_page()
    log_in(desk, DESK_OFFICER, DEMO_PASSWORD)
    code = receive_at_the_desk(desk, CITIZEN_NAME)
    look_up(page, code, "Đã tiếp nhận")

    other = second_dossier(tmp_path)
    request_a_supplement(desk, other)
    supplement(page, tmp_path, other)

    process(desk, new_page(), new_page(), code, tmp_path)
    result_and_rating(page, first)
    look_up(page, code, "Đã trả kết quả")
