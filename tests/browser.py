"""The writer's workspace of `shenbao serve` (issue 20) and the county's
scenario (issue 21: an account made on the county's page, submit, return
with a reason, the fix, resubmit, recommend, the audit list, export.zip) in
a real headless Chromium, driven through Selenium by tests/browser.rs.

Usage: browser.py BASE MATERIAL_DIR DOWNLOADS [SCREENSHOTS]

BASE is the running server (accounts a, b, jianxi made by the Rust side),
MATERIAL_DIR the example's folder without its drawing script, DOWNLOADS an
empty folder for the page's downloads (and export.zip and
recommended-material.zip, which the county's session fetches), SCREENSHOTS (optional) a folder for
PNGs of the main pages. Asserts here; prints one JSON object for Rust.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pymupdf

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, MATERIAL, DOWNLOADS = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
PW = "correct horse 电池"
COMPANY_A = "洛阳示例精密轴承股份有限公司"
COMPANY_B = "<script>alert(1)</script>有限公司"
SENTENCE = "本模式已推广到公司全部六个生产车间。"
# The enterprise the county makes in the page, and what it writes.
COMPANY_C = "洛阳新创精密轴承有限公司"
LOGIN_C = "xinchuang"
PW_C = "新创 own password 2023"
REASON = "企业名称须与公章一致：请改为洛阳新创精密轴承有限公司"
OPINION = "同意推荐。该企业精益质量管理体系完善，实施效果明显。"
steps = []


def step(name):
    steps.append({"step": name, "at": round(time.monotonic() - T0, 2)})


PROFILE = tempfile.mkdtemp(prefix="shenbao-chromium-")


def driver():
    o = webdriver.ChromeOptions()
    o.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    # No network on this machine: everything that phones home is off,
    # or Chromium's own connections fail and slow it down.
    for a in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        "--lang=zh-CN",
        "--user-data-dir=" + PROFILE,
    ]:
        o.add_argument(a)
    o.add_experimental_option(
        "prefs",
        {
            "download.default_directory": DOWNLOADS,
            "download.prompt_for_download": False,
            # Downloads, not the PDF viewer, for the zip links.
            "plugins.always_open_pdf_externally": False,
        },
    )
    # The console, to see that the CSP (script-src 'self') blocks nothing
    # the page needs and that its script throws nothing.
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=o, service=service)


T0 = time.monotonic()
d = driver()
d.set_page_load_timeout(20)


def wait(cond, what, timeout=20):
    try:
        # The page replaces its lists as the server answers: an element
        # read a moment too early is simply read again.
        return WebDriverWait(
            d,
            timeout,
            poll_frequency=0.1,
            ignored_exceptions=(StaleElementReferenceException, ValueError, IndexError),
        ).until(lambda _: cond())
    except TimeoutException:
        raise AssertionError(
            f"timed out waiting for {what}; state: {by_id('state').text!r}"
        ) from None


def by_id(i):
    return d.find_element(By.ID, i)


def shot(name):
    if SHOTS:
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def no_alert():
    try:
        a = d.switch_to.alert
        raise AssertionError(f"an alert opened: {a.text!r}")
    except NoAlertPresentException:
        pass


def lengths():
    """The 字数 table: part → count."""
    out = {}
    for tr in d.find_elements(By.CSS_SELECTOR, "#lengths tbody tr"):
        tds = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        out[tds[0]] = int(tds[1])
    return out


def diagnostics():
    return [li.text for li in d.find_elements(By.CSS_SELECTOR, "#diagnostics li")]


def docs():
    return [
        (a.text, a.get_attribute("href"))
        for a in d.find_elements(By.CSS_SELECTOR, "#docs a")
    ]


def select_in_editor(needle, after=None):
    """Puts the editor's selection on `needle` (the first after `after`)."""
    return d.execute_script(
        """const ed = document.getElementById('editor');
        const from = arguments[1] ? ed.value.indexOf(arguments[1]) : 0;
        const at = ed.value.indexOf(arguments[0], from);
        if (at < 0) return -1;
        ed.focus(); ed.setSelectionRange(at, at + arguments[0].length);
        return at;""",
        needle,
        after,
    )


def type_keys(keys):
    # Keys go to the focused element as they are, without moving the caret
    # (WebElement.send_keys would put it at the end).
    ActionChains(d).send_keys(keys).perform()


def saved_version():
    m = re.search(r"已保存（第 (\d+) 版）", by_id("state").text)
    return int(m.group(1)) if m else None


def login(user, password):
    by_id("login-user").clear()
    by_id("login-user").send_keys(user)
    by_id("login-password").clear()
    by_id("login-password").send_keys(password)
    by_id("login-form").find_element(By.CSS_SELECTOR, "button").click()


def logout():
    by_id("logout").click()
    wait(lambda: by_id("login").is_displayed(), "the login page after 退出")


def desk_rows():
    return [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in d.find_elements(By.CSS_SELECTOR, "#desk-table tbody tr")
    ]


def desk_row(company):
    return next((r for r in desk_rows() if r[0] == company), None)


def open_row(company):
    tr = next(
        tr
        for tr in d.find_elements(By.CSS_SELECTOR, "#desk-table tbody tr")
        if tr.find_element(By.TAG_NAME, "td").text == company
    )
    tr.click()
    wait(lambda: by_id("work").is_displayed(), "the material of " + company)
    wait(lambda: by_id("company").text == company, "the material of " + company)


def call(method, path, body=None):
    """The API with the browser's session cookie (HttpOnly: the page's
    script cannot read it, WebDriver can). No Origin header: a tool's
    request, which the CSRF check lets through. → (status, JSON or bytes)"""
    cookie = d.get_cookie("shenbao_session")
    assert cookie, "no session cookie"
    req = urllib.request.Request(
        BASE + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Cookie": "shenbao_session=" + cookie["value"]}
        | ({} if body is None else {"Content-Type": "application/json"}),
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, data, kind = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, data, kind = e.code, e.read(), e.headers.get("Content-Type", "")
    return status, json.loads(data) if "json" in kind and data else data


result = {}
try:
    # 1. The login page, and a wrong password is said in Chinese rather than
    # silently ignored.
    d.get(BASE + "/")
    wait(lambda: by_id("login").is_displayed(), "the login page")
    login("a", "wrong password")
    wait(lambda: by_id("login-error").text != "", "the login error")
    result["login_error"] = by_id("login-error").text
    shot("login")
    step("login page")

    # 2. The writer's first view: their own (empty) material, no files yet,
    # and the way to start one.
    login("a", PW)
    wait(lambda: by_id("work").is_displayed(), "the workspace")
    assert by_id("company").text == COMPANY_A, by_id("company").text
    assert by_id("editor").get_attribute("value") == ""
    assert by_id("file-select").find_elements(By.TAG_NAME, "option") == []
    assert by_id("new-md").is_displayed(), "an empty material offers 新建 material.md"
    # Nothing to type into yet (it would be lost): the editor says how to start.
    wait(lambda: by_id("editor").get_attribute("readOnly") == "true", "a closed editor")
    assert "上传文件夹" in by_id("editor").get_attribute("placeholder")
    wait(lambda: by_id("counts").text != "", "the empty material's check")
    shot("empty-material")
    step("empty material")

    # 3. Upload the example folder through the page's folder input: the
    # files keep their places (parts/…, img/…), the preview is built.
    by_id("upload-dir").send_keys(MATERIAL)
    wait(
        lambda: "已上传" in by_id("state").text,
        "the upload to finish",
        timeout=40,
    )
    files = [o.text for o in by_id("file-select").find_elements(By.TAG_NAME, "option")]
    for f in ["material.yaml", "parts/implementation.md", "parts/effects.md"]:
        assert f in files, files
    assert "未上传" not in by_id("state").text, by_id("state").text
    wait(lambda: any(t.startswith("正文.pdf") for t, _ in docs()), "the preview")
    wait(lambda: "摘要" in lengths(), "the 字数 table")
    result["uploaded_docs"] = [t for t, _ in docs()]
    result["uploaded_lengths"] = lengths()
    assert by_id("counts").text == "（错误 0，警告 0）" or "错误 0" in by_id("counts").text
    step("upload")

    # 4. Typing into the abstract: 字数 of 摘要 and the preview follow.
    before = lengths()["摘要"]
    v_before = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    end_of_first = d.execute_script(
        """const ed = document.getElementById('editor');
        const at = ed.value.indexOf('管理模式**。');
        ed.focus(); ed.setSelectionRange(at + 7, at + 7); return at;"""
    )
    assert end_of_first > 0, "the abstract's first paragraph"
    type_keys(SENTENCE)
    wait(lambda: (saved_version() or 0) > v_before, "the save after typing")
    v_typed = saved_version()
    wait(lambda: lengths().get("摘要") != before, "the 字数 of 摘要 to change")
    after = lengths()["摘要"]
    wait(
        lambda: all(f"/preview/{v_typed}/" in h for _, h in docs()) and docs(),
        "the preview of the new version",
    )
    wait(
        lambda: f"/preview/{v_typed}/" in (by_id("preview").get_attribute("src") or ""),
        "the 正文 frame of the new version",
    )
    assert after > before, (before, after)
    result["abstract"] = {
        "before": before,
        "after": after,
        "typed": len(SENTENCE),
        "version": v_typed,
    }
    result["typed_docs"] = [t for t, _ in docs()]
    step("typing")

    # 5. A mistake: the phone number. Its diagnostic (V4) is listed, the
    # preview is marked 草稿, and a click puts the caret on its line.
    assert select_in_editor("13912345678") > 0
    type_keys("12345")
    wait(lambda: any("[V4]" in t for t in diagnostics()), "the V4 diagnostic")
    v4 = next(t for t in diagnostics() if "[V4]" in t)
    result["v4"] = v4
    wait(lambda: by_id("draft-mark").text != "", "the 草稿 mark")
    # all.zip cannot be built now (the server says 422): the link says so
    # instead of downloading an error.
    assert by_id("zip").get_attribute("aria-disabled") == "true"
    known = set(os.listdir(DOWNLOADS))
    by_id("zip").click()
    wait(lambda: "有错误" in by_id("state").text, "the reason all.zip is not offered")
    d.execute_script(
        "const ed = document.getElementById('editor'); ed.setSelectionRange(0, 0); ed.blur();"
    )
    li = next(
        e for e in d.find_elements(By.CSS_SELECTOR, "#diagnostics li") if "[V4]" in e.text
    )
    li.click()
    caret_line = d.execute_script(
        """const ed = document.getElementById('editor');
        if (document.activeElement !== ed) return -1;
        return ed.value.slice(0, ed.selectionStart).split('\\n').length;"""
    )
    phone_line = d.execute_script(
        """const ed = document.getElementById('editor');
        return ed.value.slice(0, ed.value.indexOf('phone: "12345"')).split('\\n').length;"""
    )
    assert caret_line == phone_line, (caret_line, phone_line, v4)
    assert f"material.yaml:{phone_line}:" in v4, v4
    result["caret_line"] = caret_line
    shot("workspace-diagnostics")
    step("mistake")

    # 6. Fixed: the diagnostic goes, the 草稿 mark too.
    assert select_in_editor('"12345"') > 0
    type_keys('"13912345678"')
    wait(
        lambda: not any("[V4]" in t for t in diagnostics())
        and "错误 0" in by_id("counts").text,
        "the V4 diagnostic to go",
    )
    wait(lambda: by_id("draft-mark").text == "", "the 草稿 mark to go")
    assert by_id("zip").get_attribute("aria-disabled") == "false"
    assert set(os.listdir(DOWNLOADS)) == known, "nothing was downloaded while blocked"
    d.execute_script("document.getElementById('editor').scrollTop = 0;")
    shot("workspace")
    step("fixed")

    # 7. Downloads through the page's own links (the session cookie is
    # HttpOnly: only the browser can use it).
    # One at a time, each renamed after the route it came from (the server
    # names them after the enterprise).
    for link, name in [("zip", "all.zip"), ("source", "material.zip")]:
        href = by_id(link).get_attribute("href")
        assert href.endswith("/download/" + name), href
        known = set(os.listdir(DOWNLOADS))
        by_id(link).click()

        def arrived():
            # Chromium writes NAME.crdownload beside an empty NAME and
            # renames at the end: done is one new file, a whole zip.
            new = set(os.listdir(DOWNLOADS)) - known
            if len(new) != 1:
                return None
            (f,) = new
            whole = not f.endswith(".crdownload") and zipfile.is_zipfile(
                os.path.join(DOWNLOADS, f)
            )
            return f if whole else None

        got = wait(arrived, "the download of " + name, timeout=30)
        result.setdefault("downloaded_as", {})[name] = got
        os.rename(os.path.join(DOWNLOADS, got), os.path.join(DOWNLOADS, name))
    result["downloads"] = sorted(os.listdir(DOWNLOADS))
    step("downloads")

    # 8. Two tabs on one material: the older tab's save is refused and
    # said, and it loads the newer text with its own typing kept beside.
    first = d.current_window_handle
    at_end = """const ed = document.getElementById('editor');
        ed.focus(); ed.setSelectionRange(ed.value.length, ed.value.length);"""
    d.switch_to.new_window("tab")
    d.get(BASE + "/")
    wait(lambda: "已载入" in by_id("state").text, "the second tab's workspace")
    v_second = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    d.execute_script(at_end)
    type_keys("# 第二个标签页补充的说明\n")
    wait(lambda: (saved_version() or 0) > v_second, "the second tab's save")
    d.close()
    d.switch_to.window(first)
    d.execute_script(at_end)
    type_keys("# 第一个标签页补充的说明\n")
    wait(lambda: by_id("conflict").is_displayed(), "the refused save")
    result["conflict"] = by_id("conflict-message").text
    assert "已被修改" in result["conflict"], result["conflict"]
    shot("conflict")
    by_id("conflict-load").click()
    wait(lambda: by_id("mine").is_displayed(), "the tab's own typing beside")
    latest = by_id("editor").get_attribute("value")
    assert "第二个标签页" in latest and "第一个标签页" not in latest
    assert by_id("mine-text").get_attribute("value") == "# 第一个标签页补充的说明"
    assert not by_id("conflict").is_displayed()
    shot("conflict-loaded")
    step("two tabs")
    logout()

    # 9. A company named like a script is shown as those characters, and
    # nothing runs.
    login("b", PW)
    wait(lambda: by_id("work").is_displayed(), "b's workspace")
    no_alert()
    h1 = by_id("company")
    assert h1.text == COMPANY_B and h1.is_displayed(), h1.text
    assert d.execute_script("return document.querySelectorAll('#company *').length") == 0
    step("script name")
    logout()

    # 10. The county office's list: both enterprises of 涧西区, the script
    # name again as text; a row opens the material read-only.
    login("jianxi", PW)
    wait(lambda: by_id("desk").is_displayed(), "the county's list")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in d.find_elements(By.CSS_SELECTOR, "#desk-table tbody tr")
    ]
    result["desk"] = rows
    assert [r[0] for r in rows] == [COMPANY_A, COMPANY_B], rows
    no_alert()
    shot("county-list")
    d.find_element(By.CSS_SELECTOR, "#desk-table tbody tr").click()
    wait(lambda: by_id("work").is_displayed(), "the county's view of a material")
    wait(lambda: any(t.startswith("正文.pdf") for t, _ in docs()), "the county's preview")
    assert by_id("editor").get_attribute("readOnly") == "true"
    shot("county-material")
    by_id("back").click()
    wait(lambda: by_id("desk").is_displayed(), "the way back to the list")
    assert not by_id("upload").find_element(By.XPATH, "..").is_displayed()
    step("county")
    no_alert()

    # 11. The county makes an enterprise's account on its page: the
    # one-time password is shown once, in #made; the list has a new 草稿.
    by_id("new-company").send_keys(COMPANY_C)
    by_id("new-login").send_keys(LOGIN_C)
    by_id("new-create").click()
    wait(lambda: by_id("made").is_displayed(), "the new account's password")
    made = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in d.find_elements(By.CSS_SELECTOR, "#made tbody tr")
    ]
    assert len(made) == 1 and made[0][:2] == [COMPANY_C, LOGIN_C], made
    one_time = made[0][2]
    assert len(one_time) >= 8 and " " not in one_time, made
    assert by_id("county-message").text == "", by_id("county-message").text
    wait(lambda: desk_row(COMPANY_C) is not None, "the new enterprise in the list")
    assert desk_row(COMPANY_C)[3] == "草稿", desk_row(COMPANY_C)
    shot("county-new-account")
    step("county makes an account")
    logout()

    # 12. The new writer logs in with the one-time password: the first page
    # asks for their own (a mismatch is said, in Chinese); the page signs
    # in again with it (a new password ends every session of the account)
    # and shows the workspace. The deadline is in the header.
    login(LOGIN_C, one_time)
    wait(lambda: by_id("password").is_displayed(), "the page asking for the writer's own password")
    assert call("GET", "/api/me")[1]["must_change"] is True
    assert by_id("deadline").text.startswith("截止日期 2023-03-29"), by_id("deadline").text
    by_id("pw-old").send_keys(one_time)
    by_id("pw-new").send_keys(PW_C)
    by_id("pw-again").send_keys(PW_C + "x")
    by_id("password-form").find_element(By.CSS_SELECTOR, "button").click()
    wait(lambda: "不一样" in by_id("password-error").text, "the mismatch said")
    by_id("pw-again").clear()
    by_id("pw-again").send_keys(PW_C)
    shot("first-password")
    by_id("password-form").find_element(By.CSS_SELECTOR, "button").click()
    wait(lambda: by_id("work").is_displayed(), "the workspace with the new password")
    assert by_id("company").text == COMPANY_C, by_id("company").text
    assert call("GET", "/api/me")[1]["must_change"] is False
    status, _ = call("POST", "/api/session", {"user": LOGIN_C, "password": one_time})
    assert status == 401, "the one-time password no longer works"

    # 13. The writer uploads the example and submits it: 已提交, frozen
    # (also after a reload), no more 提交 button.
    wait(lambda: by_id("upload-dir").get_attribute("id"), "the upload input")
    by_id("upload-dir").send_keys(MATERIAL)
    wait(lambda: "已上传" in by_id("state").text, "the new writer's upload", timeout=40)
    wait(lambda: "错误 0" in by_id("counts").text, "the uploaded material's check")
    assert by_id("status-line").text == "状态：草稿", by_id("status-line").text
    assert by_id("submit-btn").is_displayed()
    by_id("submit-btn").click()
    wait(lambda: "已提交" in by_id("status-line").text, "the submission")
    # This machine's clock is past the profile's deadline (2023-03-29):
    # the submission is taken and marked late.
    assert re.fullmatch(r"已提交(，材料已冻结，等待县区审核|（晚于截止日期，已标明）)", by_id("state").text), by_id("state").text
    assert not by_id("submit-btn").is_displayed()
    assert by_id("editor").get_attribute("readOnly") == "true"
    d.refresh()
    wait(lambda: "已载入" in by_id("state").text, "the workspace after a reload")
    assert by_id("status-line").text.startswith("状态：已提交"), by_id("status-line").text
    assert by_id("editor").get_attribute("readOnly") == "true", "frozen after a reload"
    shot("writer-submitted")
    step("writer submits")
    logout()

    # 14. The county sees it 已提交 (the status filter keeps only it),
    # opens it and returns it with a reason.
    login("jianxi", PW)
    wait(lambda: by_id("desk").is_displayed(), "the county's list")
    wait(lambda: (desk_row(COMPANY_C) or [""] * 4)[3].startswith("已提交"), "已提交 in the list")
    Select(by_id("status-filter")).select_by_visible_text("已提交")
    wait(lambda: [r[0] for r in desk_rows()] == [COMPANY_C], "the filter on 已提交")
    shot("county-submitted")
    Select(by_id("status-filter")).select_by_visible_text("全部")
    wait(lambda: len(desk_rows()) == 3, "the whole list again")
    open_row(COMPANY_C)
    wait(lambda: by_id("return-btn").is_displayed(), "the county's 退回 button")
    assert by_id("status-line").text.startswith("状态：已提交"), by_id("status-line").text
    assert by_id("recommend-btn").is_displayed()
    by_id("review-text").send_keys(REASON)
    by_id("return-btn").click()
    wait(lambda: "退回" in by_id("status-line").text, "the return")
    assert not by_id("return-btn").is_displayed()
    step("county returns")
    logout()

    # 15. The writer (with their own password now) sees the reason, the
    # editor open again; fixes the company's name as asked and submits.
    login(LOGIN_C, PW_C)
    wait(lambda: "已载入" in by_id("state").text, "the returned material")
    assert re.fullmatch(f"状态：退回(（逾期提交）)?：{REASON}", by_id("status-line").text), by_id("status-line").text
    assert by_id("editor").get_attribute("readOnly") != "true", "editable again"
    assert by_id("submit-btn").is_displayed()
    shot("writer-returned")
    v_returned = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    assert by_id("file-select").get_attribute("value") == "material.yaml"
    # The company's full name, and the 标杆名称 that starts with it (V1).
    for _ in range(2):
        assert select_in_editor(COMPANY_A) > 0
        type_keys(COMPANY_C)
    wait(
        lambda: (saved_version() or 0) > v_returned
        and by_id("state").text.startswith("已保存")
        and f"/preview/{saved_version()}/" in (by_id("preview").get_attribute("src") or "")
        and "错误 0" in by_id("counts").text,
        "the fixed version's check",
    )
    by_id("submit-btn").click()
    wait(lambda: "已提交" in by_id("status-line").text, "the second submission")
    step("writer fixes and resubmits")
    logout()

    # 16. The county recommends with its 推荐意见; the audit list on its
    # desk shows the four steps.
    login("jianxi", PW)
    wait(lambda: by_id("desk").is_displayed(), "the county's list")
    wait(lambda: (desk_row(COMPANY_C) or [""] * 4)[3].startswith("已提交"), "the resubmission")
    open_row(COMPANY_C)
    wait(lambda: by_id("recommend-btn").is_displayed(), "the county's 推荐 button")
    by_id("review-text").send_keys(OPINION)
    by_id("recommend-btn").click()
    wait(lambda: "已推荐" in by_id("status-line").text, "the recommendation")
    assert "推荐意见已印进申报表" in by_id("state").text, by_id("state").text
    shot("county-recommended")
    by_id("back").click()
    wait(lambda: by_id("desk").is_displayed(), "the list")
    wait(lambda: desk_row(COMPANY_C)[3].startswith("已推荐"), "已推荐 in the list")

    def audit():
        return [
            li.text for li in d.find_elements(By.CSS_SELECTOR, "#audit li") if COMPANY_C in li.text
        ]

    wait(lambda: len(audit()) == 4, "the four steps in the audit list")
    # Newest first.
    moves = [re.search(r"(\S+) → (\S+?)(（|$)", t).group(1, 2) for t in audit()]
    assert moves == [
        ("已提交", "已推荐"),
        ("退回", "已提交"),
        ("已提交", "退回"),
        ("草稿", "已提交"),
    ], audit()
    assert REASON in audit()[2], audit()
    result["audit"] = audit()
    shot("county-audit")
    step("county recommends")

    # 17. The downloads, with the county's session: the electronic
    # submission (its link on the desk) and the enterprise's material.
    href = d.find_element(By.CSS_SELECTOR, "#desk a[href$='/api/export.zip']")
    assert href.is_displayed()
    status, zipped = call("GET", "/api/export.zip")
    assert status == 200, status
    with open(os.path.join(DOWNLOADS, "export.zip"), "wb") as f:
        f.write(zipped)
    with zipfile.ZipFile(os.path.join(DOWNLOADS, "export.zip")) as z:
        names = z.namelist()
        form = next(n for n in names if n.endswith(f"/{COMPANY_C}/申报表.pdf"))
        pdf = pymupdf.open(stream=z.read(form), filetype="pdf")
        form_text = "".join(p.get_text() for p in pdf)
    result["export"] = names
    squeeze = lambda t: re.sub(r"\s+", "", t)
    assert squeeze(OPINION) in squeeze(form_text), form_text
    assert "涧西区" in form_text, form_text
    mid = call("GET", "/api/materials")[1]
    mid = next(m["id"] for m in mid if m["company"] == COMPANY_C)
    status, zipped = call("GET", f"/api/materials/{mid}/download/material.zip")
    assert status == 200, status
    with open(os.path.join(DOWNLOADS, "recommended-material.zip"), "wb") as f:
        f.write(zipped)
    # All the 申报表 in one PDF, for printing and sealing: the recommended
    # enterprise's, with the opinion.
    forms = d.find_element(By.CSS_SELECTOR, "#desk a[href$='/api/forms.pdf']")
    assert forms.is_displayed()
    status, merged = call("GET", "/api/forms.pdf")
    assert status == 200, status
    merged_text = "".join(p.get_text() for p in pymupdf.open(stream=merged, filetype="pdf"))
    assert squeeze(OPINION) in squeeze(merged_text) and COMPANY_C in merged_text, merged_text
    step("county downloads")
    logout()

    # 18. The city: the campaign by county and status (已推荐 is 已上报 to
    # the city), a 县区 column, a county picked narrows the table and the
    # downloads; the deadline in the header.
    login("city", PW)
    wait(lambda: by_id("overview-table").is_displayed(), "the city's overview")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in d.find_elements(By.CSS_SELECTOR, "#overview-table tbody tr")
    ]
    assert [r[0] for r in rows] == ["洛龙区", "涧西区"], rows
    heads = [th.text for th in d.find_elements(By.CSS_SELECTOR, "#overview-table thead th")]
    assert rows[1][heads.index("已上报")] == "1", (heads, rows)
    assert "县区" in [th.text for th in d.find_elements(By.CSS_SELECTOR, "#desk-table thead th")]
    wait(lambda: desk_row(COMPANY_C) is not None, "the city's table")
    assert any(c.startswith("已上报") for c in desk_row(COMPANY_C)), desk_row(COMPANY_C)
    assert by_id("deadline").is_displayed() and "2023-03-29" in by_id("deadline").text
    by_id("overview-table").find_elements(By.CSS_SELECTOR, "tbody tr")[1].click()
    wait(lambda: by_id("county-filter").get_attribute("value") == "涧西区", "the county picked")
    assert all(r[1] == "涧西区" for r in desk_rows()), desk_rows()
    href = by_id("forms-pdf").get_attribute("href")
    assert href.endswith("/api/forms.pdf?county=" + urllib.parse.quote("涧西区")), href
    assert by_id("summary-xlsx").is_displayed()
    shot("city-desk")
    step("city")
    # Refused requests (401 before login, the wrong password, …) are the
    # network's; anything else severe is the page's own fault.
    console = [
        e["message"]
        for e in d.get_log("browser")
        if e["level"] == "SEVERE" and e.get("source") != "network"
    ]
    assert console == [], console
    result["steps"] = steps
    result["seconds"] = round(time.monotonic() - T0, 1)
finally:
    if SHOTS and sys.exc_info()[0] is not None:
        try:
            shot("failure")
        except Exception:
            pass
    d.quit()
    shutil.rmtree(PROFILE, ignore_errors=True)

print(json.dumps(result, ensure_ascii=False))
