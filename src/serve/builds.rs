//! Checks and builds of material versions, done once per version and
//! shared: the same version asked for by two tabs (or a preview and a
//! download) is built once. At most `slots` builds run at a time, on
//! blocking threads, so a burst of builds never stalls the server's other
//! requests; one material's slow build costs only its own callers.
//!
//! The slots are one bounded queue with two priorities (`Priority`): a
//! writer's preview or check goes before the offices' batch work (exports,
//! the list's background checks) — but not always, one free slot in
//! `BATCH_EVERY` goes to waiting batch work, so exports slow down under
//! many writers without stopping — and batch work never holds more than
//! `slots - 1` of them, so a burst of exports leaves a slot for previews.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{OnceCell, oneshot};

use crate::check::lengths;
use crate::diag::{Diagnostic, Severity, Sources};
use crate::material::county::Opinion;
use crate::pipeline::{self, Engine};

/// A file of a material version, to be written into a build folder.
pub type Files = Vec<(String, Vec<u8>)>;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

/// What `shenbao check` says of a version, as the API returns it.
#[derive(Clone, Debug, Serialize)]
pub struct Checked {
    pub version: i64,
    /// Diagnostic objects exactly as `--format json` prints them, with
    /// file paths relative to the material's folder.
    pub diagnostics: Vec<serde_json::Value>,
    pub counts: Counts,
    /// 字数 of the title and each part against its limit (V1, V2).
    pub lengths: Vec<serde_json::Value>,
    /// What the offices' table shows of the material: 标杆名称, contact.
    pub title: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    /// The material's profile's deadline (`2023-03-29`), when it was read.
    pub deadline: Option<String>,
}

/// A built version: every file the CLI writes, by its path in the
/// enterprise's folder (`正文.pdf`, `印刷/书脊.pdf`).
#[derive(Debug)]
pub struct Built {
    pub version: i64,
    pub checked: Checked,
    /// The enterprise's folder name (E1).
    pub folder: Option<String>,
    pub files: BTreeMap<String, Vec<u8>>,
    /// Pages of each PDF, as the CLI reports them.
    pub pages: BTreeMap<String, usize>,
    /// Built as a draft (every page marked 草稿) because of content errors.
    pub draft: bool,
}

/// (material, version, rendered, with the county's 推荐意见).
type Key = (i64, i64, bool, bool);
type Cell = Arc<OnceCell<Arc<Built>>>;

pub struct Builds {
    engine: Engine,
    work: PathBuf,
    /// A build's time limit: its worker process is stopped after it.
    deadline: std::time::Duration,
    slots: Arc<Gate>,
    /// The versions asked for, and the order they were first asked in
    /// (the oldest is forgotten first): builds and checks apart, as a
    /// check is small and a city's list checks every material.
    cells: Mutex<Cells>,
}

#[derive(Default)]
struct Cells {
    map: HashMap<Key, Cell>,
    built: VecDeque<Key>,
    checked: VecDeque<Key>,
}

/// Versions kept built in memory (every file of each: a few MB).
const KEEP: usize = 48;
/// Checks kept in memory (diagnostics and counts: a few kB each), enough
/// for a city's every material.
const KEEP_CHECKED: usize = 4096;

/// Who waits for a build slot: a writer's preview or check goes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Interactive,
    /// The offices' exports and the lists' background checks.
    Batch,
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
        if self.priority == Priority::Batch {
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
                passed_over: 0,
            }),
        })
    }

    /// Gives free slots to the waiters, interactive ones first.
    fn hand_on(gate: &Arc<Gate>, s: &mut GateState) {
        while s.free > 0 {
            let batch_turn = s.passed_over + 1 >= BATCH_EVERY;
            let batch_ready = s.batch_free > 0 && !s.batch.is_empty();
            let (tx, priority) = if (batch_turn || s.interactive.is_empty()) && batch_ready {
                s.passed_over = 0;
                (s.batch.pop_front().expect("not empty"), Priority::Batch)
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
            if priority == Priority::Batch {
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
                if priority == Priority::Batch {
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
            }
            Gate::hand_on(gate, &mut s);
            rx
        };
        rx.await.expect("the gate outlives its waiters")
    }
}

impl Builds {
    pub fn new(
        engine: Engine,
        work: PathBuf,
        slots: usize,
        deadline: std::time::Duration,
    ) -> Builds {
        Builds {
            engine,
            work,
            deadline,
            slots: Gate::new(slots),
            cells: Mutex::new(Cells::default()),
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
        let (order, keep) = if key.2 {
            (&mut cells.built, KEEP)
        } else {
            (&mut cells.checked, KEEP_CHECKED)
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
        let cell = self.cell((material, version, render, opinion.is_some()));
        if let Some(built) = cell.get() {
            return built.clone();
        }
        // The build is a task of its own, holding its slot until its worker
        // has finished: a caller that gives up (a preview's 10 s) neither
        // frees the slot of a build still running nor drops the work,
        // which the next caller then finds done.
        let me = self.clone();
        let task = tokio::spawn(async move {
            cell.get_or_init(|| async {
                let slot = Gate::acquire(&me.slots, priority).await;
                let m = me.clone();
                tokio::task::spawn_blocking(move || {
                    let _slot = slot;
                    m.run(material, version, render, opinion, files())
                })
                .await
                .unwrap_or_else(|_| Arc::new(failed(version)))
            })
            .await
            .clone()
        });
        task.await.unwrap_or_else(|_| Arc::new(failed(version)))
    }

    /// Whether a version is already built or checked (the lists show its
    /// counts only then, never waiting for a build).
    pub fn ready(&self, material: i64, version: i64) -> Option<Arc<Built>> {
        let guard = self.cells.lock().expect("poisoned");
        [(false, false), (true, false), (true, true)]
            .iter()
            .filter_map(|(r, o)| guard.map.get(&(material, version, *r, *o)))
            .find_map(|c| c.get().cloned())
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn work(&self) -> &Path {
        &self.work
    }

    fn run(
        &self,
        material: i64,
        version: i64,
        render: bool,
        opinion: Option<Opinion>,
        files: Files,
    ) -> Arc<Built> {
        let dir = match tempfile::Builder::new()
            .prefix(&format!("m{material}-v{version}-"))
            .tempdir_in(&self.work)
        {
            Ok(d) => d,
            Err(_) => return Arc::new(failed(version)),
        };
        let src = dir.path().join("材料");
        let out = dir.path().join("out");
        for (path, bytes) in &files {
            let p = src.join(path);
            if let Some(parent) = p.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&p, bytes);
        }
        let _ = std::fs::create_dir_all(&src);
        let mut sources = Sources::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let has_material = files
            .iter()
            .any(|(p, _)| matches!(p.as_str(), "material.yaml" | "material.yml" | "material.md"));
        let prepared = if has_material {
            pipeline::prepare(&self.engine, &src, &mut sources, &mut diags)
        } else {
            // An empty material, or files without the material itself.
            diags.push(
                Diagnostic::error(
                    crate::diag::Code::FileMissing,
                    "还没有材料文件（material.md 或 material.yaml）",
                )
                .help("新建 material.md，或导入 Word 稿，或上传用 shenbao init 建好的材料文件夹"),
            );
            None
        };
        let lengths_json = prepared
            .as_ref()
            .map(|p| {
                lengths(&p.loaded, &p.parts, &p.profile.limits)
                    .iter()
                    .map(|l| l.json())
                    .collect()
            })
            .unwrap_or_default();
        let material = prepared.as_ref().map(|p| &p.loaded.material);
        let title = material.map(|m| m.benchmark.title.value.trim().to_string());
        let contact = material.map(|m| m.contact.name.value.trim().to_string());
        let phone = material.map(|m| m.contact.phone.value.0.clone());
        let deadline = prepared.as_ref().map(|p| p.profile.deadline.clone());
        let mut built_files = BTreeMap::new();
        let mut pages = BTreeMap::new();
        let mut folder = None;
        let mut draft = false;
        if render && prepared.is_some() {
            let errors = diags.iter().any(|d| d.severity == Severity::Error);
            let blocked = diags.iter().any(|d| d.blocks_draft());
            if !blocked {
                // With content errors the pages are still shown, marked 草稿.
                draft = errors;
                match self.render(dir.path(), &src, &out, draft, opinion) {
                    Ok(rendered) => {
                        folder = rendered.0;
                        built_files = rendered.1;
                        pages = rendered.2;
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        let checked = Checked {
            version,
            diagnostics: diags
                .iter()
                .map(|d| relative(sources.to_json(d), &src))
                .collect(),
            counts: Counts {
                errors: diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count(),
                warnings: diags
                    .iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .count(),
            },
            lengths: lengths_json,
            title,
            contact,
            phone,
            deadline,
        };
        Arc::new(Built {
            version,
            checked,
            folder,
            files: built_files,
            pages,
            draft,
        })
    }
}

/// The enterprise's folder, its files and their pages.
type Rendered = (
    Option<String>,
    BTreeMap<String, Vec<u8>>,
    BTreeMap<String, usize>,
);

impl Builds {
    /// Typesets in a worker process (`shenbao build`), stopped at the
    /// deadline: a material that makes Typst run away costs only its own
    /// build, and the slot is free again.
    fn render(
        &self,
        dir: &Path,
        src: &Path,
        out: &Path,
        draft: bool,
        opinion: Option<Opinion>,
    ) -> Result<Rendered, Diagnostic> {
        let me = std::env::current_exe().map_err(|e| {
            Diagnostic::error(
                crate::diag::Code::Output,
                format!("找不到 shenbao 程序：{e}"),
            )
        })?;
        let mut cmd = std::process::Command::new(me);
        cmd.current_dir(dir)
            .arg("build")
            .arg(src)
            .arg("-o")
            .arg(out)
            .args(["--format", "json"]);
        let config = &self.engine.config;
        if draft {
            cmd.arg("--draft");
        }
        if !config.system_fonts {
            cmd.arg("--no-system-fonts");
        }
        for p in &config.font_paths {
            cmd.arg("--font-path").arg(p);
        }
        if let Some(o) = opinion {
            let path = dir.join("opinion.json");
            let _ = std::fs::write(&path, serde_json::to_vec(&o).unwrap_or_default());
            cmd.arg("--opinion").arg(&path);
        }
        let output = match crate::worker::run(cmd, self.deadline) {
            Ok(crate::worker::Finished::Done(o)) => o,
            Ok(crate::worker::Finished::TimedOut) => {
                return Err(crate::worker::deadline_passed(self.deadline.as_secs_f64()));
            }
            Err(e) => {
                return Err(Diagnostic::error(
                    crate::diag::Code::Output,
                    format!("无法启动排版进程：{e}"),
                ));
            }
        };
        let Some(folder) = std::fs::read_dir(out)
            .ok()
            .and_then(|mut d| d.find_map(|e| e.ok().map(|e| e.path())))
        else {
            return Err(Diagnostic::error(
                crate::diag::Code::Output,
                format!(
                    "排版没有写出文件：{}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            ));
        };
        let mut files = BTreeMap::new();
        collect(&folder, &folder, &mut files);
        let mut pages = BTreeMap::new();
        let prefix = format!(
            "{}/",
            folder
                .strip_prefix(dir)
                .unwrap_or(&folder)
                .to_string_lossy()
        );
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            for f in v["files"].as_array().into_iter().flatten() {
                if let (Some(path), Some(n)) = (f["path"].as_str(), f["pages"].as_u64()) {
                    let rel = path.strip_prefix(&prefix).unwrap_or(path);
                    pages.insert(rel.to_string(), n as usize);
                }
            }
        }
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok((name, files, pages))
    }
}

fn failed(version: i64) -> Built {
    Built {
        version,
        checked: Checked {
            version,
            diagnostics: vec![serde_json::json!({
                "code": "OUT", "severity": "error", "file": null, "line": null, "column": null,
                "message": "服务器无法生成这个版本", "help": "请稍后再试；若一直如此，请联系管理员", "data": null
            })],
            counts: Counts {
                errors: 1,
                warnings: 0,
            },
            lengths: Vec::new(),
            title: None,
            contact: None,
            phone: None,
            deadline: None,
        },
        folder: None,
        files: BTreeMap::new(),
        pages: BTreeMap::new(),
        draft: false,
    }
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

/// A diagnostic's file as the writer knows it: relative to the material's
/// folder, never the server's temporary path.
pub fn relative(mut v: serde_json::Value, src: &Path) -> serde_json::Value {
    if let Some(file) = v.get("file").and_then(|f| f.as_str()) {
        let base = src.to_string_lossy().into_owned();
        let rel = file
            .strip_prefix(&base)
            .map(|r| r.trim_start_matches(['/', '\\']).to_string())
            .or_else(|| {
                // `display_path` may have made it relative to the current
                // folder: keep what follows the material's folder name.
                file.split_once("材料/").map(|(_, r)| r.to_string())
            })
            .unwrap_or_else(|| file.to_string());
        v["file"] = rel.into();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::{Gate, Priority};
    use std::time::Duration;

    /// Batch work never takes the last slot; a waiting preview is served
    /// before waiting batch work; a waiter that gave up loses nothing.
    #[tokio::test]
    async fn previews_go_before_batch_work() {
        let gate = Gate::new(2);
        let b1 = Gate::acquire(&gate, Priority::Batch).await;
        // A second batch job waits although a slot is free…
        let waiting = tokio::spawn({
            let g = gate.clone();
            async move { Gate::acquire(&g, Priority::Batch).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        // …which a preview takes at once.
        let p1 = tokio::time::timeout(
            Duration::from_millis(200),
            Gate::acquire(&gate, Priority::Interactive),
        )
        .await
        .expect("a slot is kept for previews");
        // Both slots held; a preview and the batch job wait. When the batch
        // slot is given back, the preview gets it.
        let preview = tokio::spawn({
            let g = gate.clone();
            async move { Gate::acquire(&g, Priority::Interactive).await }
        });
        // A preview that gives up while waiting.
        let gone = tokio::time::timeout(
            Duration::from_millis(20),
            Gate::acquire(&gate, Priority::Interactive),
        )
        .await;
        assert!(gone.is_err());
        drop(b1);
        let p2 = tokio::time::timeout(Duration::from_millis(200), preview)
            .await
            .expect("the preview is served first")
            .expect("task");
        assert!(!waiting.is_finished());
        drop(p1);
        drop(p2);
        let b2 = tokio::time::timeout(Duration::from_millis(200), waiting)
            .await
            .expect("then the batch job")
            .expect("task");
        drop(b2);
        let s = gate.state.lock().expect("lock");
        assert_eq!((s.free, s.batch_free), (2, 1));
    }
}
