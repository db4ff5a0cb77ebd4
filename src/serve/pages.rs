//! The pages: one HTML shell with its script and style, all embedded in
//! the binary (no CDN, no network at run time). The script shows what the
//! API returns; it puts user text into the page only as text
//! (`textContent`, form values), never as HTML.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

const INDEX: &str = include_str!("../../templates/serve/index.html");

/// The page's other files: path, bytes, type. `codemirror.js` is the
/// editor, built by `vendor/codemirror/build.sh` and committed (no Node at
/// build or run time); its licences are served beside it.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "/app.js",
        include_str!("../../templates/serve/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/preview.js",
        include_str!("../../templates/serve/preview.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/office.js",
        include_str!("../../templates/serve/office.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/outputs.js",
        include_str!("../../templates/serve/outputs.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/editor.js",
        include_str!("../../templates/serve/editor.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/form.js",
        include_str!("../../templates/serve/form.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/workspace.js",
        include_str!("../../templates/serve/workspace.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/codemirror.js",
        include_str!("../../templates/serve/codemirror.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "/codemirror.LICENSE.txt",
        include_str!("../../templates/serve/codemirror.LICENSE.txt"),
        "text/plain; charset=utf-8",
    ),
    (
        "/app.css",
        include_str!("../../templates/serve/app.css"),
        "text/css; charset=utf-8",
    ),
];

pub fn routes() -> Router<Arc<AppState>> {
    let mut router = Router::new().route("/open", get(open_local)).route(
        "/",
        get(|| async {
            // The editor's own style sheet (CodeMirror adds one <style>
            // element) carries this response's nonce; no other may apply.
            let nonce = super::auth::token(16);
            let mut res = page(INDEX, "text/html; charset=utf-8");
            *res.body_mut() = INDEX.replace("{{nonce}}", &nonce).into();
            if let Ok(v) = HeaderValue::from_str(&csp(Some(&nonce))) {
                res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
            res
        }),
    );
    for &(path, body, mime) in ASSETS {
        router = router.route(path, get(move || async move { page(body, mime) }));
    }
    router.route("/industries.json", get(industries))
}

/// The GB/T 4754-2017 小类 as the form offers them (`3451 滚动轴承制造`),
/// from the table the check (V7) reads.
async fn industries() -> Response {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = LIST.get_or_init(|| {
        let all: Vec<String> = crate::material::industry::classes()
            .map(|c| format!("{} {}", c.code, c.name))
            .collect();
        serde_json::to_string(&all).unwrap_or_default()
    });
    page(body, "application/json")
}

/// Only this server's own script runs; pages frame only its own PDFs. The
/// editor (CodeMirror) writes its style sheet into one <style> element,
/// allowed by the page's nonce, and sets style attributes on its own
/// elements (line heights, the gutter's width).
fn csp(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'{nonce}; style-src-attr 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    )
}

fn page(body: &'static str, mime: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // Assets have no nonce: no inline style at all.
    if let Ok(v) = HeaderValue::from_str(&csp(None)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[derive(serde::Deserialize)]
struct OpenQuery {
    token: String,
}

/// `--local`: the link the server printed (and opened) signs the browser in
/// as the one writer, then shows the workspace. Anywhere else: 404.
async fn open_local(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    axum::extract::Query(q): axum::extract::Query<OpenQuery>,
) -> Response {
    let Some(local) = &state.local else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    // Compared in constant time: the token is the only key to this door.
    let same = q.token.len() == local.token.len()
        && q.token
            .bytes()
            .zip(local.token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let token = super::auth::token(32);
    let sha = super::storage::sha256_hex(token.as_bytes());
    let user = local.user;
    let stored = {
        let store = state.store.lock().expect("poisoned");
        store.add_session(
            &sha,
            user,
            super::storage::unix_now() + super::auth::SESSION_SECS,
        )
    };
    if stored.is_err() {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = axum::response::Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&super::auth::set_cookie(&token, false)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
