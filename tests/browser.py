"""The writer's workspace of `shenbao serve` (issue 20) in a real headless
Chromium, driven through Selenium by tests/browser.rs.

Usage: browser.py BASE MATERIAL_DIR DOWNLOADS [SCREENSHOTS]

BASE is the running server (accounts a, b, jianxi made by the Rust side),
MATERIAL_DIR the example's folder without its drawing script, DOWNLOADS an
empty folder for the page's downloads, SCREENSHOTS (optional) a folder for
PNGs of the main pages. Asserts here; prints one JSON object for Rust.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, MATERIAL, DOWNLOADS = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
PW = "correct horse 电池"
COMPANY_A = "洛阳示例精密轴承股份有限公司"
COMPANY_B = "<script>alert(1)</script>有限公司"
SENTENCE = "本模式已推广到公司全部六个生产车间。"
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
