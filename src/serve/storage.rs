//! The server's storage: one SQLite database (WAL, `synchronous=FULL`) that
//! holds accounts, sessions, and every version of every material's files.
//!
//! A material's files are stored as content-addressed blobs and a version
//! is a list of (path, digest): a save writes the new blob and the new
//! version in one transaction, so it is durable when the commit returns and
//! a crash leaves either the old version or the new one, never half of it.
//! Nothing is overwritten: every version stays, and a restore is a new
//! version. Everything SQL lives in this module, so that another backend
//! (PostgreSQL) would replace this file and nothing else.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a user may see and do (W2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Enterprise,
    County,
    City,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "enterprise" => Some(Role::Enterprise),
            "county" => Some(Role::County),
            "city" => Some(Role::City),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enterprise => "enterprise",
            Role::County => "county",
            Role::City => "city",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub role: Role,
    pub county: Option<String>,
    /// An enterprise account's material.
    pub material: Option<i64>,
    pub disabled: bool,
    #[serde(skip)]
    pub hash: String,
    /// The password was made by an office: until the user chooses their
    /// own, the server answers nothing else: an account acts for its user
    /// only once nobody else knows its password (W2).
    #[serde(skip)]
    pub must_change: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct MaterialRow {
    pub id: i64,
    pub company: String,
    pub county: Option<String>,
    pub status: String,
    pub version: i64,
    pub updated: String,
    /// The version submitted (frozen) while 已提交 or 已推荐.
    pub submitted: Option<i64>,
    /// Why the county returned it, the last time it did.
    pub reason: Option<String>,
    /// The county's 推荐意见 and its date, once recommended.
    pub opinion: Option<String>,
    pub opinion_date: Option<String>,
    /// Submitted after the profile's deadline (possible, but marked).
    pub late: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditRow {
    pub material: i64,
    pub company: String,
    pub who: Option<String>,
    pub when: String,
    pub version: i64,
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionRow {
    pub version: i64,
    pub created: String,
    pub who: Option<String>,
    pub summary: String,
}

/// Why a change was not made.
#[derive(Debug)]
pub enum StoreError {
    /// The version the change was based on is no longer the current one.
    Stale {
        current: i64,
    },
    NotFound,
    /// A status change the material's status does not allow.
    BadState {
        status: String,
    },
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users(
  id INTEGER PRIMARY KEY,
  login TEXT UNIQUE NOT NULL,
  hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('enterprise','county','city')),
  county TEXT,
  material INTEGER REFERENCES materials(id),
  disabled INTEGER NOT NULL DEFAULT 0,
  must_change INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS materials(
  id INTEGER PRIMARY KEY,
  company TEXT NOT NULL,
  county TEXT,
  status TEXT NOT NULL DEFAULT '草稿',
  version INTEGER NOT NULL DEFAULT 0,
  updated TEXT NOT NULL,
  submitted INTEGER,
  reason TEXT,
  opinion TEXT,
  opinion_date TEXT,
  late INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY,
  material INTEGER NOT NULL REFERENCES materials(id),
  who INTEGER REFERENCES users(id),
  at TEXT NOT NULL,
  version INTEGER NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE TABLE IF NOT EXISTS versions(
  material INTEGER NOT NULL REFERENCES materials(id),
  version INTEGER NOT NULL,
  created TEXT NOT NULL,
  user INTEGER REFERENCES users(id),
  summary TEXT NOT NULL,
  PRIMARY KEY(material, version)
);
CREATE TABLE IF NOT EXISTS version_files(
  material INTEGER NOT NULL,
  version INTEGER NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  size INTEGER NOT NULL,
  PRIMARY KEY(material, version, path)
);
CREATE TABLE IF NOT EXISTS blobs(sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
  token_sha256 TEXT PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id),
  expires INTEGER NOT NULL
);
";

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, as the database writes times: UTC, to the second.
fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::serve::time::iso(secs)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Store {
    /// Opens (and on first start creates) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Store, rusqlite::Error> {
        let conn = Connection::open(dir.join("shenbao.db"))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL lets readers go on during a save; FULL makes a commit durable
        // before it returns, so an acknowledged save survives a power cut.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// A consistent copy of the whole database into `to`, taken while the
    /// server runs (SQLite's online backup: the copy is one moment's state).
    pub fn backup_to(&self, to: &Path) -> Result<(), rusqlite::Error> {
        self.conn.backup(
            rusqlite::MAIN_DB,
            to,
            None::<fn(rusqlite::backup::Progress)>,
        )
    }

    fn user_from(row: &rusqlite::Row) -> rusqlite::Result<User> {
        let role: String = row.get(3)?;
        Ok(User {
            id: row.get(0)?,
            login: row.get(1)?,
            hash: row.get(2)?,
            role: Role::parse(&role).unwrap_or(Role::Enterprise),
            county: row.get(4)?,
            material: row.get(5)?,
            disabled: row.get::<_, i64>(6)? != 0,
            must_change: row.get::<_, i64>(7)? != 0,
        })
    }

    const USER_COLS: &'static str =
        "id, login, hash, role, county, material, disabled, must_change";

    /// Creates an account; an enterprise account comes with its material,
    /// empty (version 0) until the first upload.
    pub fn add_user(
        &mut self,
        login: &str,
        hash: &str,
        role: Role,
        county: Option<&str>,
        company: Option<&str>,
    ) -> Result<User, StoreError> {
        let tx = self.conn.transaction()?;
        let now = now();
        let material = if role == Role::Enterprise {
            tx.execute(
                "INSERT INTO materials(company, county, updated) VALUES (?1, ?2, ?3)",
                params![company.unwrap_or(login), county, now],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO versions(material, version, created, user, summary) VALUES (?1, 0, ?2, NULL, '新建（空）')",
                params![id, now],
            )?;
            Some(id)
        } else {
            None
        };
        tx.execute(
            "INSERT INTO users(login, hash, role, county, material, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![login, hash, role.as_str(), county, material, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.user(id)?.ok_or(StoreError::NotFound)
    }

    pub fn user(&self, id: i64) -> Result<Option<User>, rusqlite::Error> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM users WHERE id = ?1", Self::USER_COLS),
                [id],
                Self::user_from,
            )
            .optional()
    }

    pub fn user_by_login(&self, login: &str) -> Result<Option<User>, rusqlite::Error> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM users WHERE login = ?1", Self::USER_COLS),
                [login],
                Self::user_from,
            )
            .optional()
    }

    pub fn users(&self) -> Result<Vec<User>, rusqlite::Error> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {} FROM users ORDER BY id",
            Self::USER_COLS
        ))?;
        let rows = st.query_map([], Self::user_from)?;
        rows.collect()
    }

    pub fn set_hash(&self, id: i64, hash: &str) -> Result<(), rusqlite::Error> {
        self.conn.execute(
            "UPDATE users SET hash = ?1 WHERE id = ?2",
            params![hash, id],
        )?;
        // A new password ends every session of the account.
        self.conn
            .execute("DELETE FROM sessions WHERE user = ?1", [id])?;
        Ok(())
    }

    pub fn set_disabled(&self, id: i64, disabled: bool) -> Result<(), rusqlite::Error> {
        self.conn.execute(
            "UPDATE users SET disabled = ?1 WHERE id = ?2",
            params![disabled as i64, id],
        )?;
        self.conn
            .execute("DELETE FROM sessions WHERE user = ?1", [id])?;
        Ok(())
    }

    pub fn add_session(
        &self,
        token_sha: &str,
        user: i64,
        expires: i64,
    ) -> Result<(), rusqlite::Error> {
        self.conn.execute(
            "INSERT INTO sessions(token_sha256, user, expires) VALUES (?1, ?2, ?3)",
            params![token_sha, user, expires],
        )?;
        Ok(())
    }

    /// The live, enabled account of a session.
    pub fn session_user(&self, token_sha: &str) -> Result<Option<User>, rusqlite::Error> {
        self.conn
            .query_row(
                "SELECT u.id, u.login, u.hash, u.role, u.county, u.material, u.disabled, u.must_change
                 FROM sessions s JOIN users u ON u.id = s.user
                 WHERE s.token_sha256 = ?1 AND s.expires > ?2 AND u.disabled = 0",
                params![token_sha, unix_now()],
                Self::user_from,
            )
            .optional()
    }

    pub fn drop_session(&self, token_sha: &str) -> Result<(), rusqlite::Error> {
        self.conn
            .execute("DELETE FROM sessions WHERE token_sha256 = ?1", [token_sha])?;
        Ok(())
    }

    pub fn material(&self, id: i64) -> Result<Option<MaterialRow>, rusqlite::Error> {
        self.conn
            .query_row(
                "SELECT id, company, county, status, version, updated, submitted, reason, opinion, opinion_date, late
                 FROM materials WHERE id = ?1",
                [id],
                |r| {
                    Ok(MaterialRow {
                        id: r.get(0)?,
                        company: r.get(1)?,
                        county: r.get(2)?,
                        status: r.get(3)?,
                        version: r.get(4)?,
                        updated: r.get(5)?,
                        submitted: r.get(6)?,
                        reason: r.get(7)?,
                        opinion: r.get(8)?,
                        opinion_date: r.get(9)?,
                        late: r.get::<_, i64>(10)? != 0,
                    })
                },
            )
            .optional()
    }

    /// The materials a user may see (W2): an enterprise its own, a county
    /// those of its county, the city all.
    pub fn visible(&self, user: &User) -> Result<Vec<MaterialRow>, rusqlite::Error> {
        let ids: Vec<i64> = match user.role {
            Role::Enterprise => user.material.into_iter().collect(),
            Role::County => {
                let mut st = self
                    .conn
                    .prepare("SELECT id FROM materials WHERE county = ?1 ORDER BY id")?;
                st.query_map([user.county.as_deref().unwrap_or("")], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            }
            Role::City => {
                let mut st = self.conn.prepare("SELECT id FROM materials ORDER BY id")?;
                st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
            }
        };
        let mut out = Vec::new();
        for id in ids {
            if let Some(m) = self.material(id)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    pub fn files(&self, material: i64, version: i64) -> Result<Vec<FileEntry>, rusqlite::Error> {
        let mut st = self.conn.prepare(
            "SELECT path, size, sha256 FROM version_files WHERE material = ?1 AND version = ?2 ORDER BY path",
        )?;
        st.query_map(params![material, version], |r| {
            Ok(FileEntry {
                path: r.get(0)?,
                size: r.get(1)?,
                sha256: r.get(2)?,
            })
        })?
        .collect()
    }

    pub fn file_bytes(
        &self,
        material: i64,
        version: i64,
        path: &str,
    ) -> Result<Option<Vec<u8>>, rusqlite::Error> {
        self.conn
            .query_row(
                "SELECT b.bytes FROM version_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.material = ?1 AND f.version = ?2 AND f.path = ?3",
                params![material, version, path],
                |r| r.get(0),
            )
            .optional()
    }

    /// Makes a new version from `base` with `changes` (path → new bytes, or
    /// `None` to remove), in one durable transaction. `base` must be the
    /// current version, else nothing changes.
    pub fn commit(
        &mut self,
        material: i64,
        base: i64,
        changes: &[(String, Option<Vec<u8>>)],
        user: Option<i64>,
        summary: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        let current: Option<i64> = tx
            .query_row(
                "SELECT version FROM materials WHERE id = ?1",
                [material],
                |r| r.get(0),
            )
            .optional()?;
        let current = current.ok_or(StoreError::NotFound)?;
        if current != base {
            return Err(StoreError::Stale { current });
        }
        let next = current + 1;
        tx.execute(
            "INSERT INTO version_files(material, version, path, sha256, size)
             SELECT material, ?3, path, sha256, size FROM version_files WHERE material = ?1 AND version = ?2",
            params![material, current, next],
        )?;
        for (path, bytes) in changes {
            tx.execute(
                "DELETE FROM version_files WHERE material = ?1 AND version = ?2 AND path = ?3",
                params![material, next, path],
            )?;
            if let Some(bytes) = bytes {
                let sha = sha256_hex(bytes);
                tx.execute(
                    "INSERT OR IGNORE INTO blobs(sha256, bytes) VALUES (?1, ?2)",
                    params![sha, bytes],
                )?;
                tx.execute(
                    "INSERT INTO version_files(material, version, path, sha256, size) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![material, next, path, sha, bytes.len() as i64],
                )?;
            }
        }
        let now = now();
        tx.execute(
            "INSERT INTO versions(material, version, created, user, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![material, next, now, user, summary],
        )?;
        tx.execute(
            "UPDATE materials SET version = ?1, updated = ?2 WHERE id = ?3",
            params![next, now, material],
        )?;
        tx.commit()?;
        Ok(next)
    }

    /// A new version whose files are those of `old`.
    pub fn restore(
        &mut self,
        material: i64,
        base: i64,
        old: i64,
        user: Option<i64>,
    ) -> Result<i64, StoreError> {
        let old_files = self.files(material, old)?;
        let exists: Option<i64> = self
            .conn
            .query_row(
                "SELECT version FROM versions WHERE material = ?1 AND version = ?2",
                params![material, old],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let current_files = self.files(material, base)?;
        let mut changes: Vec<(String, Option<Vec<u8>>)> = current_files
            .iter()
            .filter(|f| !old_files.iter().any(|o| o.path == f.path))
            .map(|f| (f.path.clone(), None))
            .collect();
        for f in &old_files {
            let bytes = self.file_bytes(material, old, &f.path)?;
            changes.push((f.path.clone(), bytes));
        }
        self.commit(
            material,
            base,
            &changes,
            user,
            &format!("恢复到第 {old} 版"),
        )
    }

    /// Moves a material from one of `from` to `to`, recording who, when,
    /// which version and why in the audit log, in one transaction: after a
    /// crash the status and the log agree. `submit` freezes the current
    /// version; `opinion` is the county's 推荐意见.
    #[allow(clippy::too_many_arguments)]
    pub fn transition(
        &mut self,
        material: i64,
        who: i64,
        from: &[&str],
        to: &str,
        reason: Option<&str>,
        opinion: Option<(&str, &str)>,
    ) -> Result<MaterialRow, StoreError> {
        let tx = self.conn.transaction()?;
        let (status, version, submitted): (String, i64, Option<i64>) = tx
            .query_row(
                "SELECT status, version, submitted FROM materials WHERE id = ?1",
                [material],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if !from.contains(&status.as_str()) {
            return Err(StoreError::BadState { status });
        }
        let now = now();
        // The version concerned: the frozen one once submitted.
        let concerned = if to == "已提交" {
            version
        } else {
            submitted.unwrap_or(version)
        };
        match to {
            // A reason given with a submission says it is late.
            "已提交" => tx.execute(
                "UPDATE materials SET status = ?1, submitted = ?2, updated = ?3, late = ?4 WHERE id = ?5",
                params![to, version, now, reason.is_some() as i64, material],
            )?,
            "退回" => tx.execute(
                "UPDATE materials SET status = ?1, submitted = NULL, reason = ?2, updated = ?3 WHERE id = ?4",
                params![to, reason, now, material],
            )?,
            _ => tx.execute(
                "UPDATE materials SET status = ?1, opinion = ?2, opinion_date = ?3, updated = ?4 WHERE id = ?5",
                params![to, opinion.map(|o| o.0), opinion.map(|o| o.1), now, material],
            )?,
        };
        tx.execute(
            "INSERT INTO audit(material, who, at, version, from_status, to_status, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![material, who, now, concerned, status, to, reason.or(opinion.map(|o| o.0))],
        )?;
        tx.commit()?;
        self.material(material)?.ok_or(StoreError::NotFound)
    }

    /// The audit log of the given materials, oldest first.
    pub fn audit(&self, materials: &[i64]) -> Result<Vec<AuditRow>, rusqlite::Error> {
        let mut out = Vec::new();
        let mut st = self.conn.prepare(
            "SELECT a.material, m.company, u.login, a.at, a.version, a.from_status, a.to_status, a.reason
             FROM audit a JOIN materials m ON m.id = a.material LEFT JOIN users u ON u.id = a.who
             WHERE a.material = ?1 ORDER BY a.id",
        )?;
        for id in materials {
            let rows = st.query_map([id], |r| {
                Ok(AuditRow {
                    material: r.get(0)?,
                    company: r.get(1)?,
                    who: r.get(2)?,
                    when: r.get(3)?,
                    version: r.get(4)?,
                    from: r.get(5)?,
                    to: r.get(6)?,
                    reason: r.get(7)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort_by(|a, b| a.when.cmp(&b.when));
        Ok(out)
    }

    /// The account must choose its own password before anything else.
    pub fn set_must_change(&self, id: i64, must: bool) -> Result<(), rusqlite::Error> {
        self.conn.execute(
            "UPDATE users SET must_change = ?1 WHERE id = ?2",
            params![must as i64, id],
        )?;
        Ok(())
    }

    pub fn history(&self, material: i64) -> Result<Vec<VersionRow>, rusqlite::Error> {
        let mut st = self.conn.prepare(
            "SELECT v.version, v.created, u.login, v.summary FROM versions v
             LEFT JOIN users u ON u.id = v.user WHERE v.material = ?1 ORDER BY v.version DESC",
        )?;
        st.query_map([material], |r| {
            Ok(VersionRow {
                version: r.get(0)?,
                created: r.get(1)?,
                who: r.get(2)?,
                summary: r.get(3)?,
            })
        })?
        .collect()
    }
}
