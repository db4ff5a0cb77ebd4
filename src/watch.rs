//! `shenbao watch`: rebuild on every save of the material, its part files,
//! its pictures or its deck. One [`Engine`] for the session: fonts loaded
//! once, Typst's caches (comemo) and the engine's last documents kept
//! between rebuilds, so a one-paragraph edit lays out only what changed.
//!
//! Saves are seen through the file system's events (`notify`: inotify,
//! FSEvents, ReadDirectoryChanges), on the folders that hold the files, so
//! an editor that saves by writing a new file and renaming it over the old
//! one is seen too. A file closed after writing starts the rebuild at once
//! (after a few milliseconds for the other files of the same save); other
//! changes once the folder has been quiet for a moment. Where events are
//! not available (some network drives) files are polled.
//!
//! The library reports each rebuild as a value ([`Rebuilt`]); the front end
//! words it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use crate::diag::{Diagnostic, Sources};
use crate::pipeline::{self, BuildReport, Engine};

/// What watch rebuilds: the pages the writer reads while writing. The print
/// shop's files and the county summary are made by `build`.
pub const OUTPUTS: [&str; 2] = ["book", "form"];

/// What `watch --slides` rebuilds: the 答辩 deck alone.
pub const SLIDES_OUTPUTS: [&str; 1] = ["slides"];

/// After a file is closed, how long to wait for the other files of the
/// same save (an editor saving all, a folder copied in).
const BATCH: Duration = Duration::from_millis(8);

/// A change without a close (a rename, a delete, a write still going on):
/// how long the folder must stay quiet before we read it.
const SETTLE: Duration = Duration::from_millis(60);

/// Events never hold a rebuild back longer than this.
const STARVE: Duration = Duration::from_millis(500);

/// The polling fallback's interval.
const POLL: Duration = Duration::from_millis(150);

/// One rebuild, for the front end to report.
pub struct Rebuilt<'a> {
    pub report: Option<&'a BuildReport>,
    pub diagnostics: &'a [Diagnostic],
    pub sources: &'a Sources,
    /// From the change being seen to the files written.
    pub took: Duration,
    /// How changes are seen: file-system events, or polling.
    pub polling: bool,
}

/// Builds `input`, then again after every change of what the build read,
/// until the process is stopped. `each` hears of every build.
pub fn watch(engine: &Engine, input: &Path, each: &mut dyn FnMut(Rebuilt)) {
    let mut waiter = Waiter::new();
    loop {
        let started = Instant::now();
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let report = pipeline::build(engine, input, &mut sources, &mut diags);
        each(Rebuilt {
            report: report.as_ref(),
            diagnostics: &diags,
            sources: &sources,
            took: started.elapsed(),
            polling: waiter.events.is_none(),
        });
        // Keep recent cache entries: the next edit usually touches one
        // paragraph.
        comemo::evict(10);
        let deps = dependencies(engine, input, &sources, report.as_ref());
        waiter.wait(&deps);
    }
}

/// Every file the last build read, and the deck before it exists (`slides
/// --init` or a new file counts the moment it is saved).
fn dependencies(
    engine: &Engine,
    input: &Path,
    sources: &Sources,
    report: Option<&BuildReport>,
) -> Vec<PathBuf> {
    let mut deps: Vec<PathBuf> = (0..sources.len())
        .map(|i| sources.path(i).to_path_buf())
        .collect();
    if let Some(r) = report {
        deps.extend(r.dependencies.iter().cloned());
    }
    deps.push(input.to_path_buf());
    if engine.config.wants(&crate::outputs::slides::SLIDES, None) {
        deps.push(folder_of(input).join(crate::material::slides::FILE));
    }
    let mut deps: Vec<PathBuf> = deps.iter().map(|p| absolute(p)).collect();
    deps.sort();
    deps.dedup();
    deps
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The path as the events name it: its folder made absolute and resolved.
fn absolute(path: &Path) -> PathBuf {
    let dir = folder_of(path);
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// Waits for changes: file-system events when the system has them, else
/// polling.
struct Waiter {
    events: Option<Events>,
}

struct Events {
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    /// The folders watched now.
    folders: BTreeSet<PathBuf>,
}

impl Waiter {
    fn new() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let events = notify::recommended_watcher(tx).ok().map(|watcher| Events {
            watcher,
            rx,
            folders: BTreeSet::new(),
        });
        Waiter { events }
    }

    /// Blocks until one of `deps` changes and the change is complete.
    fn wait(&mut self, deps: &[PathBuf]) {
        if let Some(events) = &mut self.events {
            if events.follow(deps) {
                events.wait(deps);
                return;
            }
            // A folder could not be watched (gone, or the system's limit):
            // poll from now on.
            self.events = None;
        }
        poll(deps);
    }
}

impl Events {
    /// Watches the folders of `deps` (and only those); false when one
    /// cannot be watched.
    fn follow(&mut self, deps: &[PathBuf]) -> bool {
        use notify::Watcher;
        let wanted: BTreeSet<PathBuf> = deps.iter().map(|p| folder_of(p)).collect();
        for gone in self.folders.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        for new in wanted.difference(&self.folders) {
            // A folder that does not exist yet (img/ before the first
            // picture) is not needed: a file in it would be new anyway,
            // and its parent is watched when a dependency lives there.
            if new.is_dir()
                && self
                    .watcher
                    .watch(new, notify::RecursiveMode::NonRecursive)
                    .is_err()
            {
                return false;
            }
        }
        self.folders = wanted;
        true
    }

    fn wait(&mut self, deps: &[PathBuf]) {
        // Events about anything else of these folders (the PDFs written,
        // an editor's swap files) are not changes.
        let relevant = |e: &notify::Event| {
            use notify::EventKind as K;
            let kind = matches!(
                e.kind,
                K::Any
                    | K::Create(_)
                    | K::Modify(_)
                    | K::Remove(_)
                    | K::Access(notify::event::AccessKind::Close(
                        notify::event::AccessMode::Write
                    ))
            );
            kind && e.paths.iter().any(|p| deps.binary_search(p).is_ok())
        };
        let closed = |e: &notify::Event| {
            matches!(
                e.kind,
                notify::EventKind::Access(notify::event::AccessKind::Close(
                    notify::event::AccessMode::Write
                )) | notify::EventKind::Modify(notify::event::ModifyKind::Name(
                    notify::event::RenameMode::To | notify::event::RenameMode::Both
                ))
            )
        };
        // The first change.
        let first = loop {
            match self.rx.recv() {
                Ok(Ok(e)) if relevant(&e) => break e,
                Ok(_) => {}
                Err(_) => return,
            }
        };
        let start = Instant::now();
        let mut done = closed(&first);
        let mut last = Instant::now();
        loop {
            let quiet = if done { BATCH } else { SETTLE };
            let left = quiet.saturating_sub(last.elapsed());
            if left.is_zero() || start.elapsed() >= STARVE {
                return;
            }
            match self.rx.recv_timeout(left) {
                Ok(Ok(e)) if relevant(&e) => {
                    done = closed(&e);
                    last = Instant::now();
                }
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

fn stamp(paths: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

/// The fallback: looks at the files' times and sizes until one changes and
/// then stays unchanged for a moment (an editor may save in several
/// writes).
fn poll(paths: &[PathBuf]) {
    let before = stamp(paths);
    loop {
        std::thread::sleep(POLL);
        let now = stamp(paths);
        if now != before {
            let mut last = now;
            loop {
                std::thread::sleep(SETTLE);
                let again = stamp(paths);
                if again == last {
                    return;
                }
                last = again;
            }
        }
    }
}
