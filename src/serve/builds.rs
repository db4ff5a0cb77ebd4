//! Checks, previews and builds of material versions, done once per version
//! and shared: the same version asked for by two tabs (or a preview and a
//! list) is worked on once. At most `slots` requests run at a time, each in
//! an engine worker (`pool`) with a deadline, so a burst of builds never
//! stalls the server's other requests and one material's runaway build
//! costs only its own callers.
//!
//! The slots are one bounded queue with three priorities (`Priority`): a
//! writer's preview or check goes before the offices' exports, and those
//! before the checks the lists start in the background (a city's list
//! starts one per material) — but not always, one free slot in
//! `BATCH_EVERY` goes to waiting non-interactive work, so exports slow down
//! under many writers without stopping — and that work never holds more
//! than `slots - 1` of them, so a burst of exports leaves a slot for
//! previews.
//!
//! Each material has one folder under `work/` that its versions are written
//! into (only the files that changed), so the worker's caches see an edit
//! as the small change it is.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::{OnceCell, oneshot};

use super::pool::Pool;
use super::work::{Answer, Request};
pub use super::work::{Checked, Counts, Mode};
use crate::diag::Sources;
use crate::material::county::Opinion;
use crate::pipeline::Engine;

/// A file of a material version, to be written into a build folder.
pub type Files = Vec<(String, Vec<u8>)>;

/// A version checked, previewed or built.
#[derive(Debug)]
pub struct Built {
    pub version: i64,
    pub checked: Checked,
    /// The enterprise's folder name (E1).
    pub folder: Option<String>,
    /// Every file the CLI writes, by its path in the enterprise's folder
    /// (`正文.pdf`, `印刷/书脊.pdf`), for [`Mode::Build`].
    pub files: BTreeMap<String, Vec<u8>>,
    /// Pages of each PDF, as the CLI reports them.
    pub pages: BTreeMap<String, usize>,
    /// Typeset as a draft (every page marked 草稿) because of content errors.
    pub draft: bool,
    /// The pages shown beside the editor, for [`Mode::Preview`].
    pub preview: Option<Vec<crate::preview::Document>>,
    /// Fonts, fallbacks, binding and notes of a build (`build --format
    /// json`'s fields).
    pub report: Option<serde_json::Value>,
}

/// (material, version, what, with the county's 推荐意见).
type Key = (i64, i64, Mode, bool);
type Cell = Arc<OnceCell<Arc<Built>>>;

pub struct Builds {
    engine: Engine,
    work: PathBuf,
    pool: Pool,
    slots: Arc<Gate>,
    /// The versions asked for, and the order they were first asked in
    /// (the oldest is forgotten first): checks apart from the rest, as a
    /// check is small and a city's list checks every material.
    cells: Mutex<Cells>,
    /// One request at a time in a material's folder.
    folders: Mutex<HashMap<i64, Arc<Mutex<()>>>>,
}

#[derive(Default)]
struct Cells {
    map: HashMap<Key, Cell>,
    built: VecDeque<Key>,
    previewed: VecDeque<Key>,
    checked: VecDeque<Key>,
}

/// Builds kept in memory (every file of a build: a few MB), apart from the
/// previews: the writers' typing must not push out the files a county's
/// export is about to pack.
const KEEP: usize = 48;
/// Previews kept (page lists; the images are on disk).
const KEEP_PREVIEWS: usize = 256;
/// Checks kept in memory (diagnostics and counts: a few kB each), enough
/// for a city's every material.
const KEEP_CHECKED: usize = 4096;

/// Who waits for a build slot: a writer's preview or check goes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Interactive,
    /// The offices' exports, which a person waits for.
    Batch,
    /// What nobody waits for: the checks the lists start for their counts
    /// (a city's list starts one per material). An export asked for
    /// meanwhile goes first.
    Background,
}

/// The build slots: `slots` at a time, interactive callers served before
/// batch ones, batch callers never holding every slot.
struct Gate {
    state: Mutex<GateState>,
}

struct GateState {
    free: usize,
    /// Slots batch work may still take (`slots - 1`, at least 1).
    batch_free: usize,
    interactive: VecDeque<oneshot::Sender<Slot>>,
    batch: VecDeque<oneshot::Sender<Slot>>,
    background: VecDeque<oneshot::Sender<Slot>>,
    /// Slots handed to interactive waiters while batch work waited: after
    /// `BATCH_EVERY - 1` of them batch work gets one, so that a steady
    /// stream of previews slows exports down without stopping them.
    passed_over: usize,
}

/// Under a steady stream of both, one slot in this many goes to batch work.
const BATCH_EVERY: usize = 4;

/// A held slot, given back when dropped (also when the waiter it was
/// handed to has gone away).
pub struct Slot {
    gate: Option<Arc<Gate>>,
    priority: Priority,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(gate) = self.gate.take() else {
            return;
        };
        let mut s = gate.state.lock().expect("poisoned");
        s.free += 1;
        if self.priority != Priority::Interactive {
            s.batch_free += 1;
        }
        Gate::hand_on(&gate, &mut s);
    }
}

impl Gate {
    fn new(slots: usize) -> Arc<Gate> {
        let slots = slots.max(1);
        Arc::new(Gate {
            state: Mutex::new(GateState {
                free: slots,
                batch_free: (slots - 1).max(1),
                interactive: VecDeque::new(),
                batch: VecDeque::new(),
                background: VecDeque::new(),
                passed_over: 0,
            }),
        })
    }

    /// Gives free slots to the waiters, interactive ones first, then
    /// batch, then background.
    fn hand_on(gate: &Arc<Gate>, s: &mut GateState) {
        while s.free > 0 {
            let batch_turn = s.passed_over + 1 >= BATCH_EVERY;
            let batch_ready = s.batch_free > 0 && !(s.batch.is_empty() && s.background.is_empty());
            let (tx, priority) = if (batch_turn || s.interactive.is_empty()) && batch_ready {
                s.passed_over = 0;
                match s.batch.pop_front() {
                    Some(tx) => (tx, Priority::Batch),
                    None => (
                        s.background.pop_front().expect("not empty"),
                        Priority::Background,
                    ),
                }
            } else if let Some(tx) = s.interactive.pop_front() {
                if batch_ready {
                    s.passed_over += 1;
                }
                (tx, Priority::Interactive)
            } else {
                return;
            };
            if tx.is_closed() {
                continue;
            }
            s.free -= 1;
            if priority != Priority::Interactive {
                s.batch_free -= 1;
            }
            let slot = Slot {
                gate: Some(gate.clone()),
                priority,
            };
            // The waiter went away meanwhile: the slot is free again (given
            // back here, as its Drop would take this lock).
            if let Err(mut slot) = tx.send(slot) {
                slot.gate = None;
                s.free += 1;
                if priority != Priority::Interactive {
                    s.batch_free += 1;
                }
            }
        }
    }

    async fn acquire(gate: &Arc<Gate>, priority: Priority) -> Slot {
        let rx = {
            let mut s = gate.state.lock().expect("poisoned");
            let (tx, rx) = oneshot::channel();
            match priority {
                Priority::Interactive => s.interactive.push_back(tx),
                Priority::Batch => s.batch.push_back(tx),
                Priority::Background => s.background.push_back(tx),
            }
            Gate::hand_on(gate, &mut s);
            rx
        };
        rx.await.expect("the gate outlives its waiters")
    }
}

/// Page images' resolution: 1.5 px per pt (108 dpi), an A4 page 893 px
/// wide, sharp at the width a preview column has.
pub const PIXEL_PER_PT: f32 = 1.5;

impl Builds {
    pub fn new(
        engine: Engine,
        work: PathBuf,
        slots: usize,
        deadline: std::time::Duration,
    ) -> Builds {
        let config = &engine.config;
        let mut args: Vec<std::ffi::OsString> = vec!["serve-worker".into()];
        if !config.system_fonts {
            args.push("--no-system-fonts".into());
        }
        for p in &config.font_paths {
            args.push("--font-path".into());
            args.push(p.into());
        }
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("shenbao"));
        Builds {
            engine,
            work,
            pool: Pool::new(exe, args, deadline),
            slots: Gate::new(slots),
            cells: Mutex::new(Cells::default()),
            folders: Mutex::default(),
        }
    }

    fn cell(&self, key: Key) -> Cell {
        let mut guard = self.cells.lock().expect("poisoned");
        let cells = &mut *guard;
        if let Some(c) = cells.map.get(&key) {
            return c.clone();
        }
        let c = Arc::new(OnceCell::new());
        cells.map.insert(key, c.clone());
        let (order, keep) = match key.2 {
            Mode::Check => (&mut cells.checked, KEEP_CHECKED),
            Mode::Preview => (&mut cells.previewed, KEEP_PREVIEWS),
            // A 汇总表 is not kept (`summary` asks the pool directly).
            Mode::Build | Mode::Slides | Mode::Summary => (&mut cells.built, KEEP),
        };
        order.push_back(key);
        while order.len() > keep {
            if let Some(old) = order.pop_front() {
                cells.map.remove(&old);
            }
        }
        c
    }

    /// The check (`render` false) or build of a version; `files` is called
    /// only when it has not been done yet. A writer's request: it goes
    /// before batch work.
    pub async fn get(
        self: &Arc<Self>,
        material: i64,
        version: i64,
        render: bool,
        opinion: Option<Opinion>,
        files: impl FnOnce() -> Files + Send + 'static,
    ) -> Arc<Built> {
        self.get_with(
            material,
            version,
            Priority::Interactive,
            render,
            opinion,
            files,
        )
        .await
    }

    /// A build slot for work of the server's own outside `get` (the merged
    /// 申报表, the 汇总表), in the same queue.
    pub async fn slot(&self, priority: Priority) -> Slot {
        Gate::acquire(&self.slots, priority).await
    }

    /// `get` at a priority: `Batch` for the offices' exports and the lists'
    /// background checks.
    pub async fn get_with(
        self: &Arc<Self>,
        material: i64,
        version: i64,
        priority: Priority,
        render: bool,
        opinion: Option<Opinion>,
        files: impl FnOnce() -> Files + Send + 'static,
    ) -> Arc<Built> {
        let mode = if render { Mode::Build } else { Mode::Check };
        self.work_on(material, version, mode, priority, opinion, files)
            .await
    }

    /// The check and the page images ([`Mode::Preview`]) or the 答辩 deck
    /// ([`Mode::Slides`]) of a version, for a writer.
    pub async fn made(
        self: &Arc<Self>,
        material: i64,
        version: i64,
        mode: Mode,
        opinion: Option<Opinion>,
        files: impl FnOnce() -> Files + Send + 'static,
    ) -> Arc<Built> {
        self.work_on(
            material,
            version,
            mode,
            Priority::Interactive,
            opinion,
            files,
        )
        .await
    }

    async fn work_on(
        self: &Arc<Self>,
        material: i64,
        version: i64,
        mode: Mode,
        priority: Priority,
        opinion: Option<Opinion>,
        files: impl FnOnce() -> Files + Send + 'static,
    ) -> Arc<Built> {
        let cell = self.cell((material, version, mode, opinion.is_some()));
        if let Some(built) = cell.get() {
            return built.clone();
        }
        // The work is a task of its own, holding its slot until its worker
        // has answered: a caller that gives up (a preview's 10 s) neither
        // frees the slot of work still running nor drops the work, which
        // the next caller then finds done.
        let me = self.clone();
        let task = tokio::spawn(async move {
            cell.get_or_init(|| async {
                let slot = Gate::acquire(&me.slots, priority).await;
                let m = me.clone();
                tokio::task::spawn_blocking(move || {
                    let _slot = slot;
                    Arc::new(m.run(material, version, mode, opinion, files()))
                })
                .await
                .unwrap_or_else(|_| Arc::new(failed(version, "服务器无法处理这个版本")))
            })
            .await
            .clone()
        });
        task.await
            .unwrap_or_else(|_| Arc::new(failed(version, "服务器无法处理这个版本")))
    }

    /// A county's 汇总表 of the materials in `dir` (one folder each), made
    /// in an engine worker into `out`, within the deadline. Blocking, and
    /// to be called holding a slot.
    pub fn summary(
        &self,
        dir: &Path,
        out: &Path,
        county: &str,
    ) -> Result<Answer, crate::diag::Diagnostic> {
        self.pool.run(
            // No material's caches help here.
            0,
            &Request {
                dir: dir.to_path_buf(),
                out: out.to_path_buf(),
                mode: Mode::Summary,
                opinion: None,
                pages: self.pages_dir(),
                pixel_per_pt: PIXEL_PER_PT,
                county: Some(county.to_string()),
            },
        )
    }

    /// Whether a version is already checked or built (the lists show its
    /// counts only then, never waiting for a build).
    pub fn ready(&self, material: i64, version: i64) -> Option<Arc<Built>> {
        let guard = self.cells.lock().expect("poisoned");
        // What knows most first: a build's or a preview's page counts.
        [Mode::Build, Mode::Preview, Mode::Check, Mode::Slides]
            .iter()
            .flat_map(|m| [(*m, false), (*m, true)])
            .filter_map(|(m, o)| guard.map.get(&(material, version, m, o)))
            .find_map(|c| c.get().cloned())
    }

    /// The image of a page of one of the material's previews, by its hash.
    pub fn page(&self, material: i64, sha256: &str) -> Option<PathBuf> {
        let guard = self.cells.lock().expect("poisoned");
        let known = guard
            .map
            .iter()
            .filter(|(k, _)| k.0 == material && k.2 == Mode::Preview)
            .filter_map(|(_, c)| c.get())
            .filter_map(|b| b.preview.as_ref())
            .flatten()
            .flat_map(|d| &d.pages)
            .any(|p| p.sha256 == sha256);
        known.then(|| self.pages_dir().join(format!("{sha256}.png")))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn work(&self) -> &Path {
        &self.work
    }

    fn pages_dir(&self) -> PathBuf {
        self.work.join("pages")
    }

    fn run(
        &self,
        material: i64,
        version: i64,
        mode: Mode,
        opinion: Option<Opinion>,
        files: Files,
    ) -> Built {
        let lock = self
            .folders
            .lock()
            .expect("poisoned")
            .entry(material)
            .or_default()
            .clone();
        let _only = lock.lock().unwrap_or_else(|e| e.into_inner());
        let base = self.work.join(format!("m{material}"));
        let src = base.join("材料");
        let out = base.join("out");
        let _ = std::fs::remove_dir_all(&out);
        if let Err(e) = sync(&src, &files) {
            return failed(version, &format!("服务器无法写出材料文件：{e}"));
        }
        let request = |mode| Request {
            dir: src.clone(),
            out: out.clone(),
            mode,
            opinion: opinion.clone(),
            pages: self.pages_dir(),
            pixel_per_pt: PIXEL_PER_PT,
            county: None,
        };
        let answer = match self.pool.run(material, &request(mode)) {
            Ok(a) => a,
            Err(stopped) if mode == Mode::Check => super::work::only(&stopped),
            Err(stopped) => {
                // The check alone still says what it can (a runaway build
                // is a layout problem, not a rule's).
                let mut a = self
                    .pool
                    .run(material, &request(Mode::Check))
                    .unwrap_or_else(|d| super::work::only(&d));
                a.checked
                    .diagnostics
                    .push(Sources::default().to_json(&stopped));
                a.checked.counts.errors += 1;
                a
            }
        };
        built(version, answer, &out)
    }
}

/// A version's answer, with the files a build wrote.
fn built(version: i64, answer: Answer, out: &Path) -> Built {
    let mut files = BTreeMap::new();
    if let Some(folder) = &answer.folder {
        let dir = out.join(folder);
        collect(&dir, &dir, &mut files);
    }
    let mut checked = answer.checked;
    checked.version = version;
    Built {
        version,
        checked,
        folder: answer.folder,
        files,
        pages: answer.pages,
        draft: answer.draft,
        preview: answer.preview,
        report: answer.report,
    }
}

/// Makes `dir` hold exactly `files`, writing only those that changed.
fn sync(dir: &Path, files: &Files) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut keep = HashSet::new();
    for (path, bytes) in files {
        let p = dir.join(path);
        if std::fs::read(&p).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&p, bytes)?;
        }
        keep.insert(p);
    }
    prune(dir, &keep);
    Ok(())
}

/// Removes what is under `dir` and not in `keep` (a file deleted since).
fn prune(dir: &Path, keep: &HashSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            prune(&p, keep);
            // Only when empty.
            let _ = std::fs::remove_dir(&p);
        } else if !keep.contains(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

fn failed(version: i64, message: &str) -> Built {
    built(
        version,
        super::work::failed(message.to_string()),
        Path::new(""),
    )
}

/// Every file under `dir`, by its path relative to `root` (`/` separated).
fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(root), std::fs::read(&p)) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Gate, Priority};

    /// Slots go to a writer's preview first, then to an export, then to
    /// the lists' background checks, in the order each was asked for; the
    /// non-interactive work never holds the last slot.
    #[tokio::test]
    async fn an_export_goes_before_the_lists_checks() {
        let gate = Gate::new(2);
        let mut held = vec![
            Gate::acquire(&gate, Priority::Interactive).await,
            Gate::acquire(&gate, Priority::Interactive).await,
        ];
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        use Priority::*;
        for (n, p) in [Background, Background, Batch, Interactive]
            .into_iter()
            .enumerate()
        {
            let (gate, tx) = (gate.clone(), tx.clone());
            tokio::spawn(async move {
                let slot = Gate::acquire(&gate, p).await;
                let _ = tx.send((n, slot));
            });
            // Queued in this order.
            tokio::task::yield_now().await;
        }
        let mut order = Vec::new();
        // One slot freed at a time; each taker keeps its slot until the
        // next round.
        while order.len() < 4 {
            if held.is_empty() {
                panic!("no slot to free, waiting: {order:?}");
            }
            held.remove(0);
            tokio::task::yield_now().await;
            while let Ok((n, slot)) = rx.try_recv() {
                order.push(n);
                held.push(slot);
            }
        }
        assert_eq!(order, [3, 2, 0, 1]);
    }
}
