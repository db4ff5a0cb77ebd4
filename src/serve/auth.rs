//! Who is asking: passwords (Argon2id), sessions (an HttpOnly, SameSite=Strict
//! cookie whose SHA-256 is what the database keeps), the login rate limit,
//! and the CSRF check every state-changing request passes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::{HeaderMap, Method, header};

pub const COOKIE: &str = "shenbao_session";
/// A session lasts a working week.
pub const SESSION_SECS: i64 = 7 * 24 * 3600;

pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the login does not exist, so that a
/// wrong login takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy").unwrap_or_default())
}

/// A new random token (hex), e.g. a session or a one-time password.
pub fn token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("the OS has randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The session token of a request's cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECS}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// CSRF: a state-changing request from a browser must come from this
/// server's own pages. Browsers say where a request comes from
/// (`Sec-Fetch-Site`, `Origin`); a request that says another site is
/// refused. Tools that send neither header carry no browser cookie to abuse.
pub fn csrf_ok(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Failed logins, per account and per address, in a sliding window.
pub struct Limiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    window: Duration,
    per_account: usize,
    per_address: usize,
}

impl Limiter {
    pub fn new() -> Self {
        Limiter {
            failures: Mutex::new(HashMap::new()),
            window: Duration::from_secs(15 * 60),
            per_account: 5,
            per_address: 30,
        }
    }

    fn count(&self, key: &str) -> usize {
        let mut map = self.failures.lock().expect("poisoned");
        let now = Instant::now();
        let list = map.entry(key.to_string()).or_default();
        list.retain(|t| now.duration_since(*t) < self.window);
        list.len()
    }

    /// Seconds to wait before another try, when over the limit.
    pub fn blocked(&self, login: &str, addr: Option<IpAddr>) -> Option<u64> {
        let over = self.count(&format!("u:{login}")) >= self.per_account
            || addr.is_some_and(|a| self.count(&format!("a:{a}")) >= self.per_address);
        over.then_some(self.window.as_secs())
    }

    pub fn failed(&self, login: &str, addr: Option<IpAddr>) {
        let mut map = self.failures.lock().expect("poisoned");
        let now = Instant::now();
        map.entry(format!("u:{login}")).or_default().push(now);
        if let Some(a) = addr {
            map.entry(format!("a:{a}")).or_default().push(now);
        }
    }
}

impl Default for Limiter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify() {
        let h = hash_password("正确的密码").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &h));
        assert!(!verify_password("错误", &h));
    }

    #[test]
    fn csrf() {
        let mut h = HeaderMap::new();
        assert!(csrf_ok(&Method::POST, &h), "a tool without browser headers");
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(csrf_ok(&Method::POST, &h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!csrf_ok(&Method::PUT, &h));
        assert!(csrf_ok(&Method::GET, &h));
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!csrf_ok(&Method::DELETE, &h));
    }
}
