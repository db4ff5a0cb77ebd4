//! `shenbao serve`: the writers' workspace and the offices' desk in a
//! browser — a front end over the library like the command line. It adds
//! HTTP, accounts, storage and pages; every rule, message and file comes
//! from the same library calls the CLI makes (check, build, import).
//!
//! - `storage`: the one SQLite database (accounts, sessions, versions);
//! - `auth`: passwords, sessions, CSRF, the login rate limit;
//! - `builds`: checks, previews and builds of versions, shared and bounded;
//! - `pool`, `work`: the engine workers that do them, long-lived child
//!   processes holding Typst's caches, killed at a deadline;
//! - `api`: the JSON API of `docs/api.md`;
//! - `office`: the county's and the city's routes (submission, return,
//!   推荐意见, audit, the electronic submission and the 汇总表);
//! - `pages`: the HTML shell and its embedded script and style;
//! - `admin`: the account commands of `shenbao serve user …`.

pub mod admin;
mod api;
pub mod auth;
pub mod builds;
mod lists;
pub mod local;
mod memory;
mod office;
mod pages;
mod pool;
pub mod storage;
pub mod time;
pub mod work;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::pipeline::{BuildConfig, Engine};

/// How the server runs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub data: PathBuf,
    pub listen: SocketAddr,
    /// Largest file a writer may upload, in bytes.
    pub max_file: usize,
    /// Largest material (all its files), in bytes.
    pub max_material: usize,
    /// Cookies marked Secure: the server is reached through a TLS proxy.
    pub secure: bool,
    /// Builds that may run at once.
    pub build_slots: usize,
    /// A build's time limit (a runaway material is stopped after it).
    pub build_deadline: std::time::Duration,
    pub font_paths: Vec<PathBuf>,
    pub system_fonts: bool,
    /// `--local FOLDER`: one writer, the folder edited in place.
    pub local: Option<PathBuf>,
    /// Open the browser at the sign-in link (`--local`).
    pub open_browser: bool,
}

impl ServeConfig {
    pub fn new(data: PathBuf, listen: SocketAddr) -> Self {
        ServeConfig {
            data,
            listen,
            max_file: 20 << 20,
            max_material: 200 << 20,
            secure: false,
            build_slots: 2,
            build_deadline: std::time::Duration::from_secs(120),
            font_paths: Vec::new(),
            system_fonts: true,
            local: None,
            open_browser: false,
        }
    }
}

pub struct AppState {
    store: Mutex<storage::Store>,
    builds: Arc<builds::Builds>,
    limiter: auth::Limiter,
    config: ServeConfig,
    /// The one writer of `--local`, and their folder.
    local: Option<local::Local>,
    /// The default profile's deadline (`2023-03-29`), shown on every page.
    deadline: Option<String>,
}

/// Opens (or creates) the data folder: the database and the build area.
pub fn open_store(data: &Path) -> Result<storage::Store, String> {
    std::fs::create_dir_all(data)
        .map_err(|e| format!("无法创建数据文件夹 {}：{e}", data.display()))?;
    storage::Store::open(data).map_err(|e| format!("无法打开数据库：{e}"))
}

/// Runs the server until it is stopped (Ctrl-C or SIGTERM).
pub fn run(mut config: ServeConfig) -> Result<(), String> {
    memory::return_large_blocks();
    let (store, local) = match &config.local {
        Some(folder) => {
            // One writer's own machine: never reachable from the network.
            if !config.listen.ip().is_loopback() {
                return Err("--local 只在本机（127.0.0.1）上打开".into());
            }
            let (store, local) = local::open(folder, config.max_file)?;
            config.data = folder.join(".shenbao");
            (store, Some(local))
        }
        None => (open_store(&config.data)?, None),
    };
    let work = config.data.join("work");
    // Builds of an earlier run that was killed: nothing in them is needed.
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("无法创建 {}：{e}", work.display()))?;
    let engine = Engine::new(BuildConfig {
        out_dir: work.clone(),
        font_paths: config.font_paths.clone(),
        system_fonts: config.system_fonts,
        ..work::config()
    });
    let deadline = crate::profile::Profile::load(
        crate::profile::DEFAULT,
        &engine.templates,
        &mut crate::diag::Sources::default(),
    )
    .ok()
    .map(|p| p.deadline);
    let state = Arc::new(AppState {
        store: Mutex::new(store),
        builds: Arc::new(builds::Builds::new(
            engine,
            work,
            config.build_slots,
            config.build_deadline,
        )),
        limiter: auth::Limiter::new(),
        config: config.clone(),
        local,
        deadline,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("无法监听 {}：{e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // The one line a wrapper (or a test) reads to find the port.
        println!("shenbao serve 已启动：http://{addr}/");
        if let Some(l) = &state.local {
            let url = format!("http://{addr}/open?token={}", l.token);
            println!("在浏览器里打开：{url}");
            if config.open_browser {
                local::open_browser(&url);
            }
        }
        tracing::info!(%addr, "listening");
        let app = api::router(state.clone());
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
