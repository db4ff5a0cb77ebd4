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

import base64
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
from selenium.webdriver.common.keys import Keys
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
    """The preview's documents: (heading, its PDF link), e.g. ("正文（13 页） 打开 PDF", …/preview/7/正文.pdf)."""
    return [
        (h.text, (h.find_elements(By.TAG_NAME, "a") or [None])[0] and h.find_element(By.TAG_NAME, "a").get_attribute("href") or "")
        for h in d.find_elements(By.CSS_SELECTOR, "#pages h3")
    ]


def page_images():
    """The preview's page images: (caption, src), in order."""
    return [
        (f.find_element(By.TAG_NAME, "figcaption").text, f.find_element(By.TAG_NAME, "img").get_attribute("src"))
        for f in d.find_elements(By.CSS_SELECTOR, "#pages figure")
    ]


def fetched_pages():
    """Page images the browser fetched so far (the resource timing list)."""
    return d.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/pages/'))"
    )


def body_link(version):
    return any(t.startswith("正文") and f"/preview/{version}/" in h for t, h in docs())


def view(sel):
    """JS for the CodeMirror view whose editor is `sel`."""
    return f"CM.EditorView.findFromDOM(document.querySelector({json.dumps(sel)}))"


def part(key):
    return f'.part[data-key="{key}"] .cm-editor'


def tab(key):
    d.find_element(By.CSS_SELECTOR, f'#tabs [data-tab="{key}"]').click()


def doc_of(sel):
    return d.execute_script(f"return {view(sel)}.state.sliceDoc()")


def select_in(sel, needle, end=False):
    """Puts the selection of editor `sel` on `needle` (or the caret after
    it), focused, so that keys typed next go there."""
    return d.execute_script(
        f"""const v = {view(sel)};
        const at = v.state.doc.toString().indexOf(arguments[0]);
        if (at < 0) return -1;
        const b = at + arguments[0].length;
        v.dispatch({{selection: arguments[1] ? {{anchor: b}} : {{anchor: at, head: b}}, scrollIntoView: true}});
        v.focus(); return at;""",
        needle,
        end,
    )


def caret_at_end(sel):
    d.execute_script(
        f"const v = {view(sel)}; v.dispatch({{selection: {{anchor: v.state.doc.length}}}}); v.focus();"
    )


def live_count(key):
    # textContent: the part may be on a tab not shown.
    t = d.find_element(By.CSS_SELECTOR, f'.part[data-key="{key}"] .count').get_attribute("textContent")
    return int(re.search(r"字数 (\d+)", t).group(1))


def put_and_reload(mid, path, body, version, what):
    """Writes `path` of material `mid` over the API (as another tab or a
    tool would) and reloads the page on it."""
    status, _ = call("PUT", f"/api/materials/{mid}/files/{path}", body, {"If-Match": str(version)})
    assert status == 200, status
    d.refresh()
    wait(lambda: "已载入" in by_id("state").text, what)


def editable(sel):
    return d.execute_script(
        f"const e = document.querySelector({json.dumps(sel + ' .cm-content')}); return e ? e.contentEditable : null;"
    )


def set_field(path, value):
    el = by_id("f-" + path.replace(".", "-"))
    el.click()
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(value)
    el.send_keys(Keys.TAB)


def field_check(path):
    el = by_id("f-" + path.replace(".", "-"))
    return el.find_element(By.XPATH, "following-sibling::span[contains(@class,'check')]").text


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


def table_rows(css):
    """The cells' text of each row `css` finds."""
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in d.find_elements(By.CSS_SELECTOR, css)]


def desk_rows():
    return table_rows("#desk-table tbody tr")


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


def call(method, path, body=None, headers=None):
    """The API with the browser's session cookie (HttpOnly: the page's
    script cannot read it, WebDriver can). No Origin header: a tool's
    request, which the CSRF check lets through. `body` is JSON, or bytes
    sent as they are. → (status, JSON or bytes)"""
    cookie = d.get_cookie("shenbao_session")
    assert cookie, "no session cookie"
    raw = isinstance(body, bytes)
    req = urllib.request.Request(
        BASE + path,
        method=method,
        data=None if body is None else body if raw else json.dumps(body).encode(),
        headers={"Cookie": "shenbao_session=" + cookie["value"]}
        | ({} if body is None or raw else {"Content-Type": "application/json"})
        | (headers or {}),
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
    assert by_id("file-select").find_elements(By.TAG_NAME, "option") == []
    assert by_id("new-md").is_displayed(), "an empty material offers 新建 material.md"
    # Nothing to type into yet (it would be lost): the editor says how to start.
    wait(lambda: editable("#general") == "false", "a closed editor")
    assert "上传文件夹" in d.find_element(By.CSS_SELECTOR, "#general .cm-placeholder").text
    assert doc_of("#general .cm-editor") == ""
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
    files = [o.get_attribute("value") for o in by_id("file-select").find_elements(By.TAG_NAME, "option")]
    for f in ["material.yaml", "parts/implementation.md", "parts/effects.md"]:
        assert f in files, files
    assert "未上传" not in by_id("state").text, by_id("state").text
    wait(lambda: any(t.startswith("正文") for t, _ in docs()), "the preview")
    # Every page drawn: the images loaded (a broken image has no width).
    wait(
        lambda: len(page_images()) >= 16
        and d.execute_script("return [...document.querySelectorAll('#pages img')].every(i => i.complete && i.naturalWidth > 800)"),
        "the page images",
    )
    wait(lambda: "摘要" in lengths(), "the 字数 table")
    # The page counts each part as the server does (check/count.rs).
    for key, title in [("abstract", "摘要"), ("overview", "企业概况"), ("implementation", "管理方法（技术）的推进实施与运行"), ("effects", "管理方法（技术）的实施效果")]:
        wait(lambda: live_count(key) == lengths()[title], f"the live 字数 of {title} equal to the server's")
    result["uploaded_docs"] = [t for t, _ in docs()]
    result["uploaded_lengths"] = lengths()
    assert by_id("counts").text == "（错误 0，警告 0）" or "错误 0" in by_id("counts").text
    step("upload")

    # 4. Typing into the abstract's own editor: its 字数 follows at once
    # (counted in the page as the server counts), then the server's, the
    # preview too. The abstract is a `abstract: |` block of material.yaml.
    tab("abstract")
    before = lengths()["摘要"]
    wait(lambda: live_count("abstract") == before, "the live 字数 equal to the server's")
    images_before = page_images()
    fetched_before = len(fetched_pages())
    v_before = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    assert select_in(part("abstract"), "管理模式**。", end=True) > 0, "the abstract's first paragraph"
    type_keys(SENTENCE)
    wait(lambda: live_count("abstract") == before + len(SENTENCE), "the live 字数 of 摘要")
    result["live_count"] = live_count("abstract")
    wait(lambda: (saved_version() or 0) > v_before, "the save after typing")
    v_typed = saved_version()
    wait(lambda: lengths().get("摘要") != before, "the 字数 of 摘要 to change")
    after = lengths()["摘要"]
    assert after == live_count("abstract"), (after, live_count("abstract"))
    wait(
        lambda: all(f"/preview/{v_typed}/" in h for t, h in docs() if h) and body_link(v_typed),
        "the preview of the new version",
    )
    assert after > before, (before, after)
    # Only the pages the edit changed were fetched again: the cover, the
    # 申报表 and the body's later pages keep their images.
    images_after = page_images()
    changed = [c for (c, a), (_, b) in zip(images_before, images_after) if a != b]
    assert len(images_after) == len(images_before), (images_before, images_after)
    assert changed and all(c.startswith("正文") for c in changed), changed
    assert len(changed) < len(images_after) // 2, changed
    wait(lambda: len(fetched_pages()) >= fetched_before + len(changed), "the changed pages' images")
    kept = {src for (_, src), (_, old) in zip(images_after, images_before) if src == old}
    again = fetched_pages()[fetched_before:]
    assert not kept & set(again), ("an unchanged page was fetched again", kept & set(again))
    assert len(set(again)) < len(images_after) // 2, again
    # The page holding the paragraph being typed in is marked and shown.
    here = d.find_elements(By.CSS_SELECTOR, "#pages figure.here figcaption")
    assert here and here[0].text == "正文 第 1 页", [h.text for h in here]
    result["changed_pages"] = changed
    result["abstract"] = {
        "before": before,
        "after": after,
        "typed": len(SENTENCE),
        "version": v_typed,
    }
    result["typed_docs"] = [t for t, _ in docs()]
    # The file holds the sentence in the block, indented like its lines.
    yaml_now = call("GET", f"/api/materials/{call('GET', '/api/materials')[1][0]['id']}/files/material.yaml")[1].decode()
    assert "管理模式**。" + SENTENCE in yaml_now, yaml_now[:2000]
    step("typing")

    # 4b. A picture that is not there: its diagnostic is underlined in the
    # abstract's editor, at its line; taken out again, the underline goes.
    MISSING = "![缺的图](img/没有这张图.png)"
    caret_at_end(part("abstract"))
    type_keys(Keys.ENTER + Keys.ENTER + MISSING)
    wait(
        lambda: d.find_elements(By.CSS_SELECTOR, '.part[data-key="abstract"] .cm-lintRange-error'),
        "the underline of the missing picture",
    )
    under = d.find_element(By.CSS_SELECTOR, '.part[data-key="abstract"] .cm-lintRange-error')
    assert "没有这张图" in under.text or "img/" in under.text, under.text
    result["underlined"] = under.text
    assert any("没有这张图" in t for t in diagnostics()), diagnostics()
    wait(lambda: "has-errors" in d.find_element(By.CSS_SELECTOR, '#tabs [data-tab="abstract"]').get_attribute("class"), "the mark on the 摘要 tab")
    shot("part-underline")
    d.execute_script(
        f"""const v = {view(part("abstract"))}; const t = v.state.doc.toString();
        const at = t.indexOf(arguments[0]);
        v.dispatch({{changes: {{from: at, to: at + arguments[0].length + 0, insert: ""}}}});""",
        "\n\n" + MISSING,
    )
    wait(
        lambda: not d.find_elements(By.CSS_SELECTOR, '.part[data-key="abstract"] .cm-lintRange-error')
        and "错误 0" in by_id("counts").text,
        "the underline to go",
    )
    assert doc_of(part("abstract")).count(SENTENCE) == 1
    step("underline")

    # 5. A mistake in the form: the phone. Written at its place in
    # material.yaml, checked by the server: V4 beside the field and in the
    # list, the preview marked 草稿, and a click on it goes to the field.
    tab("form")
    wait(lambda: by_id("f-contact-phone").get_attribute("value") == "13912345678", "the phone in the form")
    assert field_check("contact.phone") == "✓", field_check("contact.phone")
    set_field("contact.phone", "12345")
    wait(lambda: any("[V4]" in t for t in diagnostics()), "the V4 diagnostic")
    wait(lambda: "[V4]" in field_check("contact.phone"), "V4 beside the phone")
    v4 = next(t for t in diagnostics() if "[V4]" in t)
    result["v4"] = v4
    result["v4_beside"] = field_check("contact.phone")
    wait(lambda: by_id("draft-mark").text != "", "the 草稿 mark")
    mid_a = call("GET", "/api/materials")[1][0]["id"]
    yaml_now = call("GET", f"/api/materials/{mid_a}/files/material.yaml")[1].decode()
    assert 'phone: "12345"' in yaml_now, "only the value changed"
    # all.zip cannot be built now (the server says 422): the link says so
    # instead of downloading an error.
    assert by_id("zip").get_attribute("aria-disabled") == "true"
    known = set(os.listdir(DOWNLOADS))
    by_id("zip").click()
    wait(lambda: "有错误" in by_id("state").text, "the reason all.zip is not offered")
    d.execute_script("document.getElementById('f-contact-phone').scrollIntoView({block: 'center'})")
    shot("form-diagnostic")
    tab("abstract")
    li = next(
        e for e in d.find_elements(By.CSS_SELECTOR, "#diagnostics li") if "[V4]" in e.text
    )
    li.click()
    wait(lambda: d.execute_script("return document.activeElement.id") == "f-contact-phone", "the jump to the phone")
    phone_line = yaml_now[: yaml_now.index('phone: "12345"')].count("\n") + 1
    assert f"material.yaml:{phone_line}:" in v4, v4
    step("mistake")

    # 6. Fixed in the form: the diagnostic goes, the 草稿 mark too.
    set_field("contact.phone", "13912345678")
    wait(
        lambda: not any("[V4]" in t for t in diagnostics())
        and "错误 0" in by_id("counts").text,
        "the V4 diagnostic to go",
    )
    wait(lambda: field_check("contact.phone") == "✓", "the phone's check again")
    wait(lambda: by_id("draft-mark").text == "", "the 草稿 mark to go")
    assert by_id("zip").get_attribute("aria-disabled") == "false"
    assert set(os.listdir(DOWNLOADS)) == known, "nothing was downloaded while blocked"
    d.execute_script("window.scrollTo(0, 0)")
    shot("workspace-form")
    tab("abstract")
    d.execute_script(f"{view(part('abstract'))}.scrollDOM.scrollTop = 0")
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
    # Every file one by one, and the build's report in words.
    by_id("outputs").find_element(By.TAG_NAME, "summary").click()
    wait(lambda: "书脊约" in by_id("outputs-body").text, "the build report")
    listed = [a.text for a in by_id("outputs-body").find_elements(By.CSS_SELECTOR, "a")]
    for f in ["封面.pdf", "正文.pdf", "申报材料.pdf", "申报表.pdf", "印刷/书脊.pdf", "答辩.pdf", "答辩.pptx"]:
        assert f in listed, (f, listed)
    report = by_id("outputs-body").text
    assert "替代字体" in report and "张纸" in report, report
    result["outputs_report"] = report
    shot("outputs")
    by_id("outputs").find_element(By.TAG_NAME, "summary").click()
    step("downloads")

    # 8. Two tabs on one material: the older tab's save is refused and
    # said, and it loads the newer text with its own typing kept beside.
    first = d.current_window_handle
    d.switch_to.new_window("tab")
    d.get(BASE + "/")
    wait(lambda: "已载入" in by_id("state").text, "the second tab's workspace")
    v_second = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    tab("effects")
    caret_at_end(part("effects"))
    type_keys(Keys.ENTER + Keys.ENTER + "第二个标签页补充的说明。")
    wait(lambda: (saved_version() or 0) > v_second, "the second tab's save")
    d.close()
    d.switch_to.window(first)
    tab("effects")
    caret_at_end(part("effects"))
    type_keys(Keys.ENTER + Keys.ENTER + "第一个标签页补充的说明。")
    wait(lambda: by_id("conflict").is_displayed(), "the refused save")
    result["conflict"] = by_id("conflict-message").text
    assert "已被修改" in result["conflict"], result["conflict"]
    shot("conflict")
    by_id("conflict-load").click()
    wait(lambda: by_id("mine").is_displayed(), "the tab's own typing beside")
    latest = doc_of(part("effects"))
    assert "第二个标签页" in latest and "第一个标签页" not in latest
    assert by_id("mine-text").get_attribute("value") == "第一个标签页补充的说明。"
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

    # 9b. A material.md as Windows saves it (BOM, CRLF, no line break at the
    # end): the four editors are views of its sections, and joining them
    # again gives the file byte for byte; what is typed lands in its place.
    MD = (
        "\ufeff---\r\ncompany: {name: 乙公司}\r\ncontact: {name: 张三, phone: \"13912345678\"}\r\n"
        "benchmark: {title: 乙公司经验}\r\ndate: 2023-03-20\r\n---\r\n\r\n# 摘要\r\n\r\n摘要。\r\n\r\n"
        "# 企业概况\r\n\r\n概况。\r\n\r\n# 管理方法（技术）的推进实施与运行\r\n\r\n推进。\r\n\r\n"
        "# 管理方法（技术）的实施效果\r\n\r\n效果。"
    )
    mid_b = call("GET", "/api/materials")[1][0]["id"]
    put_and_reload(mid_b, "material.md", MD.encode(), 0, "b's material.md")
    tab("abstract")
    wait(lambda: doc_of(part("abstract")) == "\r\n摘要。\r\n\r\n", "the abstract's section")
    assert doc_of(part("effects")) == "\r\n效果。"
    same = d.execute_script(
        """const doc = ws.docs['material.md'], parts = ws.layout.parts, md = arguments[0];
        const out = {page: Editor.join(doc.split, partTexts()) === md && doc.saved === md};
        // Unchanged split + join is the identity, whatever the line breaks.
        for (const [k, x] of Object.entries({crlf: md, lf: md.replace(/\\r\\n/g, '\\n'),
            no_bom: md.slice(1), trailing: md + '\\r\\n', cr: md.replace(/\\r\\n/g, '\\r')}))
          out[k] = Editor.join(Editor.split(x, parts), {}) === x;
        return out;""",
        MD,
    )
    assert all(same.values()), same
    result["split_join"] = same
    assert select_in(part("abstract"), "摘要。", end=True) > 0
    type_keys("新增")
    wait(lambda: saved_version(), "the save of the section")
    got = call("GET", f"/api/materials/{mid_b}/files/material.md")[1]
    assert got == MD.replace("摘要。", "摘要。新增", 1).encode(), got
    step("material.md split and joined")

    # 9b'. The same file saved by Notepad as UTF-16 (the CLI reads it): the
    # page shows its text, not bytes, and a save keeps every character
    # (written back as UTF-8, the BOM kept).
    edited = MD.replace("摘要。", "摘要。新增", 1)
    v_now = call("GET", f"/api/materials/{mid_b}/files")[1]["version"]
    put_and_reload(mid_b, "material.md", edited[1:].encode("utf-16"), v_now, "b's UTF-16 material.md")
    tab("abstract")
    wait(lambda: doc_of(part("abstract")) == "\r\n摘要。新增\r\n\r\n", "the UTF-16 file's abstract as text")
    assert select_in(part("abstract"), "新增", end=True) > 0
    type_keys("再加")
    wait(lambda: (saved_version() or 0) > v_now + 1, "the save of the UTF-16 file")
    got = call("GET", f"/api/materials/{mid_b}/files/material.md")[1]
    assert got.decode("utf-8") == edited.replace("新增", "新增再加", 1), got[:80]
    step("UTF-16 material.md")

    # 9b''. A part the file does not have yet: its editor is there, empty,
    # and what is typed becomes its section at the end of the file (in the
    # file's line breaks); typing on saves into the same section.
    no_effects = edited.replace("新增", "新增再加", 1)
    no_effects = no_effects[: no_effects.index("# 管理方法（技术）的实施效果")]
    v_now = call("GET", f"/api/materials/{mid_b}/files")[1]["version"]
    put_and_reload(mid_b, "material.md", no_effects.encode(), v_now, "b's material.md without 实施效果")
    tab("effects")
    wait(lambda: editable(part("effects")) == "true", "an editor for the missing part")
    assert doc_of(part("effects")) == ""
    assert "还没有这一部分" in d.find_element(By.CSS_SELECTOR, part("effects") + " .cm-placeholder").text
    shot("part-missing")
    caret_at_end(part("effects"))
    type_keys("效果。")
    section = "# 管理方法（技术）的实施效果\r\n\r\n效果。"
    wait(lambda: call("GET", f"/api/materials/{mid_b}/files/material.md")[1] == (no_effects + section + "\r\n").encode(), "the new section in the file")
    v_section = saved_version()
    type_keys("又一句。")
    wait(lambda: (saved_version() or 0) > v_section, "the second save")
    got = call("GET", f"/api/materials/{mid_b}/files/material.md")[1]
    assert got == (no_effects + section + "又一句。\r\n").encode(), got[-120:]
    step("a missing part typed into")

    # 9c. A table pasted from Excel (Tab-separated cells) under its 表：
    # caption becomes the dialect's table, in the file's own line breaks.
    tab("overview")
    assert select_in(part("overview"), "概况。", end=True) > 0
    type_keys(Keys.ENTER + Keys.ENTER + "表：测试表" + Keys.ENTER)
    v_before_paste = saved_version() or 0
    d.execute_script(
        f"""const v = {view(part("overview"))};
        const dt = new DataTransfer(); dt.setData('text/plain', arguments[0]);
        v.contentDOM.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: dt, bubbles: true, cancelable: true}}));""",
        "项目\t2021年\r\n合格率\t99%\r\n",
    )
    table = "表：测试表\r\n| 项目 | 2021年 |\r\n| --- | --- |\r\n| 合格率 | 99% |\r\n"
    wait(lambda: (saved_version() or 0) > v_before_paste and table.encode() in call("GET", f"/api/materials/{mid_b}/files/material.md")[1], "the pasted table in the file")
    wait(lambda: saved_version() and f"/preview/{saved_version()}/" in "".join(h for _, h in docs()), "the check of the table")
    assert not any("表" in t and ("表格" in t or "表题" in t) for t in diagnostics()), diagnostics()
    # From Word: an HTML table (its plain text is no table) becomes the same.
    tab("effects")
    caret_at_end(part("effects"))
    type_keys(Keys.ENTER + Keys.ENTER + "表：第二个表" + Keys.ENTER)
    v_before_paste = saved_version() or 0
    d.execute_script(
        f"""const v = {view(part("effects"))};
        const dt = new DataTransfer();
        dt.setData('text/html', arguments[0]); dt.setData('text/plain', '指标\\n数值\\n投诉\\n3 起');
        v.contentDOM.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: dt, bubbles: true, cancelable: true}}));""",
        "<html><body><table><tr><td><p>指标</p></td><td>数值</td></tr><tr><td>投诉 |</td><td>3  起</td></tr></table></body></html>",
    )
    word = "表：第二个表\r\n| 指标 | 数值 |\r\n| --- | --- |\r\n| 投诉 \\| | 3 起 |\r\n"
    wait(lambda: (saved_version() or 0) > v_before_paste and word.encode() in call("GET", f"/api/materials/{mid_b}/files/material.md")[1], "the table pasted from Word in the file")
    step("pasted table")

    # 9d. A picture dropped on the page is uploaded like the button's; it is
    # listed, and 插入 puts it at the cursor of the part last typed in.
    with open(os.path.join(MATERIAL, "img", "org-chart.png"), "rb") as f:
        png = base64.b64encode(f.read()).decode()
    v_before_drop = saved_version() or 0
    d.execute_script(
        """const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], '拖入的图.png', {type: 'image/png'}));
        const work = document.getElementById('work');
        for (const t of ['dragenter', 'dragover', 'drop'])
          work.dispatchEvent(new DragEvent(t, {dataTransfer: dt, bubbles: true, cancelable: true}));""",
        png,
    )
    wait(lambda: "已上传 1 个文件" in by_id("state").text, "the dropped picture's upload")
    tab("files")
    li = wait(
        lambda: next((e for e in d.find_elements(By.CSS_SELECTOR, "#pictures li") if e.get_attribute("data-path") == "img/拖入的图.png"), None),
        "the dropped picture in the list",
    )
    wait(lambda: "像素" in li.text and "KB" in li.text, "the picture's size")
    result["picture"] = li.text
    assert "还没有用到" in li.text, li.text
    li.find_element(By.XPATH, ".//button[contains(., '插入')]").click()
    wait(lambda: "![图题](img/拖入的图.png)" in doc_of(part("effects")), "the picture in 实施效果, the part last typed in")
    wait(lambda: (saved_version() or 0) > v_before_drop + 1 and "![图题](img/拖入的图.png)".encode() in call("GET", f"/api/materials/{mid_b}/files/material.md")[1], "the picture saved")
    # Its printed width and resolution, as the check computed them.
    tab("files")
    li = next(e for e in d.find_elements(By.CSS_SELECTOR, "#pictures li") if e.get_attribute("data-path") == "img/拖入的图.png")
    wait(lambda: re.search(r"图1：印出宽 [\d.]+ mm，\d+ dpi", li.text), "the picture's dpi at its width")
    result["picture_dpi"] = li.text
    shot("pictures")
    step("drop and insert a picture")

    # 9e. The material file edited whole in 其他文件: the form and the parts
    # follow (a missing key typed into the front matter).
    tab("other")
    Select(by_id("file-select")).select_by_value("material.md")
    wait(lambda: "乙公司" in doc_of("#general .cm-editor"), "material.md in the general editor")
    assert select_in("#general .cm-editor", "{name: 乙公司", end=True) > 0
    type_keys(", address: 洛阳市涧西区示例路1号")
    wait(lambda: not any("company.address" in t for t in diagnostics()), "the address's diagnostic to go")
    tab("form")
    wait(lambda: by_id("f-company-address").get_attribute("value") == "洛阳市涧西区示例路1号", "the address in the form")
    assert field_check("company.address") == "✓", field_check("company.address")
    tab("abstract")
    assert "摘要。新增" in doc_of(part("abstract"))
    step("general editor")
    logout()

    # 10. The county office's list: both enterprises of 涧西区, the script
    # name again as text; a row opens the material read-only.
    login("jianxi", PW)
    wait(lambda: by_id("desk").is_displayed(), "the county's list")
    rows = desk_rows()
    result["desk"] = rows
    assert [r[0] for r in rows] == [COMPANY_A, COMPANY_B], rows
    no_alert()
    shot("county-list")
    d.find_element(By.CSS_SELECTOR, "#desk-table tbody tr").click()
    wait(lambda: by_id("work").is_displayed(), "the county's view of a material")
    wait(lambda: any(t.startswith("正文") for t, _ in docs()), "the county's preview")
    tab("abstract")
    wait(lambda: editable(part("abstract").replace(" .cm-editor", "")) == "false", "a read-only part")
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
    made = table_rows("#made tbody tr")
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
    shot("first-login-password")
    by_id("pw-old").send_keys(one_time)
    by_id("pw-new").send_keys(PW_C)
    by_id("pw-again").send_keys(PW_C + "x")
    by_id("password-form").find_element(By.CSS_SELECTOR, "button").click()
    wait(lambda: "不一样" in by_id("password-error").text, "the mismatch said")
    by_id("pw-again").clear()
    by_id("pw-again").send_keys(PW_C)
    by_id("password-form").find_element(By.CSS_SELECTOR, "button").click()
    wait(lambda: by_id("work").is_displayed(), "the workspace with the new password")
    assert by_id("company").text == COMPANY_C, by_id("company").text
    assert call("GET", "/api/me")[1]["must_change"] is False
    status, _ = call("POST", "/api/session", {"user": LOGIN_C, "password": one_time})
    assert status == 401, "the one-time password no longer works"
    logout()
    login(LOGIN_C, PW_C)
    wait(lambda: by_id("work").is_displayed(), "a login with the new password")

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
    tab("abstract")
    wait(lambda: editable('.part[data-key="abstract"]') == "false", "frozen")
    d.refresh()
    wait(lambda: "已载入" in by_id("state").text, "the workspace after a reload")
    assert by_id("status-line").text.startswith("状态：已提交"), by_id("status-line").text
    tab("abstract")
    assert editable('.part[data-key="abstract"]') == "false", "frozen after a reload"
    assert by_id("f-company-name").get_attribute("disabled") == "true"
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
    tab("abstract")
    assert editable('.part[data-key="abstract"]') == "true", "editable again"
    assert by_id("submit-btn").is_displayed()
    shot("writer-returned")
    v_returned = int(re.search(r"第 (\d+) 版", by_id("state").text).group(1))
    # The company's full name in the form: the 标杆名称 must start with it
    # (V1), which the check beside the title says; then the title too.
    tab("form")
    assert field_check("benchmark.title") == "✓", field_check("benchmark.title")
    set_field("company.name", COMPANY_C)
    wait(lambda: "[V1]" in field_check("benchmark.title"), "V1 beside the title")
    result["v1_beside"] = field_check("benchmark.title")
    d.execute_script("document.getElementById('f-benchmark-title').scrollIntoView({block: 'center'})")
    shot("form-title-check")
    title = by_id("f-benchmark-title").get_attribute("value")
    set_field("benchmark.title", title.replace(COMPANY_A, COMPANY_C))
    wait(lambda: field_check("benchmark.title") == "✓", "the title's check again")
    wait(
        lambda: (saved_version() or 0) > v_returned
        and by_id("state").text.startswith("已保存")
        and body_link(saved_version())
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
    rows = table_rows("#overview-table tbody tr")
    assert [r[0] for r in rows] == ["洛龙区", "涧西区"], rows
    heads = [th.text for th in d.find_elements(By.CSS_SELECTOR, "#overview-table thead th")]
    assert rows[1][heads.index("已上报")] == "1", (heads, rows)
    assert "县区" in [th.text for th in d.find_elements(By.CSS_SELECTOR, "#desk-table thead th")]
    wait(lambda: desk_row(COMPANY_C) is not None, "the city's table")
    assert any(c.startswith("已上报") for c in desk_row(COMPANY_C)), desk_row(COMPANY_C)
    assert by_id("deadline").is_displayed() and "2023-03-29" in by_id("deadline").text
    by_id("overview-table").find_elements(By.CSS_SELECTOR, "tbody tr")[1].click()
    wait(lambda: by_id("county-filter").get_attribute("value") == "涧西区", "the county picked")
    # The table is redrawn for the county picked: read it once it settles.
    wait(lambda: desk_rows() and all(r[1] == "涧西区" for r in desk_rows()), "only 涧西区's rows")
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
