//! `shenbao serve` (issue 20) through its HTTP API, with the real binary:
//! accounts, login, upload of the bundled example, check, preview,
//! download, history and restore, conflicts, authorisation between two
//! enterprises and the offices, CSRF, upload limits, the login rate limit,
//! and acknowledged saves surviving a SIGKILL.

mod common;

use std::io::Read;
use std::path::Path;

use common::server::{Server, add_user, start};
use common::*;
use serde_json::{Value, json};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// A signed-in client.
struct Client {
    agent: ureq::Agent,
    base: String,
    cookie: String,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[track_caller]
fn reply(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    try_reply(res).expect("request")
}

/// A reply, or `None` when the connection broke (the server was killed).
fn try_reply(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Option<Reply> {
    let mut res = res.ok()?;
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let mut body = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut body).ok()?;
    Some(Reply {
        status: res.status().as_u16(),
        body,
        headers,
    })
}

/// Every page's hash in a preview answer, in page order.
fn page_hashes(preview: &Value) -> Vec<String> {
    preview["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .flat_map(|d| d["pages"].as_array().expect("pages").clone())
        .map(|p| p["sha256"].as_str().expect("sha256").to_string())
        .collect()
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

fn login_raw(base: &str, user: &str, password: &str) -> Reply {
    reply(
        agent()
            .post(format!("{base}/api/session"))
            .send_json(json!({"user": user, "password": password})),
    )
}

/// The first login of an account an office made: its one-time password
/// opens only the password page, so the user chooses `own` and logs in
/// again with it.
fn first_login(base: &str, user: &str, one_time: &str, own: &str) -> Client {
    let once = login(base, user, one_time);
    assert_eq!(once.get("/api/me").json()["must_change"], true);
    assert_eq!(once.get("/api/materials").status, 403);
    let r = once.post("/api/password", json!({"old": one_time, "new": own}));
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    login(base, user, own)
}

fn login(base: &str, user: &str, password: &str) -> Client {
    let r = login_raw(base, user, password);
    assert_eq!(
        r.status,
        204,
        "login {user}: {}",
        String::from_utf8_lossy(&r.body)
    );
    let set = r
        .header("set-cookie")
        .expect("a session cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    Client {
        agent: agent(),
        base: base.to_string(),
        cookie: set.split(';').next().expect("cookie").to_string(),
    }
}

impl Client {
    /// The same session, for another thread.
    fn again(&self) -> Client {
        Client {
            agent: agent(),
            base: self.base.clone(),
            cookie: self.cookie.clone(),
        }
    }

    fn get(&self, path: &str) -> Reply {
        reply(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("Cookie", &self.cookie)
                .call(),
        )
    }

    fn put(&self, path: &str, version: i64, bytes: &[u8]) -> Reply {
        reply(
            self.agent
                .put(format!("{}{path}", self.base))
                .header("Cookie", &self.cookie)
                .header("If-Match", version.to_string())
                .send(bytes),
        )
    }

    fn post(&self, path: &str, body: Value) -> Reply {
        reply(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Cookie", &self.cookie)
                .send_json(body),
        )
    }

    /// A PUT of `body` to the full `url` with these headers beside the
    /// session cookie (and nothing else: no If-Match unless given).
    fn put_with(&self, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut req = self.agent.put(url).header("Cookie", &self.cookie);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        reply(req.send(body))
    }

    /// Uploads a whole folder as the material's files, one save each.
    fn upload_dir(&self, id: i64, dir: &Path) -> i64 {
        let mut version = self.get(&format!("/api/materials/{id}/files")).json()["version"]
            .as_i64()
            .expect("version");
        // A material's files (the example's folder also holds the script
        // that drew its pictures, which is no part of the material).
        for (rel, bytes) in walk(dir).into_iter().filter(|(r, _)| !r.ends_with(".py")) {
            let r = self.put(
                &format!("/api/materials/{id}/files/{}", enc(&rel)),
                version,
                &bytes,
            );
            assert_eq!(r.status, 200, "{rel}: {}", String::from_utf8_lossy(&r.body));
            version = r.json()["version"].as_i64().expect("version");
        }
        version
    }
}

/// Percent-encodes a path for a URL, keeping its slashes.
fn enc(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

const PW: &str = "correct horse 电池";

/// A data folder with two enterprises of 涧西区, one of 洛龙区, their
/// county office and the city.
fn setup() -> (tempfile::TempDir, Server) {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    add_user(
        &data,
        "a",
        PW,
        &[
            "--role",
            "enterprise",
            "--county",
            "涧西区",
            "--company",
            "洛阳示例精密轴承股份有限公司",
        ],
    );
    add_user(
        &data,
        "b",
        PW,
        &[
            "--role",
            "enterprise",
            "--county",
            "涧西区",
            "--company",
            "<script>alert(1)</script>有限公司",
        ],
    );
    add_user(
        &data,
        "c",
        PW,
        &[
            "--role",
            "enterprise",
            "--county",
            "洛龙区",
            "--company",
            "洛龙某公司",
        ],
    );
    add_user(
        &data,
        "jianxi",
        PW,
        &["--role", "county", "--county", "涧西区"],
    );
    add_user(&data, "city", PW, &["--role", "city"]);
    let server = start(&data, &["--max-file-mb", "8"]);
    (tmp, server)
}

/// The first diagnostic with `code` in a check's answer.
#[track_caller]
fn diagnostic(check: &Value, code: &str) -> Value {
    check["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {check}"))
        .clone()
}

fn material_of(c: &Client) -> i64 {
    let list = c.get("/api/materials").json();
    list[0]["id"].as_i64().expect("one material")
}

#[test]
fn writer_uploads_checks_previews_downloads_and_restores() {
    let (_tmp, server) = setup();
    assert_eq!(
        reply(agent().get(format!("{}/api/materials", server.base)).call()).status,
        401
    );
    assert_eq!(login_raw(&server.base, "a", "wrong password").status, 401);
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    // An empty material has its current version and no files.
    let files = a.get(&format!("/api/materials/{id}/files")).json();
    assert_eq!(files["version"], 0);
    assert_eq!(files["files"], json!([]));
    let version = a.upload_dir(id, &root().join("examples/luoyang-bearing"));
    let check = a.get(&format!("/api/materials/{id}/check")).json();
    assert_eq!(check["version"], version);
    assert_eq!(check["counts"]["errors"], 0, "{check}");
    assert!(
        check["lengths"].as_array().is_some_and(|l| l.len() == 5),
        "{check}"
    );
    let preview = a
        .get(&format!("/api/materials/{id}/preview?version={version}"))
        .json();
    assert_eq!(preview["draft"], false, "{preview}");
    let body = preview["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["file"] == "正文.pdf")
        .expect("正文.pdf")
        .clone();
    let pages = body["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 13, "{preview}");
    // Once previewed, the list says how many pages the bound book has.
    let listed = a.get("/api/materials").json();
    assert_eq!(listed[0]["pages"], 17, "{listed}");
    let pdf = a.get(body["pdf"].as_str().expect("pdf"));
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF-"));
    // A page image: a PNG of an A4 page at 1.5 px/pt, kept by the browser
    // (its URL is its content's hash), the page's text beside it.
    let first = &pages[0];
    assert!(
        first["text"].as_str().is_some_and(|t| t.contains("摘要")),
        "{first}"
    );
    let url = first["url"].as_str().expect("url");
    let png = a.get(url);
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(
        png.header("cache-control")
            .is_some_and(|c| c.contains("immutable")),
        "{:?}",
        png.headers
    );
    let size = png_size(&png.body);
    assert_eq!(size, (893, 1263), "A4 at 1.5 px/pt");
    // Another enterprise's writer, and an unknown page, get 404.
    let b = login(&server.base, "b", PW);
    assert_eq!(b.get(url).status, 404);
    let unknown = format!("/api/materials/{id}/pages/{}.png", "0".repeat(64));
    assert_eq!(a.get(&unknown).status, 404);
    // An edit near the end of the body changes only the pages from the
    // edited one on: the cover, the 申报表 and the body's first pages keep
    // their hashes, so the browser fetches only the rest again.
    let hashes = page_hashes;
    let before = hashes(&preview);
    // The same version asked for again: the same pages.
    let again = a
        .get(&format!("/api/materials/{id}/preview?version={version}"))
        .json();
    assert_eq!(hashes(&again), before);
    let effects = a.get(&format!("/api/materials/{id}/files/parts/effects.md"));
    assert_eq!(effects.status, 200);
    let edited = String::from_utf8(effects.body.clone())
        .expect("utf-8")
        .replacen("示范作用", "示范和带动作用", 1);
    let v2 = a
        .put(
            &format!("/api/materials/{id}/files/parts/effects.md"),
            version,
            edited.as_bytes(),
        )
        .json()["version"]
        .as_i64()
        .expect("v2");
    let after = hashes(
        &a.get(&format!("/api/materials/{id}/preview?version={v2}"))
            .json(),
    );
    assert_eq!(after.len(), before.len());
    let kept = before
        .iter()
        .zip(&after)
        .take_while(|(x, y)| x == y)
        .count();
    assert!(kept >= 3 + 10, "cover, form and 10 body pages kept: {kept}");
    assert!(kept < after.len(), "the edited page changed");
    // Back to the saved text, so the rest of the test sees the example.
    let version = a
        .put(
            &format!("/api/materials/{id}/files/parts/effects.md"),
            v2,
            &effects.body,
        )
        .json()["version"]
        .as_i64()
        .expect("v3");
    // The electronic submission: one folder named after the enterprise.
    let zip = a.get(&format!("/api/materials/{id}/download/all.zip"));
    assert_eq!(zip.status, 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body.clone())).expect("zip");
    let names: Vec<String> = zip_names(&mut archive);
    for f in ["封面.pdf", "正文.pdf", "申报材料.pdf", "申报表.pdf"] {
        assert!(
            names.contains(&format!("洛阳示例精密轴承股份有限公司/{f}")),
            "{f} in {names:?}"
        );
    }
    // Every file the CLI writes, each with its pages and its own download,
    // the deck's two made when asked for, and the build's report.
    let build = a.get(&format!("/api/materials/{id}/build")).json();
    let files = build["files"].as_array().expect("files");
    let entry = |p: &str| {
        files
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p} in {build}"))
    };
    assert_eq!(entry("正文.pdf")["pages"], 13, "{build}");
    assert_eq!(entry("申报表.pdf")["pages"], 2, "{build}");
    let spine = entry("印刷/书脊.pdf")["url"].as_str().expect("url");
    assert!(a.get(spine).body.starts_with(b"%PDF-"));
    let report = &build["report"];
    assert_eq!(
        report["fonts"].as_array().map(Vec::len),
        Some(4),
        "{report}"
    );
    assert!(
        report["fonts"]
            .as_array()
            .expect("fonts")
            .iter()
            .all(|f| f["substitute"] == true
                && f["face"].as_str().is_some_and(|x| x.contains("Noto"))),
        "--no-system-fonts: the bundled substitutes, said so: {report}"
    );
    assert!(
        report["binding"]["sheets"].as_u64().is_some_and(|n| n >= 9),
        "{report}"
    );
    assert!(
        report["binding"]["spine_mm"]
            .as_f64()
            .is_some_and(|mm| mm > 1.0),
        "{report}"
    );
    let deck = a.get(entry("答辩.pdf")["url"].as_str().expect("url"));
    assert_eq!(deck.status, 200);
    assert!(deck.body.starts_with(b"%PDF-"));
    let pptx = a.get(entry("答辩.pptx")["url"].as_str().expect("url"));
    assert_eq!(pptx.status, 200);
    assert!(pptx.body.starts_with(b"PK"), "a PPTX is a zip");
    let b = login(&server.base, "b", PW);
    assert_eq!(b.get(&format!("/api/materials/{id}/build")).status, 404);
    // The same zip twice is the same bytes.
    assert_eq!(
        a.get(&format!("/api/materials/{id}/download/all.zip")).body,
        zip.body
    );
    // The material's own files download as a folder the CLI builds.
    let src = a.get(&format!("/api/materials/{id}/download/material.zip"));
    assert_eq!(src.status, 200);
    let tmp = tempfile::tempdir().expect("tmp");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(src.body)).expect("zip");
    archive.extract(tmp.path()).expect("extract");
    let folder = std::fs::read_dir(tmp.path())
        .expect("dir")
        .next()
        .expect("one")
        .expect("entry")
        .path();
    must_succeed(&mut build_cmd(
        &folder.join("material.yaml"),
        &tmp.path().join("out"),
    ));

    // A mistake: the check says where; the preview is a draft.
    let yaml = std::fs::read_to_string(root().join("examples/luoyang-bearing/material.yaml"))
        .expect("yaml");
    let bad = yaml.replace("phone: \"13912345678\"", "phone: \"12345\"");
    let r = a.put(
        &format!("/api/materials/{id}/files/material.yaml"),
        version,
        bad.as_bytes(),
    );
    assert_eq!(r.status, 200);
    let bad_version = r.json()["version"].as_i64().expect("v");
    let check = a.get(&format!("/api/materials/{id}/check")).json();
    let v4 = diagnostic(&check, "V4");
    assert_eq!(v4["file"], "material.yaml");
    assert_eq!(
        v4["line"].as_u64(),
        Some(line_of(&bad, "phone: \"12345\"") as u64)
    );
    let preview = a
        .get(&format!(
            "/api/materials/{id}/preview?version={bad_version}"
        ))
        .json();
    assert_eq!(preview["draft"], true);
    assert_eq!(
        a.get(&format!("/api/materials/{id}/download/正文.pdf"))
            .status,
        422
    );
    // A save based on an old version is refused, with the current one.
    let stale = a.put(
        &format!("/api/materials/{id}/files/material.yaml"),
        version,
        yaml.as_bytes(),
    );
    assert_eq!(stale.status, 409);
    assert_eq!(stale.json()["version"], bad_version);
    // History, and restoring the good version as a new one.
    let history = a.get(&format!("/api/materials/{id}/history")).json();
    assert!(
        history
            .as_array()
            .is_some_and(|h| h.len() as i64 == bad_version + 1),
        "{history}"
    );
    let r = reply(
        a.agent
            .post(format!("{}/api/materials/{id}/restore", a.base))
            .header("Cookie", &a.cookie)
            .header("If-Match", bad_version.to_string())
            .send_json(json!({"version": version})),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let restored = r.json()["version"].as_i64().expect("v");
    assert_eq!(restored, bad_version + 1);
    let now = a.get(&format!("/api/materials/{id}/files/material.yaml"));
    assert_eq!(now.body, yaml.as_bytes());
}

#[test]
fn who_sees_what() {
    let (_tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let b = login(&server.base, "b", PW);
    let c = login(&server.base, "c", PW);
    let county = login(&server.base, "jianxi", PW);
    let city = login(&server.base, "city", PW);
    let (ida, idb, idc) = (material_of(&a), material_of(&b), material_of(&c));
    let v = a.upload_dir(ida, &root().join("examples/luoyang-bearing"));
    // A writer sees only its own material, and gets 404 for another's,
    // by id, by file, by every route.
    assert_eq!(
        a.get("/api/materials").json().as_array().map(Vec::len),
        Some(1)
    );
    for path in [
        format!("/api/materials/{idb}/files"),
        format!("/api/materials/{idb}/files/material.yaml"),
        format!("/api/materials/{idb}/check"),
        format!("/api/materials/{idb}/preview"),
        format!("/api/materials/{idb}/history"),
        format!("/api/materials/{idb}/download/all.zip"),
    ] {
        assert_eq!(a.get(&path).status, 404, "{path}");
    }
    assert_eq!(
        b.get(&format!("/api/materials/{ida}/files/material.yaml"))
            .status,
        404
    );
    assert_eq!(
        b.put(&format!("/api/materials/{ida}/files/x.md"), v, b"x")
            .status,
        404
    );
    assert_eq!(
        b.post(
            &format!("/api/materials/{ida}/restore"),
            json!({"version": 0})
        )
        .status,
        404
    );
    // The county sees its two enterprises, not 洛龙区's; it does not edit.
    let list = county.get("/api/materials").json();
    let ids: Vec<i64> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![ida, idb]);
    assert_eq!(
        county.get(&format!("/api/materials/{idc}/files")).status,
        404
    );
    assert_eq!(
        county
            .get(&format!("/api/materials/{ida}/files/material.yaml"))
            .status,
        200
    );
    assert_eq!(
        county
            .put(&format!("/api/materials/{ida}/files/x.md"), v, b"x")
            .status,
        403
    );
    // The city sees all three and edits none.
    assert_eq!(
        city.get("/api/materials").json().as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        city.put(&format!("/api/materials/{idc}/files/x.md"), 0, b"x")
            .status,
        403
    );
    // A company named like a script is data: JSON carries it as text.
    let list = b.get("/api/materials").json();
    assert_eq!(list[0]["company"], "<script>alert(1)</script>有限公司");
    // The page itself carries no user data and allows only its own script.
    let page = reply(agent().get(format!("{}/", server.base)).call());
    assert!(!String::from_utf8_lossy(&page.body).contains("alert(1)"));
    assert!(
        page.header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'"))
    );
    // The editor is served from the binary (no CDN), with its licences.
    let cm = reply(agent().get(format!("{}/codemirror.js", server.base)).call());
    assert_eq!(cm.status, 200);
    assert!(
        cm.header("content-type")
            .is_some_and(|t| t.starts_with("text/javascript"))
    );
    assert!(cm.body.starts_with(b"var CM="), "one IIFE defining CM");
    let licences = reply(
        agent()
            .get(format!("{}/codemirror.LICENSE.txt", server.base))
            .call(),
    );
    assert!(String::from_utf8_lossy(&licences.body).contains("==== @codemirror/view "));
    // The 小类 the form offers, from the table V7 checks against.
    let classes = reply(
        agent()
            .get(format!("{}/industries.json", server.base))
            .call(),
    )
    .json();
    let classes = classes.as_array().expect("a list");
    assert_eq!(classes.len(), 1380);
    assert!(classes.contains(&json!("3451 滚动轴承制造")));
}

#[test]
fn requests_that_must_be_refused() {
    let (_tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    let files = format!("{}/api/materials/{id}/files", server.base);
    // CSRF: a browser request from another site.
    let r = a.put_with(
        &format!("{files}/material.md"),
        &[("If-Match", "0"), ("Origin", "http://evil.example")],
        b"# x",
    );
    assert_eq!(r.status, 403);
    let r = a.put_with(
        &format!("{files}/material.md"),
        &[("If-Match", "0"), ("Sec-Fetch-Site", "cross-site")],
        b"# x",
    );
    assert_eq!(r.status, 403);
    // Without If-Match, a save says what it lacks.
    let r = a.put_with(&format!("{files}/material.md"), &[], b"# x");
    assert_eq!(r.status, 428);
    // A path out of the material.
    assert_eq!(
        a.put(&format!("/api/materials/{id}/files/%2E%2E/x.md"), 0, b"x")
            .status,
        422
    );
    assert_eq!(
        a.put(&format!("/api/materials/{id}/files/.hidden.md"), 0, b"x")
            .status,
        422
    );
    // The type is taken from the bytes: a PNG named .md, text named .png.
    let png = std::fs::read(
        root()
            .join("examples/luoyang-bearing/img")
            .read_dir()
            .expect("img")
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "png"))
            .expect("a png")
            .path(),
    )
    .expect("png");
    assert_eq!(
        a.put(&format!("/api/materials/{id}/files/a.md"), 0, &png)
            .status,
        415
    );
    assert_eq!(
        a.put(
            &format!("/api/materials/{id}/files/img/a.png"),
            0,
            b"not a picture"
        )
        .status,
        415
    );
    // Too large (the server runs with --max-file-mb 8).
    let big = vec![b'a'; 8 * 1024 * 1024 + 10];
    let r = a.put(&format!("/api/materials/{id}/files/big.md"), 0, &big);
    assert_eq!(r.status, 413);
    // Nothing above made a version.
    assert_eq!(
        a.get(&format!("/api/materials/{id}/files")).json()["version"],
        0
    );
    // Failed logins are limited per account; the right password then waits too.
    for _ in 0..5 {
        assert_eq!(login_raw(&server.base, "b", "wrong").status, 401);
    }
    let r = login_raw(&server.base, "b", PW);
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    // Logging out ends the session.
    let r = reply(
        a.agent
            .delete(format!("{}/api/session", server.base))
            .header("Cookie", &a.cookie)
            .call(),
    );
    assert_eq!(r.status, 204);
    assert_eq!(a.get("/api/materials").status, 401);
}

/// 导入 Word 稿 in the workspace: the draft becomes the material's files in
/// one new version, and the report comes back.
#[test]
fn import_a_word_draft() {
    let (_tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    let docx = std::fs::read(root().join("tests/import-corpus/word-full.docx")).expect("docx");
    let r = reply(
        a.agent
            .post(format!("{}/api/materials/{id}/import", server.base))
            .header("Cookie", &a.cookie)
            .header("If-Match", "0")
            .send(&docx[..]),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["version"], 1);
    assert!(
        r.json()["text"]
            .as_str()
            .is_some_and(|t| t.contains("批注未导入"))
    );
    let files = a.get(&format!("/api/materials/{id}/files")).json();
    let paths: Vec<&str> = files["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert!(
        paths.contains(&"material.md") && paths.iter().any(|p| p.starts_with("img/")),
        "{paths:?}"
    );
    let check = a.get(&format!("/api/materials/{id}/check")).json();
    assert_eq!(check["counts"]["errors"], 0, "{check}");
    // A file that is not a draft: the import's own diagnostic, 422.
    let r = reply(
        a.agent
            .post(format!("{}/api/materials/{id}/import", server.base))
            .header("Cookie", &a.cookie)
            .header("If-Match", "1")
            .send(&b"not a word file"[..]),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["code"], "IM-DOCX");
}

/// Kill the server with SIGKILL in a burst of saves, start it again: every
/// acknowledged version is there, byte for byte.
#[test]
fn acknowledged_saves_survive_sigkill() {
    let (_tmp, mut server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    let base = server.base.clone();
    let cookie = a.cookie.clone();
    let saver = std::thread::spawn(move || {
        let agent = agent();
        let mut acked: Vec<(i64, Vec<u8>)> = Vec::new();
        let mut version = 0;
        for i in 0..400 {
            let body = format!("# 第 {i} 次保存\n{}", "内容".repeat(i % 50)).into_bytes();
            let res = agent
                .put(format!("{base}/api/materials/{id}/files/notes.md"))
                .header("Cookie", &cookie)
                .header("If-Match", version.to_string())
                .send(&body[..]);
            match res {
                Ok(mut r) if r.status() == 200 => {
                    let v: Value = r.body_mut().read_json().expect("json");
                    version = v["version"].as_i64().expect("v");
                    acked.push((version, body));
                }
                _ => break,
            }
        }
        acked
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    let acked = saver.join().expect("saver");
    assert!(
        acked.len() > 3,
        "some saves were acknowledged before the kill"
    );
    let again = start(&server.data, &[]);
    let a = login(&again.base, "a", PW);
    let current = a.get(&format!("/api/materials/{id}/files")).json()["version"]
        .as_i64()
        .expect("v");
    let (last, last_body) = acked.last().expect("one");
    assert!(current >= *last, "version {current} < acknowledged {last}");
    // Every acknowledged version is in the history; the last one's file
    // is exactly what was sent (and restorable).
    let history = a.get(&format!("/api/materials/{id}/history")).json();
    let versions: Vec<i64> = history
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["version"].as_i64().expect("v"))
        .collect();
    for (v, _) in &acked {
        assert!(versions.contains(v), "version {v} lost");
    }
    if current == *last {
        assert_eq!(
            &a.get(&format!("/api/materials/{id}/files/notes.md")).body,
            last_body
        );
    }
    let (v, body) = &acked[acked.len() / 2];
    let r = reply(
        a.agent
            .post(format!("{}/api/materials/{id}/restore", a.base))
            .header("Cookie", &a.cookie)
            .header("If-Match", current.to_string())
            .send_json(json!({"version": v})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        &a.get(&format!("/api/materials/{id}/files/notes.md")).body,
        body
    );
    drop(server);
}

/// The county and the city (issue 21): accounts made by the county, submit
/// (frozen; refused with errors), return with a reason, resubmit,
/// recommend with a 推荐意见 that prints in 申报表.pdf, the audit log, and
/// the electronic submission with its 汇总表.
#[test]
fn county_workflow() {
    let (_tmp, server) = setup();
    let county = login(&server.base, "jianxi", PW);
    let city = login(&server.base, "city", PW);
    // The county makes an enterprise's account; its one-time password works
    // at once and asks to be changed.
    let made = county.post(
        "/api/materials",
        json!({"company": "洛阳示例精密轴承股份有限公司", "login": "zhoubearing"}),
    );
    assert_eq!(made.status, 200, "{}", String::from_utf8_lossy(&made.body));
    let made = made.json();
    let id = made["id"].as_i64().expect("id");
    let w = login(
        &server.base,
        "zhoubearing",
        made["password"].as_str().expect("password"),
    );
    assert_eq!(w.get("/api/me").json()["must_change"], true);
    // Until then the one-time password opens nothing else: not the list,
    // not the material, not a save.
    for r in [
        w.get("/api/materials"),
        w.get(&format!("/api/materials/{id}/files")),
        w.put(&format!("/api/materials/{id}/files/material.md"), 0, b"x"),
    ] {
        assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["code"], "AUTH-PASSWORD");
    }
    let listed = county.get("/api/materials").json();
    let row = listed
        .as_array()
        .and_then(|l| l.iter().find(|m| m["id"] == id))
        .expect("the county lists it");
    assert_eq!(row["version"], 0, "the refused save wrote nothing: {row}");
    let r = w.post(
        "/api/password",
        json!({"old": made["password"], "new": "我自己的新密码123"}),
    );
    assert_eq!(r.status, 204);
    let w = login(&server.base, "zhoubearing", "我自己的新密码123");
    assert_eq!(w.get("/api/me").json()["must_change"], false);
    // A writer cannot do the county's part, nor read the audit.
    assert_eq!(
        w.post(
            &format!("/api/materials/{id}/recommend"),
            json!({"text": "x"})
        )
        .status,
        403
    );
    assert_eq!(w.get("/api/audit").status, 403);
    // Submitting an empty material, or one with errors, is refused.
    assert_eq!(
        w.post(&format!("/api/materials/{id}/submit"), json!({}))
            .status,
        422
    );
    let v = w.upload_dir(id, &root().join("examples/luoyang-bearing"));
    let yaml = std::fs::read_to_string(root().join("examples/luoyang-bearing/material.yaml"))
        .expect("yaml");
    let bad = yaml.replace("phone: \"13912345678\"", "phone: \"12345\"");
    let v = w
        .put(
            &format!("/api/materials/{id}/files/material.yaml"),
            v,
            bad.as_bytes(),
        )
        .json()["version"]
        .as_i64()
        .expect("v");
    let r = w.post(&format!("/api/materials/{id}/submit"), json!({}));
    assert_eq!(r.status, 422);
    assert!(
        r.json()["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["code"] == "V4")),
        "{}",
        r.json()
    );
    let v = w
        .put(
            &format!("/api/materials/{id}/files/material.yaml"),
            v,
            yaml.as_bytes(),
        )
        .json()["version"]
        .as_i64()
        .expect("v");
    let r = w.post(&format!("/api/materials/{id}/submit"), json!({}));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["status"], "已提交");
    // Frozen: no save while submitted.
    assert_eq!(
        w.put(&format!("/api/materials/{id}/files/notes.md"), v, b"x")
            .status,
        423
    );
    // Returned with a reason the writer sees; editable again; resubmitted.
    assert_eq!(
        county
            .post(
                &format!("/api/materials/{id}/return"),
                json!({"reason": ""})
            )
            .status,
        422
    );
    let r = county.post(
        &format!("/api/materials/{id}/return"),
        json!({"reason": "请补充近三年的质量指标对比"}),
    );
    assert_eq!(r.status, 200);
    let mine = w.get("/api/materials").json();
    assert_eq!(mine[0]["status"], "退回");
    assert_eq!(mine[0]["reason"], "请补充近三年的质量指标对比");
    let v = w
        .put(
            &format!("/api/materials/{id}/files/notes.md"),
            v,
            "已补充。".as_bytes(),
        )
        .json()["version"]
        .as_i64()
        .expect("v");
    assert_eq!(
        w.post(&format!("/api/materials/{id}/submit"), json!({}))
            .status,
        200
    );
    // Recommended: the 推荐意见 (typed like code on purpose) prints in the
    // 申报表's county box, as typed.
    // As long as the county's box takes (300 字): one more is refused.
    let mut opinion = "经初审和实地核查，材料属实。#read(\"/etc/passwd\") <b>".to_string();
    while shenbao::check::count::count(&opinion) < 295 {
        opinion.push_str("同意推荐。");
    }
    let too_long = county.post(
        &format!("/api/materials/{id}/recommend"),
        json!({"text": format!("{opinion}再多一句话。")}),
    );
    assert_eq!(too_long.status, 422);
    assert!(
        too_long.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("超过 300 字")),
        "{}",
        String::from_utf8_lossy(&too_long.body)
    );
    let opinion = opinion.as_str();
    let r = county.post(
        &format!("/api/materials/{id}/recommend"),
        json!({"text": opinion}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        county
            .post(
                &format!("/api/materials/{id}/recommend"),
                json!({"text": "again"})
            )
            .status,
        409
    );
    let form = w.get(&format!("/api/materials/{id}/download/申报表.pdf"));
    assert_eq!(form.status, 200);
    let tmp = tempfile::tempdir().expect("tmp");
    let pdf = tmp.path().join("申报表.pdf");
    std::fs::write(&pdf, &form.body).expect("write");
    let probed = probe_all(&[pdf]).remove(0);
    let text = common::roundtrip::normalise(&probed.stream_text());
    assert!(
        text.contains(&common::roundtrip::normalise(opinion)),
        "{text}"
    );
    assert!(text.contains("涧西区（公章）"), "{text}");
    assert_eq!(probed.pages.len(), 2, "the 申报表 keeps its 2 pages");
    // The audit log: every step, who, which version, why.
    let audit = county.get(&format!("/api/audit?material={id}")).json();
    let steps: Vec<(String, String)> = audit
        .as_array()
        .expect("audit")
        .iter()
        .map(|a| {
            (
                a["from"].as_str().unwrap_or("").to_string(),
                a["to"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expect: Vec<(String, String)> = [
        ("草稿", "已提交"),
        ("已提交", "退回"),
        ("退回", "已提交"),
        ("已提交", "已推荐"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(steps, expect, "{audit}");
    assert_eq!(audit[1]["reason"], "请补充近三年的质量指标对比");
    assert_eq!(audit[2]["version"], v);
    assert_eq!(audit[0]["who"], "zhoubearing");
    assert_eq!(audit[3]["who"], "jianxi");
    // The electronic submission: the 汇总表 at the top, one folder per
    // enterprise; the same bytes twice.
    let zip = county.get("/api/export.zip");
    assert_eq!(zip.status, 200, "{}", String::from_utf8_lossy(&zip.body));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body.clone())).expect("zip");
    let names: Vec<String> = zip_names(&mut archive);
    for want in [
        "涧西区-申报材料/汇总表.pdf",
        "涧西区-申报材料/汇总表.xlsx",
        "涧西区-申报材料/洛阳示例精密轴承股份有限公司/申报表.pdf",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    assert_eq!(county.get("/api/export.zip").body, zip.body);
    assert_eq!(county.get("/api/summary.xlsx").status, 200);
    // The city sees it too (as 已推荐, by county); another county does not.
    let zip = city.get("/api/export.zip");
    assert_eq!(zip.status, 200);
    let audit = city.get("/api/audit").json();
    assert_eq!(audit.as_array().map(Vec::len), Some(4));
}

/// A material that makes its build run away (a 60 000-character table
/// cell) is stopped at the server's build deadline with OUT-DEADLINE; the
/// other writer's preview goes on.
#[test]
fn a_runaway_build_costs_only_its_own_preview() {
    let (_tmp, server) = setup();
    drop(server);
    let again = start(&_tmp.path().join("data"), &["--build-deadline", "6"]);
    let a = login(&again.base, "a", PW);
    let c = login(&again.base, "c", PW);
    let (ida, idc) = (material_of(&a), material_of(&c));
    let md = std::fs::read_to_string(root().join("examples/luoyang-bearing-md/material.md"))
        .expect("md");
    let cell = "质".repeat(60_000);
    let runaway = md.replacen(
        "# 管理方法（技术）的实施效果",
        &format!("表：极长的单元格\n\n| 项目 | 说明 |\n| --- | --- |\n| 一 | {cell} |\n\n# 管理方法（技术）的实施效果"),
        1,
    );
    let va = a.upload_dir(ida, &root().join("examples/luoyang-bearing-md"));
    let va = a
        .put(
            &format!("/api/materials/{ida}/files/material.md"),
            va,
            runaway.as_bytes(),
        )
        .json()["version"]
        .as_i64()
        .expect("v");
    let vc = c.upload_dir(idc, &root().join("examples/luoyang-bearing-md"));
    let slow = std::thread::spawn({
        let (base, cookie) = (a.base.clone(), a.cookie.clone());
        move || {
            reply(
                agent()
                    .get(format!("{base}/api/materials/{ida}/preview?version={va}"))
                    .header("Cookie", &cookie)
                    .call(),
            )
            .json()
        }
    });
    let fast = c
        .get(&format!("/api/materials/{idc}/preview?version={vc}"))
        .json();
    assert!(
        fast["documents"].as_array().is_some_and(|d| !d.is_empty()),
        "{fast}"
    );
    let slow = slow.join().expect("thread");
    let codes: Vec<&str> = slow["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"OUT-DEADLINE"), "{slow}");
    assert_eq!(slow["documents"], json!([]));
    // The other writer's pages were drawn meanwhile.
    let page = fast["documents"][0]["pages"][0]["url"]
        .as_str()
        .expect("url");
    assert_eq!(c.get(page).status, 200);
}

/// `backup` while a writer saves as fast as it can, then `restore` into an
/// empty folder: every version acknowledged before the backup started is
/// there, byte for byte.
#[test]
fn backup_during_saves_and_restore() {
    let (tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(i64, Vec<u8>)>::new()));
    let saver = std::thread::spawn({
        let (base, cookie, stop, acked) = (
            a.base.clone(),
            a.cookie.clone(),
            stop.clone(),
            acked.clone(),
        );
        move || {
            let agent = agent();
            let mut version = 0;
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let body = format!("# 第 {i} 次\n{}", "字".repeat(i % 40)).into_bytes();
                let mut r = agent
                    .put(format!("{base}/api/materials/{id}/files/notes.md"))
                    .header("Cookie", &cookie)
                    .header("If-Match", version.to_string())
                    .send(&body[..])
                    .expect("save");
                assert_eq!(r.status(), 200);
                version = r.body_mut().read_json::<Value>().expect("json")["version"]
                    .as_i64()
                    .expect("v");
                acked.lock().expect("lock").push((version, body));
                i += 1;
            }
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(400));
    let before: Vec<(i64, Vec<u8>)> = acked.lock().expect("lock").clone();
    let file = tmp.path().join("备份.db");
    must_succeed(
        bin()
            .args(["serve", "--data"])
            .arg(&server.data)
            .arg("backup")
            .arg(&file),
    );
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    saver.join().expect("saver");
    assert!(
        before.len() > 2,
        "saves were acknowledged before the backup"
    );
    // Restoring refuses a folder that has data, and fills an empty one.
    let err = stderr(&must_fail(
        bin()
            .args(["serve", "--data"])
            .arg(&server.data)
            .arg("restore")
            .arg(&file),
    ));
    assert!(err.contains("已经有数据库"), "{err}");
    let fresh = tmp.path().join("恢复");
    must_succeed(
        bin()
            .args(["serve", "--data"])
            .arg(&fresh)
            .arg("restore")
            .arg(&file),
    );
    drop(server);
    let again = start(&fresh, &[]);
    let a = login(&again.base, "a", PW);
    let history = a.get(&format!("/api/materials/{id}/history")).json();
    let versions: Vec<i64> = history
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["version"].as_i64().expect("v"))
        .collect();
    for (v, _) in &before {
        assert!(
            versions.contains(v),
            "version {v} acknowledged before the backup is lost"
        );
    }
    // The last version before the backup, restored, is byte for byte.
    let (v, body) = before.last().expect("one");
    let current = a.get(&format!("/api/materials/{id}/files")).json()["version"]
        .as_i64()
        .expect("v");
    let r = reply(
        a.agent
            .post(format!("{}/api/materials/{id}/restore", a.base))
            .header("Cookie", &a.cookie)
            .header("If-Match", current.to_string())
            .send_json(json!({"version": v})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        &a.get(&format!("/api/materials/{id}/files/notes.md")).body,
        body
    );
}

/// The county's table and lists (issue 21): a list of enterprises saved by
/// Excel as GBK CSV becomes accounts; the table shows each material's
/// 标杆名称, contact, 字数 and pages once checked; counts by status; a
/// submission after the profile's deadline is taken and marked late.
#[test]
fn county_table_lists_and_deadline() {
    let (_tmp, server) = setup();
    let county = login(&server.base, "jianxi", PW);
    let csv = "企业名称,联系人,电话\r\n洛阳甲公司,张三,13800000001\r\n洛阳乙公司,李四,13800000002\r\n洛阳示例精密轴承股份有限公司,王五,13800000003\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let r = reply(
        county
            .agent
            .post(format!("{}/api/enterprises.csv", server.base))
            .header("Cookie", &county.cookie)
            .send(&gbk[..]),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let made = r.json();
    let made = made.as_array().expect("rows");
    assert_eq!(made.len(), 3);
    assert_eq!(made[0]["company"], "洛阳甲公司");
    assert_eq!(made[2]["skipped"], "已有这个企业", "{made:?}");
    let first = login(
        &server.base,
        made[0]["login"].as_str().expect("login"),
        made[0]["password"].as_str().expect("pw"),
    );
    assert_eq!(first.get("/api/me").json()["must_change"], true);
    // Counts by status, only of the county's own.
    let ov = county.get("/api/overview").json();
    assert_eq!(ov["total"], 4, "{ov}");
    assert_eq!(ov["counties"][0]["statuses"]["草稿"], 4, "{ov}");
    assert_eq!(
        reply(agent().get(format!("{}/api/overview", server.base)).call()).status,
        401
    );
    // The table's columns come from the check of each material.
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    a.upload_dir(id, &root().join("examples/luoyang-bearing"));
    county.get("/api/materials"); // starts the checks
    let mut row = Value::Null;
    for _ in 0..100 {
        let list = county.get("/api/materials").json();
        row = list
            .as_array()
            .expect("list")
            .iter()
            .find(|m| m["id"] == id)
            .expect("row")
            .clone();
        if !row["title"].is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        row["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("洛阳示例精密轴承股份有限公司")),
        "{row}"
    );
    assert_eq!(row["contact"], "孙晓雯");
    assert!(
        row["lengths"].as_array().is_some_and(|l| l.len() == 5),
        "{row}"
    );
    // luoyang-2023's deadline is 2023-03-29: a submission today is late.
    let r = a.post(&format!("/api/materials/{id}/submit"), json!({}));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["late"], true);
    let audit = county.get(&format!("/api/audit?material={id}")).json();
    assert!(
        audit[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("逾期提交")),
        "{audit}"
    );
}

/// `serve --local FOLDER` (issue 20): one writer, no accounts, loopback
/// only; the printed link signs the browser in; every save is written back
/// into the folder, which the CLI then builds; an edit made in the folder
/// while the server was stopped becomes a version at the next start.
#[test]
fn local_folder_edited_in_place() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().expect("tmp");
    let folder = tmp.path().join("我的材料");
    for (rel, bytes) in walk(&root().join("examples/luoyang-bearing")) {
        let p = folder.join(&rel);
        std::fs::create_dir_all(p.parent().expect("dir")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    let err = stderr(&must_fail(
        bin().args(["serve", "--local"]).arg(&folder).args([
            "--listen",
            "0.0.0.0:0",
            "--no-browser",
        ]),
    ));
    assert!(err.contains("127.0.0.1"), "{err}");
    let open = |folder: &Path| {
        let mut child = bin()
            .args(["serve", "--local"])
            .arg(folder)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--no-browser",
                "--no-system-fonts",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let _started = lines.next().expect("line").expect("line");
        let link = lines.next().expect("line").expect("line");
        let url = link
            .split_once("http://")
            .map(|(_, u)| format!("http://{u}"))
            .expect("a link");
        (child, url)
    };
    let (mut child, url) = open(&folder);
    let base = url.split("/open").next().expect("base").to_string();
    let no_redirects: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    assert_eq!(
        reply(no_redirects.get(format!("{base}/open?token=wrong")).call()).status,
        404
    );
    let r = reply(no_redirects.get(&url).call());
    assert_eq!(r.status, 303);
    let cookie = r
        .header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .expect("c")
        .to_string();
    let me = Client {
        agent: agent(),
        base: base.clone(),
        cookie,
    };
    assert_eq!(
        reply(agent().get(format!("{base}/api/materials")).call()).status,
        401
    );
    let id = material_of(&me);
    let files = me.get(&format!("/api/materials/{id}/files")).json();
    assert_eq!(files["version"], 1, "the folder was read in: {files}");
    let v = 1;
    let yaml = std::fs::read_to_string(folder.join("material.yaml")).expect("yaml");
    let edited = yaml.replace("honors: 9", "honors: 10");
    let r = me.put(
        &format!("/api/materials/{id}/files/material.yaml"),
        v,
        edited.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        std::fs::read_to_string(folder.join("material.yaml")).expect("yaml"),
        edited,
        "written back"
    );
    let r = me.put(
        &format!("/api/materials/{id}/files/img/new.png"),
        2,
        &std::fs::read(
            folder
                .join("img")
                .read_dir()
                .expect("img")
                .flatten()
                .find(|e| e.path().extension().is_some_and(|x| x == "png"))
                .expect("png")
                .path(),
        )
        .expect("png"),
    );
    assert_eq!(r.status, 200);
    assert!(folder.join("img/new.png").is_file());
    let r = reply(
        me.agent
            .post(format!("{base}/api/materials/{id}/restore"))
            .header("Cookie", &me.cookie)
            .send_json(json!({"version": 1})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        std::fs::read_to_string(folder.join("material.yaml")).expect("yaml"),
        yaml
    );
    assert!(
        !folder.join("img/new.png").exists(),
        "a file the version does not have is removed"
    );
    let _ = child.kill();
    let _ = child.wait();
    // Edited in a text editor while the server was stopped.
    std::fs::write(folder.join("material.yaml"), &edited).expect("edit");
    let (mut child, url) = open(&folder);
    let r = reply(no_redirects.get(&url).call());
    let cookie = r
        .header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .expect("c")
        .to_string();
    let me = Client {
        agent: agent(),
        base: url.split("/open").next().expect("b").to_string(),
        cookie,
    };
    let history = me.get(&format!("/api/materials/{id}/history")).json();
    assert_eq!(history[0]["summary"], "从文件夹读入", "{history}");
    assert_eq!(
        me.get(&format!("/api/materials/{id}/files/material.yaml"))
            .body,
        edited.as_bytes()
    );
    let _ = child.kill();
    let _ = child.wait();
    // The folder still builds with the CLI (the server's own files hidden).
    must_succeed(&mut build_cmd(
        &folder.join("material.yaml"),
        &tmp.path().join("out"),
    ));
}

/// SIGKILL in the middle of status changes and exports (issue 21): after a
/// restart the status is the `to` of the last audit entry — never between —
/// every acknowledged change is in the log, and the export, built again
/// from nothing, is the same bytes as before.
#[test]
fn status_and_audit_agree_after_sigkill() {
    let (_tmp, mut server) = setup();
    let a = login(&server.base, "a", PW);
    let b = login(&server.base, "b", PW);
    let county = login(&server.base, "jianxi", PW);
    let city = login(&server.base, "city", PW);
    let id = material_of(&a);
    a.upload_dir(id, &root().join("examples/luoyang-bearing"));
    // b is recommended: the export has it.
    let idb = material_of(&b);
    b.upload_dir(idb, &root().join("examples/luoyang-bearing-md"));
    assert_eq!(
        b.post(&format!("/api/materials/{idb}/submit"), json!({}))
            .status,
        200
    );
    assert_eq!(
        county
            .post(
                &format!("/api/materials/{idb}/recommend"),
                json!({"text": "同意推荐。"})
            )
            .status,
        200
    );
    let exported = county.get("/api/export.zip");
    assert_eq!(exported.status, 200);
    // Exports all along (the city's makes its 汇总表 anew each time).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let exporter = std::thread::spawn({
        let (city, stop) = (city.again(), stop.clone());
        move || {
            let mut done = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let r = city
                    .agent
                    .get(format!("{}/api/export.zip", city.base))
                    .header("Cookie", &city.cookie)
                    .call();
                match r {
                    Ok(r) if r.status() == 200 => done += 1,
                    _ => break,
                }
            }
            done
        }
    });
    let flipper = std::thread::spawn({
        let (a, county) = (a.again(), county.again());
        move || {
            // Until the server is gone: a request cut by the kill ends it.
            let post = |c: &Client, path: String, body: Value| {
                c.agent
                    .post(format!("{}{path}", c.base))
                    .header("Cookie", &c.cookie)
                    .send_json(body)
                    .map(|r| r.status().as_u16())
            };
            let mut acked = 0;
            for i in 0.. {
                let r = if i % 2 == 0 {
                    post(&a, format!("/api/materials/{id}/submit"), json!({}))
                } else {
                    post(
                        &county,
                        format!("/api/materials/{id}/return"),
                        json!({"reason": format!("第 {i} 次退回")}),
                    )
                };
                if !matches!(r, Ok(200)) {
                    break;
                }
                acked += 1;
            }
            acked
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(900));
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let acked = flipper.join().expect("flipper");
    let exports = exporter.join().expect("exporter");
    assert!(acked > 2, "some changes were acknowledged: {acked}");
    assert!(exports > 0, "exports were made before the kill");
    let again = common::server::start(&server.data, &[]);
    let county = login(&again.base, "jianxi", PW);
    // The recommended material is as it was, and so is its export.
    let audit_b = county.get(&format!("/api/audit?material={idb}")).json();
    assert_eq!(audit_b.as_array().map(Vec::len), Some(2), "{audit_b}");
    let again_zip = county.get("/api/export.zip");
    assert_eq!(again_zip.status, 200);
    assert!(
        again_zip.body == exported.body,
        "the export built anew after the restart is the same bytes"
    );
    let audit = county.get(&format!("/api/audit?material={id}")).json();
    let audit = audit.as_array().expect("audit");
    assert!(
        audit.len() >= acked,
        "{} entries for {acked} acknowledged changes",
        audit.len()
    );
    let status = county
        .get("/api/materials")
        .json()
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["id"] == id)
        .expect("row")["status"]
        .clone();
    assert_eq!(
        status,
        audit.last().expect("one")["to"],
        "status and log agree"
    );
    // Each entry follows from the one before: no step lost in between.
    for w in audit.windows(2) {
        assert_eq!(w[0]["to"], w[1]["from"], "{:?}", w);
    }
}

/// The form's fields and the parts (`GET …/fields`): the values as the
/// material reads them, places that point at their text, a field edited at
/// its place and checked again, and the route's refusals.
#[test]
fn fields_and_parts_of_a_material() {
    let (_tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    // An empty material has no material file yet.
    let empty = a.get(&format!("/api/materials/{id}/fields"));
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json()["material"], Value::Null);
    let version = a.upload_dir(id, &root().join("examples/luoyang-bearing"));
    let r = a.get(&format!("/api/materials/{id}/fields?version={version}"));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let l = r.json();
    assert_eq!(l["version"], version);
    assert_eq!(l["material"], "material.yaml");
    assert_eq!(l["error"], Value::Null);
    let yaml = std::fs::read_to_string(root().join("examples/luoyang-bearing/material.yaml"))
        .expect("material.yaml");
    let field = |path: &str| -> Value {
        l["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["path"] == path)
            .cloned()
            .unwrap_or_else(|| panic!("{path} in {l}"))
    };
    // Each place is the value's text in the file, by offset and by line.
    let text_at = |f: &Value| {
        let (s, e) = (
            f["start"].as_u64().expect("start") as usize,
            f["end"].as_u64().expect("end") as usize,
        );
        yaml[s..e].to_string()
    };
    for (path, value, written) in [
        (
            "company.name",
            "洛阳示例精密轴承股份有限公司",
            "洛阳示例精密轴承股份有限公司",
        ),
        (
            "company.industry",
            "3451 滚动轴承制造",
            "\"3451 滚动轴承制造\"",
        ),
        (
            "company.quality_head.title",
            "副总经理兼质量总监",
            "副总经理兼质量总监",
        ),
        ("contact.phone", "13912345678", "\"13912345678\""),
        ("finance.2021.profit", "2460", "2460"),
        ("standards.enterprise", "28", "28"),
        ("date", "2023-03-20", "2023-03-20"),
    ] {
        let f = field(path);
        assert_eq!(f["value"], value, "{path}");
        assert_eq!(text_at(&f), written, "{path}");
        assert_eq!(f["file"], "material.yaml");
        let line = yaml
            .lines()
            .nth(f["line"].as_u64().expect("line") as usize - 1);
        assert!(
            line.is_some_and(|l| l.contains(written)),
            "{path}: {line:?}"
        );
    }
    assert_eq!(field("company.nature")["kind"], "choice");
    assert_eq!(
        field("company.nature")["options"],
        json!(["中央企业", "地方国企", "民营", "三资"])
    );
    assert_eq!(field("company.industry")["kind"], "industry");
    assert_eq!(field("company.industry")["group"], "企业");
    assert_eq!(field("benchmark.brief")["kind"], "long");
    let parts: Vec<(String, String, String)> = l["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| {
            (
                p["key"].as_str().unwrap_or("").to_string(),
                p["how"].as_str().unwrap_or("").to_string(),
                p["file"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let own = |k: &str, h: &str, f: &str| (k.to_string(), h.to_string(), f.to_string());
    assert_eq!(
        parts,
        [
            own("abstract", "block", "material.yaml"),
            own("overview", "block", "material.yaml"),
            own("implementation", "file", "parts/implementation.md"),
            own("effects", "file", "parts/effects.md"),
        ]
    );
    let abs = &l["parts"][0]["place"];
    let block =
        &yaml[abs["start"].as_u64().unwrap() as usize..abs["end"].as_u64().unwrap() as usize];
    assert!(
        block.starts_with("  洛阳示例精密轴承股份有限公司针对")
            && block.ends_with("具有借鉴意义。")
    );

    // The page's edit: a JSON string at the phone's place. The check of the
    // new version names that place (V4), and the fields say the new value.
    let phone = field("contact.phone");
    let (s, e) = (
        phone["start"].as_u64().unwrap() as usize,
        phone["end"].as_u64().unwrap() as usize,
    );
    let edited = format!("{}\"12345\"{}", &yaml[..s], &yaml[e..]);
    let v2 = a.put(
        &format!("/api/materials/{id}/files/material.yaml"),
        version,
        edited.as_bytes(),
    );
    assert_eq!(v2.status, 200);
    let v2 = v2.json()["version"].as_i64().expect("version");
    let check = a.get(&format!("/api/materials/{id}/check")).json();
    let v4 = diagnostic(&check, "V4");
    // Each placed picture with its printed width and resolution (V3's).
    let figures = check["figures"].as_array().expect("figures");
    let org = figures
        .iter()
        .find(|f| f["file"] == "img/org-chart.png")
        .unwrap_or_else(|| panic!("org-chart.png in {figures:?}"));
    let (w, dpi) = (
        org["width_mm"].as_f64().unwrap(),
        org["dpi"].as_f64().unwrap(),
    );
    assert!(w > 50.0 && w <= 146.4 && dpi >= 300.0, "{org}");
    let l2 = a
        .get(&format!("/api/materials/{id}/fields?version={v2}"))
        .json();
    let phone2 = l2["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "contact.phone")
        .cloned()
        .unwrap();
    assert_eq!(phone2["value"], "12345");
    assert_eq!(
        (&v4["line"], &v4["column"]),
        (&phone2["line"], &phone2["column"])
    );
    assert_eq!(
        (&v4["end_line"], &v4["end_column"]),
        (&phone2["end_line"], &phone2["end_column"])
    );
    // An older version is still there; a version not yet saved is not.
    assert_eq!(
        a.get(&format!("/api/materials/{id}/fields?version={version}"))
            .json()["fields"],
        l["fields"]
    );
    assert_eq!(
        a.get(&format!("/api/materials/{id}/fields?version={}", v2 + 1))
            .status,
        404
    );

    // A material.md: its sections are the parts, its front matter the fields.
    let b = login(&server.base, "b", PW);
    let idb = material_of(&b);
    let md = "---\r\ncompany: {name: 乙公司}\r\ncontact: {name: 张三, phone: \"13912345678\"}\r\nbenchmark: {title: 乙公司经验}\r\ndate: 2023-03-20\r\n---\r\n\r\n# 摘要\r\n\r\n摘要。\r\n\r\n# 企业概况\r\n\r\n概况。";
    let r = b.put(
        &format!("/api/materials/{idb}/files/material.md"),
        0,
        md.as_bytes(),
    );
    assert_eq!(r.status, 200);
    let lb = b.get(&format!("/api/materials/{idb}/fields")).json();
    assert_eq!(lb["material"], "material.md");
    let hows: Vec<&str> = lb["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["how"].as_str().unwrap())
        .collect();
    assert_eq!(hows, ["section", "section", "missing", "missing"]);
    let p = &lb["parts"][1]["place"];
    assert_eq!(
        (&p["line"], &p["end_line"], &p["end_column"]),
        (&json!(13), &json!(14), &json!(4))
    );

    // Another enterprise's material is not found; without a session, 401.
    assert_eq!(b.get(&format!("/api/materials/{id}/fields")).status, 404);
    assert_eq!(a.get(&format!("/api/materials/{idb}/fields")).status, 404);
    assert_eq!(
        reply(
            agent()
                .get(format!("{}/api/materials/{id}/fields", server.base))
                .call()
        )
        .status,
        401
    );
    // The county sees its enterprises' fields (read-only).
    let county = login(&server.base, "jianxi", PW);
    assert_eq!(
        county.get(&format!("/api/materials/{id}/fields")).status,
        200
    );
}

/// A copy of the Markdown example with the company renamed, so that each
/// enterprise's 申报表 says whose it is.
fn md_example_as(company: &str, dir: &Path) -> std::path::PathBuf {
    for (rel, bytes) in walk(&root().join("examples/luoyang-bearing-md")) {
        let p = dir.join(&rel);
        std::fs::create_dir_all(p.parent().expect("dir")).expect("mkdir");
        let bytes = if rel == "material.md" {
            String::from_utf8(bytes)
                .expect("utf-8")
                .replace("洛阳示例新材料科技有限公司", company)
                .into_bytes()
        } else {
            bytes
        };
        std::fs::write(p, bytes).expect("write");
    }
    dir.to_path_buf()
}

/// The text of each page of a PDF (PyMuPDF), normalised.
fn pdf_pages(bytes: &[u8], tmp: &Path, name: &str) -> Vec<String> {
    let path = tmp.join(name);
    std::fs::write(&path, bytes).expect("write pdf");
    probe(&path)
        .pages
        .iter()
        .map(|p| common::roundtrip::normalise(&p.text()))
        .collect()
}

/// Every route with every role (issue 21): allowed → 2xx, not allowed →
/// 403 (a role's route) or 404 (another's material or county), and never a
/// count of another county's materials. With two recommended materials in
/// two counties: all the 申报表 in one PDF (read back page by page), the
/// city's per-county downloads, and the export compared with `shenbao build`
/// on the same material (same files, same pages).
#[test]
fn every_route_with_every_role_and_the_offices_downloads() {
    let (tmp, server) = setup();
    add_user(
        &server.data,
        "luolong",
        PW,
        &["--role", "county", "--county", "洛龙区"],
    );
    let a = login(&server.base, "a", PW);
    let c = login(&server.base, "c", PW);
    let jianxi = login(&server.base, "jianxi", PW);
    let luolong = login(&server.base, "luolong", PW);
    let city = login(&server.base, "city", PW);
    let (ida, idc) = (material_of(&a), material_of(&c));
    let (company_a, company_c) = ("涧西甲轴承有限公司", "洛龙乙材料有限公司");
    let va = a.upload_dir(ida, &md_example_as(company_a, &tmp.path().join("ma")));
    let vc = c.upload_dir(idc, &md_example_as(company_c, &tmp.path().join("mc")));
    for (w, id, county, opinion) in [
        (&a, ida, &jianxi, "涧西区经初审同意推荐。"),
        (&c, idc, &luolong, "洛龙区经初审同意推荐。"),
    ] {
        let r = w.post(&format!("/api/materials/{id}/submit"), json!({}));
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let r = county.post(
            &format!("/api/materials/{id}/recommend"),
            json!({"text": opinion}),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    }

    // Reads. `Ok` for the owner or the office above it, else 403/404.
    let material_routes = |id: i64, v: i64| {
        vec![
            format!("/api/materials/{id}/files"),
            format!("/api/materials/{id}/files/material.md"),
            format!("/api/materials/{id}/check"),
            format!("/api/materials/{id}/preview?version={v}"),
            format!("/api/materials/{id}/preview/{v}/申报表.pdf"),
            format!("/api/materials/{id}/download/申报表.pdf"),
            format!("/api/materials/{id}/download/material.zip"),
            format!("/api/materials/{id}/download/答辩.pdf"),
            format!("/api/materials/{id}/build"),
            format!("/api/materials/{id}/fields"),
            format!("/api/materials/{id}/history"),
        ]
    };
    let office_routes = [
        "/api/audit",
        "/api/audit.csv",
        "/api/export.zip",
        "/api/summary.xlsx",
        "/api/summary.pdf",
        "/api/forms.pdf",
        "/api/overview",
    ];
    for (who, name, own) in [
        (&a, "a", Some(ida)),
        (&c, "c", Some(idc)),
        (&jianxi, "jianxi", Some(ida)),
        (&luolong, "luolong", Some(idc)),
        (&city, "city", None),
    ] {
        for path in ["/api/me", "/api/materials"] {
            assert_eq!(who.get(path).status, 200, "{name} {path}");
        }
        for (id, v) in [(ida, va), (idc, vc)] {
            let allowed = own.is_none_or(|o| o == id);
            for path in material_routes(id, v) {
                let got = who.get(&path).status;
                if allowed {
                    assert_eq!(got, 200, "{name} {path}");
                } else {
                    assert_eq!(got, 404, "{name} {path}: not even that it exists");
                }
            }
            let audit = format!("/api/audit?material={id}");
            let got = who.get(&audit).status;
            match (name, allowed) {
                ("a" | "c", _) => assert_eq!(got, 403, "{name} {audit}"),
                (_, true) => assert_eq!(got, 200, "{name} {audit}"),
                (_, false) => assert_eq!(got, 404, "{name} {audit}"),
            }
        }
        for path in office_routes {
            // The city's 汇总表 is made per county: it names one.
            let path = if name == "city" && path.starts_with("/api/summary") {
                format!("{path}?county=涧西区")
            } else {
                path.to_string()
            };
            let got = who.get(&path).status;
            if matches!(name, "a" | "c") {
                assert_eq!(got, 403, "{name} {path}");
            } else {
                assert_eq!(got, 200, "{name} {path}");
            }
        }
    }
    // A county asking for another county's downloads or counts: 404.
    for path in [
        "/api/export.zip?county=洛龙区",
        "/api/forms.pdf?county=洛龙区",
        "/api/summary.xlsx?county=洛龙区",
        "/api/overview?county=洛龙区",
    ] {
        assert_eq!(jianxi.get(path).status, 404, "{path}");
    }
    assert_eq!(city.get("/api/summary.xlsx").status, 422, "two counties");

    // Writes, by those who may not: nothing changes.
    let denied: Vec<(&Client, &str, u16)> = vec![
        (&jianxi, "jianxi", 403),
        (&city, "city", 403),
        (&c, "c", 404),
    ];
    for (who, name, want) in &denied {
        let files = format!("/api/materials/{ida}/files");
        assert_eq!(
            who.put(&format!("{files}/x.md"), va, b"x").status,
            *want,
            "{name} PUT"
        );
        // Refused before the version is looked at: no If-Match needed.
        let (c, url) = (&who.cookie, format!("{}{files}/material.md", who.base));
        let r = reply(who.agent.delete(&url).header("Cookie", c).call());
        assert_eq!(r.status, *want, "{name} DELETE");
        for (route, body) in [("restore", json!({"version": 1})), ("submit", json!({}))] {
            let r = who.post(&format!("/api/materials/{ida}/{route}"), body);
            assert_eq!(r.status, *want, "{name} {route}");
        }
        let url = format!("{}/api/materials/{ida}/import", who.base);
        let r = reply(who.agent.post(&url).header("Cookie", c).send(b"PK"));
        assert_eq!(r.status, *want, "{name} import");
    }
    for (who, name, want) in [
        (&a, "a", 403),
        (&c, "c", 403),
        (&city, "city", 403),
        (&luolong, "luolong", 404),
    ] {
        for (route, body) in [
            ("return", json!({"reason": "x"})),
            ("recommend", json!({"text": "x"})),
        ] {
            let r = who.post(&format!("/api/materials/{ida}/{route}"), body);
            assert_eq!(r.status, want, "{name} {route}");
        }
    }
    for (who, name) in [(&a, "a"), (&city, "city")] {
        let r = who.post(
            "/api/materials",
            json!({"company": "某公司", "login": format!("new-{name}")}),
        );
        assert_eq!(r.status, 403, "{name} POST /api/materials");
        let r = reply(
            who.agent
                .post(format!("{}/api/enterprises.csv", who.base))
                .header("Cookie", &who.cookie)
                .send("某公司,张三,13800000009".as_bytes()),
        );
        assert_eq!(r.status, 403, "{name} POST /api/enterprises.csv");
    }
    for (who, name) in [(&a, "a"), (&jianxi, "jianxi")] {
        let r = who.post(
            "/api/counties",
            json!({"county": "老城区", "login": format!("laocheng-{name}")}),
        );
        assert_eq!(r.status, 403, "{name} POST /api/counties");
    }
    let row = jianxi.get("/api/materials").json()[0].clone();
    assert_eq!(
        (row["status"].clone(), row["version"].clone()),
        (json!("已推荐"), json!(va))
    );
    // What is allowed works: the city makes a county account, whose
    // one-time password must be changed.
    let r = city.post(
        "/api/counties",
        json!({"county": "老城区", "login": "laocheng"}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let laocheng = login(
        &server.base,
        "laocheng",
        r.json()["password"].as_str().expect("pw"),
    );
    let me = laocheng.get("/api/me").json();
    assert_eq!(
        (
            me["role"].clone(),
            me["county"].clone(),
            me["must_change"].clone()
        ),
        (json!("county"), json!("老城区"), json!(true))
    );
    assert_eq!(me["deadline"], "2023-03-29");
    let laocheng = first_login(
        &server.base,
        "laocheng",
        r.json()["password"].as_str().expect("pw"),
        "老城区的新密码2023",
    );
    assert_eq!(laocheng.get("/api/materials").json(), json!([]));

    // Never a count of another county: not in the list, the overview, the
    // audit, the downloads.
    let ov = jianxi.get("/api/overview").json();
    assert_eq!(ov["counties"].as_array().map(Vec::len), Some(1), "{ov}");
    assert_eq!(ov["counties"][0]["county"], "涧西区");
    assert_eq!(ov["total"], 2, "a and b: {ov}");
    assert!(!ov.to_string().contains("洛龙"), "{ov}");
    let everything = [
        jianxi.get("/api/materials").body,
        jianxi.get("/api/audit").body,
        jianxi.get("/api/audit.csv").body,
    ]
    .concat();
    let everything = String::from_utf8_lossy(&everything);
    assert!(
        !everything.contains("洛龙") && !everything.contains(&format!("\"id\":{idc},")),
        "{everything}"
    );
    let csv = String::from_utf8(jianxi.get("/api/audit.csv").body).expect("utf-8");
    assert!(csv.starts_with("\u{feff}时间,企业,操作人"), "{csv}");
    assert!(
        csv.contains("已提交,已推荐,涧西区经初审同意推荐。"),
        "{csv}"
    );
    let ov = city.get("/api/overview").json();
    assert_eq!(ov["counties"].as_array().map(Vec::len), Some(2), "{ov}");
    assert_eq!(ov["counties"][0]["county"], "洛龙区", "{ov}");
    assert_eq!(ov["counties"][1]["county"], "涧西区", "{ov}");
    assert_eq!(ov["statuses"]["已推荐"], 2, "{ov}");
    assert_eq!(ov["deadline"], "2023-03-29");

    // All the 申报表 in one PDF: the county's has its own enterprise's,
    // with the 推荐意见; the city's has both, by county; each as many pages
    // as the enterprise's own 申报表.pdf.
    let form_a = pdf_pages(
        &a.get(&format!("/api/materials/{ida}/download/申报表.pdf"))
            .body,
        tmp.path(),
        "a.pdf",
    );
    let form_c = pdf_pages(
        &c.get(&format!("/api/materials/{idc}/download/申报表.pdf"))
            .body,
        tmp.path(),
        "c.pdf",
    );
    let county_forms = jianxi.get("/api/forms.pdf");
    assert_eq!(county_forms.status, 200);
    assert_eq!(county_forms.header("content-type"), Some("application/pdf"));
    assert!(
        county_forms
            .header("content-disposition")
            .is_some_and(|d| d.contains(&enc("涧西区-申报表.pdf"))),
        "{:?}",
        county_forms.header("content-disposition")
    );
    let pages = pdf_pages(&county_forms.body, tmp.path(), "jianxi.pdf");
    assert_eq!(
        pages, form_a,
        "the county's forms.pdf is a's 申报表, page for page"
    );
    assert!(pages[0].contains(company_a), "{}", pages[0]);
    assert!(
        pages
            .iter()
            .any(|p| p.contains(&common::roundtrip::normalise("涧西区经初审同意推荐。"))),
        "{pages:?}"
    );
    assert!(!pages.concat().contains(company_c));
    assert_eq!(jianxi.get("/api/forms.pdf").body, county_forms.body);
    let all = pdf_pages(&city.get("/api/forms.pdf").body, tmp.path(), "city.pdf");
    assert_eq!(
        all,
        [form_c.clone(), form_a.clone()].concat(),
        "洛龙区 first, then 涧西区"
    );
    let one = pdf_pages(
        &city.get("/api/forms.pdf?county=洛龙区").body,
        tmp.path(),
        "city-luolong.pdf",
    );
    assert_eq!(one, form_c);

    // The city's export of one county is that county's export; the export
    // holds what `shenbao build` writes for the same material, page for page.
    let zip = city.get("/api/export.zip?county=洛龙区");
    assert_eq!(zip.status, 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).expect("zip");
    let names = zip_names(&mut archive);
    assert!(
        names.contains(&"洛龙区-申报材料/汇总表.pdf".to_string())
            && names.iter().all(|n| n.starts_with("洛龙区-申报材料/")),
        "{names:?}"
    );
    let zip = jianxi.get("/api/export.zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).expect("zip");
    let unzipped = tmp.path().join("export");
    archive.extract(&unzipped).expect("extract");
    let served = unzipped.join("涧西区-申报材料").join(company_a);
    let out = tmp.path().join("cli");
    must_succeed(&mut build_cmd(&tmp.path().join("ma/material.md"), &out));
    let built = out.join(company_a);
    let list = |dir: &Path| -> Vec<String> { walk(dir).into_iter().map(|(r, _)| r).collect() };
    assert_eq!(
        list(&served),
        list(&built),
        "the same files as shenbao build"
    );
    for rel in list(&built).iter().filter(|r| r.ends_with(".pdf")) {
        assert_eq!(
            probe(&served.join(rel)).pages.len(),
            probe(&built.join(rel)).pages.len(),
            "pages of {rel}"
        );
    }
}

/// The county's list of enterprises as .xlsx (issue 21): a good list makes
/// accounts (a phone typed as a number is read as digits); a list with bad
/// rows is refused whole, each problem with its row and column; a file too
/// large, or a zip that inflates too far, is refused before it is read.
#[test]
fn enterprise_lists_from_xlsx() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let (_tmp, server) = setup();
    let county = login(&server.base, "jianxi", PW);
    let send = |bytes: &[u8]| {
        reply(
            county
                .agent
                .post(format!("{}/api/enterprises.xlsx", server.base))
                .header("Cookie", &county.cookie)
                .send(bytes),
        )
    };
    // A title row above the header, as offices make them.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "涧西区 2023 年质量标杆企业名单")
        .expect("cell");
    for (col, h) in ["企业名称", "联系人", "电话"].iter().enumerate() {
        ws.write(2, col as u16, *h).expect("cell");
    }
    ws.write(3, 0, "洛阳丙机械有限公司").expect("cell");
    ws.write(3, 1, "赵六").expect("cell");
    ws.write(3, 2, 13800000004.0).expect("cell");
    ws.write(4, 0, "洛阳丁电子有限公司").expect("cell");
    let good = wb.save_to_buffer().expect("xlsx");
    let r = send(&good);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let made = r.json();
    assert_eq!(made.as_array().map(Vec::len), Some(2), "{made}");
    assert_eq!(made[0]["company"], "洛阳丙机械有限公司");
    assert_eq!(made[0]["phone"], "13800000004");
    assert_eq!(made[0]["line"], 4);
    let w = first_login(
        &server.base,
        made[1]["login"].as_str().expect("login"),
        made[1]["password"].as_str().expect("pw"),
        "丁公司自己的密码",
    );
    assert_eq!(
        w.get("/api/materials").json()[0]["company"],
        "洛阳丁电子有限公司"
    );
    let total = county.get("/api/overview").json()["total"].clone();

    // Bad rows: all reported, none made.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (col, h) in ["企业名称", "联系人", "电话"].iter().enumerate() {
        ws.write(0, col as u16, *h).expect("cell");
    }
    ws.write(1, 0, "洛阳戊公司").expect("cell");
    ws.write(2, 1, "没有企业名称的联系人").expect("cell");
    ws.write(3, 0, "洛阳己公司").expect("cell");
    ws.write(3, 2, "0379-6xxx").expect("cell");
    ws.write_datetime_with_format(
        4,
        1,
        ExcelDateTime::from_ymd(2023, 3, 1).expect("date"),
        &Format::new().set_num_format("yyyy-mm-dd"),
    )
    .expect("cell");
    ws.write(4, 0, "洛阳庚公司").expect("cell");
    let bad = wb.save_to_buffer().expect("xlsx");
    let r = send(&bad);
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["code"], "IN-LIST");
    let at: Vec<(u64, &str)> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().expect("row"),
                p["column"].as_str().expect("column"),
            )
        })
        .collect();
    assert_eq!(at, vec![(3, "A"), (4, "C"), (5, "B")], "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("第 3 行 A 列")),
        "{body}"
    );
    assert!(
        body["problems"][2]["message"]
            .as_str()
            .is_some_and(|m| m.contains("日期"))
    );
    assert_eq!(county.get("/api/overview").json()["total"], total);

    // A zip that inflates far beyond a list (a part of 40 MB of zeros).
    let bomb = {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", opts)
            .expect("part");
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..40 {
            z.write_all(&zeros).expect("write");
        }
        z.finish().expect("zip").into_inner()
    };
    assert!(bomb.len() < 200_000);
    let r = send(&bomb);
    assert_eq!(r.status, 413, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["code"], "IN-LIST");
    // A file far larger than a list, and a file that is no list at all.
    let r = send(&vec![b'x'; 3 << 20]);
    assert_eq!(r.status, 413);
    let r = send(b"PK\x03\x04 not really a zip");
    assert_eq!(r.status, 415, "{}", String::from_utf8_lossy(&r.body));
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("损坏"))
    );
    assert_eq!(county.get("/api/overview").json()["total"], total);
}

/// The request log (issue 21) says who did what and how long it took, and
/// never holds a password, a session cookie or a material's text.
#[test]
fn request_log_holds_no_secrets() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let secret_pw = "Geheim-密码-4711";
    add_user(
        &data,
        "zhou",
        secret_pw,
        &[
            "--role",
            "enterprise",
            "--county",
            "涧西区",
            "--company",
            "洛阳周公司",
        ],
    );
    let log = tmp.path().join("server.log");
    let server = common::server::start_logged(&data, &[], &log);
    assert_eq!(
        login_raw(&server.base, "zhou", "wrong-密码-0815").status,
        401
    );
    let w = login(&server.base, "zhou", secret_pw);
    let id = material_of(&w);
    let text = "绝密的材料正文 XYZZY-31415";
    let r = w.put(
        &format!("/api/materials/{id}/files/material.md"),
        0,
        text.as_bytes(),
    );
    assert_eq!(r.status, 200);
    let new_pw = "Neues-密码-2718";
    let r = w.post("/api/password", json!({"old": secret_pw, "new": new_pw}));
    assert_eq!(r.status, 204);
    let w2 = login(&server.base, "zhou", new_pw);
    w2.get(&format!("/api/materials/{id}/files/material.md?token=q"));
    drop(server);
    let logged = std::fs::read_to_string(&log).expect("log");
    let token = w.cookie.split_once('=').expect("cookie").1;
    let token2 = w2.cookie.split_once('=').expect("cookie").1;
    for secret in [
        secret_pw,
        new_pw,
        "wrong-密码-0815",
        token,
        token2,
        "XYZZY-31415",
        "绝密",
        "token=q",
    ] {
        assert!(!logged.contains(secret), "{secret:?} in the log:\n{logged}");
    }
    // Who, what, how it ended and how long: the save, by zhou.
    let save = logged
        .lines()
        .find(|l| {
            l.contains("PUT") && l.contains(&format!("/api/materials/{id}/files/material.md"))
        })
        .unwrap_or_else(|| panic!("the save in the log:\n{logged}"));
    assert!(
        save.contains("who=zhou") && save.contains("status=200") && save.contains("ms="),
        "{save}"
    );
    assert!(
        logged
            .lines()
            .any(|l| l.contains("/api/session") && l.contains("status=401") && l.contains("who=-")),
        "a failed login names no one:\n{logged}"
    );
    assert!(
        logged.lines().any(|l| l.contains("/api/session")
            && l.contains("status=204")
            && l.contains("who=zhou")),
        "{logged}"
    );
}

/// A page's hash is of what it shows, the same in every process: after a
/// restart (new engine workers, empty caches, page images cleared) the
/// same version's pages have the same hashes and URLs, so a browser keeps
/// the images it has.
#[test]
fn page_hashes_are_the_same_after_a_restart() {
    let (tmp, server) = setup();
    let a = login(&server.base, "a", PW);
    let id = material_of(&a);
    let v = a.upload_dir(id, &root().join("examples/luoyang-bearing-md"));
    let hashes = |c: &Client| {
        page_hashes(
            &c.get(&format!("/api/materials/{id}/preview?version={v}"))
                .json(),
        )
    };
    let before = hashes(&a);
    assert!(before.len() >= 6, "{before:?}");
    drop(server);
    let again = start(&tmp.path().join("data"), &[]);
    let a = login(&again.base, "a", PW);
    assert_eq!(hashes(&a), before);
    let page = format!("/api/materials/{id}/pages/{}.png", before[0]);
    assert_eq!(a.get(&page).status, 200);
}
