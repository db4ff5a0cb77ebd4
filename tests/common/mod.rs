//! Helpers shared by the integration tests: running the `shenbao` binary,
//! writing small materials into temporary folders, and reading the PDFs it
//! writes back through `tests/pdfprobe.py` (PyMuPDF).
//!
//! Every test binary includes this module but uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde::Deserialize;

pub mod roundtrip;
pub mod server;

/// A4 in PDF points (B1).
pub const A4_W: f64 = 595.276;
pub const A4_H: f64 = 841.89;
/// Tolerance for measured positions, in points.
pub const TOL: f64 = 0.05;

/// Millimetres to PDF points.
pub fn mm(v: f64) -> f64 {
    v * 72.0 / 25.4
}

/// Default margins (B1): Word's Chinese A4 defaults.
pub fn margin_top() -> f64 {
    mm(25.4)
}
pub fn margin_left() -> f64 {
    mm(31.8)
}
/// The horizontal centre of the text block (and of the page).
pub const CENTER_X: f64 = A4_W / 2.0;

#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} ± {tol}"
    );
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped default profile's text, for tests that write a changed copy
/// into a `--templates` folder.
pub fn default_profile() -> String {
    std::fs::read_to_string(root().join("templates/profiles/luoyang-2023.yaml"))
        .expect("templates/profiles/luoyang-2023.yaml")
}

/// The bundled example material, as the README shows it.
pub fn example_yaml() -> PathBuf {
    root().join("examples/luoyang-bearing/material.yaml")
}

// ---------------------------------------------------------------------------
// Running the binary

/// `shenbao` with a clean, colourless environment.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shenbao"));
    cmd.env("NO_COLOR", "1")
        .env_remove("SHENBAO_FONTS")
        .env_remove("SHENBAO_DEBUG");
    cmd
}

/// `shenbao build MATERIAL -o OUT --no-system-fonts`, run from the material's
/// folder with the material named relatively, so that diagnostics print
/// `material.yaml:LINE:COL` as the writer would see them.
pub fn build_cmd(material: &Path, out: &Path) -> Command {
    let mut cmd = bin();
    let dir = material.parent().expect("material has a folder");
    cmd.current_dir(dir)
        .arg("build")
        .arg(material.file_name().expect("material has a name"))
        .arg("-o")
        .arg(out)
        .arg("--no-system-fonts");
    cmd
}

fn describe(cmd: &Command, out: &Output) -> String {
    format!(
        "command: {cmd:?}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked\n{}",
        describe(cmd, &out)
    );
    out
}

/// Runs `cmd`, asserting it succeeds.
#[track_caller]
pub fn must_succeed(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "expected success\n{}",
        describe(cmd, &out)
    );
    out
}

/// Runs `cmd`, asserting it fails with exit code 1 (a user error, not a crash).
#[track_caller]
pub fn must_fail(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1\n{}",
        describe(cmd, &out)
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `file:line:col` locations of the diagnostics in `stderr`
/// (codespan's ` ┌─ path:line:col` lines).
pub fn locations(stderr: &str) -> Vec<(String, usize, usize)> {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("┌─ "))
        .filter_map(|loc| {
            let mut it = loc.trim().rsplitn(3, ':');
            let col = it.next()?.parse().ok()?;
            let line = it.next()?.parse().ok()?;
            Some((it.next()?.to_string(), line, col))
        })
        .collect()
}

/// 1-based number of the first line of `text` containing `needle`.
#[track_caller]
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in fixture"))
        + 1
}

// ---------------------------------------------------------------------------
// Materials in temporary folders

/// A valid schema-1 material with short parts, meeting every content rule of
/// luoyang-2023 and henan-2023. Tests change it with `str::replace`.
pub const SMALL_YAML: &str = r#"profile: luoyang-2023
company:
  name: 洛阳测试机械有限公司
  address: 河南省洛阳市涧西区测试路1号
  nature: 民营
  scale: 小型企业
  employees: 120
  industry: "3451 滚动轴承制造"
  quality_head: {name: 王五, title: 质量总监}
contact: {name: 李四, title: 质量部部长, phone: "13912345678", email: lisi@example.com}
finance:
  2020: {assets: 5000, revenue: 3000, profit: 100}
  2021: {assets: 5200, revenue: 3300, profit: 120}
  2022: {assets: 5600, revenue: 3600, profit: 150}
benchmark:
  title: 洛阳测试机械有限公司基于全员参与的精益质量管理经验
  brief: 质量标杆简介。
date: 2023-03-20
abstract: |
  摘要正文。
overview: |
  企业概况正文。
implementation: |
  推进实施正文。
effects: |
  实施效果正文。
"#;

pub const SMALL_COMPANY: &str = "洛阳测试机械有限公司";

/// A temporary folder holding a material and its files.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fixture whose `material.yaml` is `yaml`.
    pub fn yaml(yaml: &str) -> Self {
        let f = Self::new();
        f.write("material.yaml", yaml);
        f
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write fixture");
    }

    /// Where builds of this fixture write (`-o`).
    pub fn out(&self) -> PathBuf {
        self.path("out")
    }

    pub fn cmd(&self, material: &str) -> Command {
        build_cmd(&self.path(material), &self.out())
    }

    /// Builds `material`, asserting success.
    #[track_caller]
    pub fn build(&self, material: &str) -> Built {
        let out = must_succeed(&mut self.cmd(material));
        Built::from_output(&self.out(), out)
    }

    /// Like [`Fixture::reject`] for `material.yaml` with extra arguments.
    #[track_caller]
    pub fn reject_with(&self, args: impl FnOnce(&mut Command)) -> String {
        let mut cmd = self.cmd("material.yaml");
        args(&mut cmd);
        let out = must_fail(&mut cmd);
        assert!(!self.out().exists(), "a refused build must write nothing");
        stderr(&out)
    }

    /// Builds `material`, asserting it is refused with exit code 1 and that
    /// nothing was written. Returns stderr.
    #[track_caller]
    pub fn reject(&self, material: &str) -> String {
        let out = must_fail(&mut self.cmd(material));
        assert!(
            !self.out().exists(),
            "a refused build must write nothing, but {} exists",
            self.out().display()
        );
        stderr(&out)
    }
}

/// What a successful build printed and wrote.
pub struct Built {
    pub stdout: String,
    pub stderr: String,
    /// The enterprise's folder (E1).
    pub folder: PathBuf,
}

impl Built {
    #[track_caller]
    pub fn from_output(out_dir: &Path, out: Output) -> Self {
        let folders: Vec<PathBuf> = std::fs::read_dir(out_dir)
            .expect("output folder")
            .map(|e| e.expect("dir entry").path())
            .collect();
        assert_eq!(
            folders.len(),
            1,
            "one folder per enterprise (E1): {folders:?}"
        );
        Self {
            stdout: stdout(&out),
            stderr: stderr(&out),
            folder: folders[0].clone(),
        }
    }

    pub fn pdf(&self, name: &str) -> PathBuf {
        self.folder.join(name)
    }

    /// Probes 封面.pdf, 正文.pdf, 申报材料.pdf and 申报表.pdf with one
    /// Python run.
    pub fn probe(&self) -> Pdfs {
        let [cover, body, book, form]: [Probe; 4] = probe_all(&[
            self.pdf(COVER),
            self.pdf(BODY),
            self.pdf(BOOK),
            self.pdf(FORM),
        ])
        .try_into()
        .expect("four probes");
        Pdfs {
            cover,
            body,
            book,
            form,
        }
    }
}

pub const COVER: &str = "封面.pdf";
pub const BODY: &str = "正文.pdf";
pub const BOOK: &str = "申报材料.pdf";
pub const FORM: &str = "申报表.pdf";

pub struct Pdfs {
    pub cover: Probe,
    pub body: Probe,
    pub book: Probe,
    pub form: Probe,
}

impl Pdfs {
    pub fn all(&self) -> [(&str, &Probe); 3] {
        [(COVER, &self.cover), (BODY, &self.body), (BOOK, &self.book)]
    }
}

/// The bundled example, built once per test binary. The PDFs are kept in
/// memory and the temporary folder removed once they are probed.
pub struct Example {
    pub stdout: String,
    pub company: String,
    pub bytes: Vec<(String, Vec<u8>)>,
    pub pdfs: Pdfs,
}

pub fn example() -> &'static Example {
    static EXAMPLE: OnceLock<Example> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = must_succeed(&mut build_cmd(&example_yaml(), tmp.path()));
        let built = Built::from_output(tmp.path(), out);
        let bytes = [COVER, BODY, BOOK, FORM]
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    std::fs::read(built.pdf(n)).expect("read pdf"),
                )
            })
            .collect();
        let company = built
            .folder
            .file_name()
            .expect("folder name")
            .to_string_lossy()
            .into_owned();
        Example {
            pdfs: built.probe(),
            stdout: built.stdout,
            company,
            bytes,
        }
    })
}

// ---------------------------------------------------------------------------
// Reading PDFs

#[derive(Debug, Deserialize)]
pub struct Probe {
    pub pages: Vec<Page>,
    pub fonts: Vec<Font>,
}

#[derive(Debug, Deserialize)]
pub struct Font {
    pub name: String,
    pub embedded: bool,
}

#[derive(Debug, Deserialize)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub spans: Vec<TextSpan>,
    /// Straight line segments (table and underline rules).
    pub lines: Vec<Rule>,
    /// Image bounding boxes: x0, y0, x1, y1.
    pub images: Vec<[f64; 4]>,
    /// The page's text in content-stream order (a table cell's lines
    /// together), as PyMuPDF extracts it unsorted.
    pub stream_text: String,
    /// TrimBox and BleedBox: x0, y0, x1, y1 from the top-left corner.
    pub trimbox: [f64; 4],
    pub bleedbox: [f64; 4],
}

#[derive(Clone, Debug, Deserialize)]
pub struct TextSpan {
    pub text: String,
    pub font: String,
    pub size: f64,
    /// Origin of the first glyph: x, and y = the baseline.
    pub x: f64,
    pub y: f64,
    pub bbox: [f64; 4],
    /// The origin x of each glyph of `text`.
    pub glyph_x: Vec<f64>,
    /// The right edge of each glyph's box.
    pub glyph_x1: Vec<f64>,
}

#[derive(Debug, Deserialize)]
pub struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub width: f64,
}

impl Rule {
    pub fn is_horizontal(&self) -> bool {
        (self.y0 - self.y1).abs() < 0.01 && (self.x1 - self.x0).abs() > 1.0
    }
    pub fn is_vertical(&self) -> bool {
        (self.x0 - self.x1).abs() < 0.01 && (self.y1 - self.y0).abs() > 1.0
    }
    pub fn top(&self) -> f64 {
        self.y0.min(self.y1)
    }
    pub fn bottom(&self) -> f64 {
        self.y0.max(self.y1)
    }
}

/// The spans of one page that share a baseline, left to right.
#[derive(Debug)]
pub struct Row {
    pub y: f64,
    pub spans: Vec<TextSpan>,
}

/// `表3 …` → ('表', 3): a caption's kind and number.
pub fn caption_label(text: &str) -> Option<(char, u32)> {
    let kind = text.chars().next().filter(|c| matches!(c, '表' | '图'))?;
    let digits: String = text
        .chars()
        .skip(1)
        .take_while(char::is_ascii_digit)
        .collect();
    Some((kind, digits.parse().ok()?))
}

/// Text without the spaces that extraction puts between CJK and Latin runs.
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// CJK closing punctuation: its ink fills the left half of its em box, and
/// at the end of a line Typst, like Word, drops the empty half.
fn closing_punct(c: char) -> bool {
    "，。、；：！？）》」』”’】".contains(c)
}

/// CJK opening punctuation: its ink fills the right half of its em box.
pub fn opening_punct(c: char) -> bool {
    "（《「『“‘【".contains(c)
}

impl Row {
    fn ink(&self) -> impl Iterator<Item = &TextSpan> {
        self.spans.iter().filter(|s| !s.text.trim().is_empty())
    }
    /// The text as extracted, spans joined.
    pub fn raw(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
    /// The text without spaces.
    pub fn text(&self) -> String {
        compact(&self.raw())
    }
    pub fn first(&self) -> &TextSpan {
        self.ink().next().expect("row has text")
    }
    pub fn size(&self) -> f64 {
        self.first().size
    }
    pub fn is_size(&self, pt: f64) -> bool {
        (self.size() - pt).abs() < TOL
    }
    /// Every glyph with its origin x.
    pub fn glyphs(&self) -> Vec<(char, f64)> {
        self.spans
            .iter()
            .flat_map(|s| s.text.chars().zip(s.glyph_x.iter().copied()))
            .collect()
    }
    /// Left edge of the first glyph's box.
    pub fn x0(&self) -> f64 {
        self.first().bbox[0]
    }
    /// Right edge of the printed text: the last glyph's box, or the inked
    /// half of a closing punctuation mark.
    pub fn x1(&self) -> f64 {
        let glyphs = self.spans.iter().flat_map(|s| {
            s.text
                .chars()
                .zip(s.glyph_x.iter().zip(&s.glyph_x1))
                .map(move |(c, (&x, &x1))| (c, x, x1, s.size))
        });
        match glyphs.filter(|g| !g.0.is_whitespace()).last() {
            Some((c, x, _, size)) if closing_punct(c) => x + size / 2.0,
            Some((_, _, x1, _)) => x1,
            None => self.x0(),
        }
    }
    pub fn center(&self) -> f64 {
        (self.x0() + self.x1()) / 2.0
    }
    /// Whether every printed span is in a bold face.
    pub fn all_bold(&self) -> bool {
        self.ink().all(|s| s.font.contains("Bold"))
    }
    pub fn fonts(&self) -> Vec<&str> {
        self.ink().map(|s| s.font.as_str()).collect()
    }
}

impl Page {
    /// Text rows top to bottom (spans grouped by baseline).
    pub fn rows(&self) -> Vec<Row> {
        let mut spans: Vec<&TextSpan> = self.spans.iter().collect();
        spans.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        let mut rows: Vec<Row> = Vec::new();
        for s in spans {
            match rows.last_mut() {
                Some(r) if (r.y - s.y).abs() < TOL => r.spans.push(s.clone()),
                _ => rows.push(Row {
                    y: s.y,
                    spans: vec![s.clone()],
                }),
            }
        }
        rows.retain(|r| !r.text().is_empty());
        rows
    }

    /// All text on the page, without spaces.
    pub fn text(&self) -> String {
        self.rows().iter().map(Row::text).collect()
    }

    /// The text block's bottom edge as the default margins put it.
    pub fn text_bottom(&self) -> f64 {
        self.height - mm(25.4)
    }

    /// Rows in the footer (below the text block): the page number.
    pub fn footer(&self) -> Vec<Row> {
        let bottom = self.text_bottom();
        self.rows().into_iter().filter(|r| r.y > bottom).collect()
    }

    /// Rows in the text block.
    pub fn body_rows(&self) -> Vec<Row> {
        let bottom = self.text_bottom();
        self.rows().into_iter().filter(|r| r.y <= bottom).collect()
    }
}

impl Probe {
    pub fn text(&self) -> String {
        self.pages.iter().map(Page::text).collect()
    }

    /// The text in content-stream order, without white space (and with any
    /// invisible character: none may be inserted, T3).
    pub fn stream_text(&self) -> String {
        self.pages
            .iter()
            .flat_map(|p| p.stream_text.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    }
}

/// SPEC T3 (issue 18): `typed` copies out of `page` as it was typed — the
/// page's text in content order, without the white space a reader's copy
/// makes of line ends, holds it whole — and the page's text has no
/// invisible character at all (no zero-width space, joiner or object
/// replacement character). Returns the number of lines `typed` was broken
/// onto, so a test can make sure it really had to break.
#[track_caller]
pub fn assert_copies_as_typed(page: &Page, typed: &str) -> usize {
    let text: String = page
        .stream_text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains(typed),
        "{typed:?} does not copy out as typed from: {text:?}"
    );
    let invisible = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFFC}' | '\u{AD}');
    if let Some(c) = page.stream_text.chars().find(|c| invisible(*c)) {
        panic!(
            "an invisible {c:?} in the page's text: {:?}",
            page.stream_text
        );
    }
    let mut lines: Vec<f64> = page
        .spans
        .iter()
        .filter(|s| {
            // A span holding a piece of `typed` (the piece may share the
            // span with the text around it).
            let t: Vec<char> = s.text.trim().chars().collect();
            let n = t.len().min(6);
            n >= 2
                && t.windows(n)
                    .any(|w| typed.contains(&w.iter().collect::<String>()))
        })
        .map(|s| s.y)
        .collect();
    lines.sort_by(f64::total_cmp);
    lines.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    lines.len()
}

/// Runs `tests/pdfprobe.py` with `args` and parses the JSON it prints.
#[track_caller]
fn pdfprobe<T: serde::de::DeserializeOwned>(args: &[&std::ffi::OsStr]) -> T {
    let script = root().join("tests/pdfprobe.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "pdfprobe.py failed (is PyMuPDF installed? `pip install pymupdf`)\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pdfprobe.py prints JSON")
}

/// Probes several PDFs with one Python run (PyMuPDF's start-up dominates).
#[track_caller]
pub fn probe_all(paths: &[PathBuf]) -> Vec<Probe> {
    let args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    pdfprobe(&args)
}

/// One entry of a PDF's outline (bookmarks) as PyMuPDF's `get_toc()` gives
/// it: its level (from 1), its title, and the page it points at (from 1;
/// -1 when it points nowhere).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TocEntry(pub usize, pub String, pub i64);

/// The outlines of several PDFs, with one Python run.
#[track_caller]
pub fn toc_all(paths: &[PathBuf]) -> Vec<Vec<TocEntry>> {
    let mut args: Vec<&std::ffi::OsStr> = vec!["--toc".as_ref()];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    pdfprobe(&args)
}

/// A picture as printed on a page (`pdfprobe.py --pictures`): where, and
/// how dark each quarter of it looks (mean grey, 0 black .. 255 white).
#[derive(Clone, Debug, Deserialize)]
pub struct Picture {
    pub page: usize,
    pub bbox: [f64; 4],
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

impl Picture {
    pub fn width(&self) -> f64 {
        self.bbox[2] - self.bbox[0]
    }
    pub fn height(&self) -> f64 {
        self.bbox[3] - self.bbox[1]
    }
}

/// The pictures of a PDF, page by page.
#[track_caller]
pub fn pictures(path: &Path) -> Vec<Picture> {
    pdfprobe(&["--pictures".as_ref(), path.as_os_str()])
}

#[track_caller]
pub fn probe(path: &Path) -> Probe {
    probe_all(&[path.to_path_buf()]).pop().expect("one probe")
}

/// `text` as Notepad saves "Unicode" (UTF-16 LE) or "Unicode big endian"
/// (UTF-16 BE): a byte-order mark, then the text, with Windows line ends
/// (the text may come with its own UTF-8 BOM and line ends).
pub fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    let text = text.trim_start_matches('\u{FEFF}').replace("\r\n", "\n");
    for unit in text.replace('\n', "\r\n").encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Pictures

/// The start of an iPhone photo (HEIF, brand `heic`): enough for a reader
/// to tell what it is.
pub fn heic() -> Vec<u8> {
    let mut heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    heic.extend_from_slice(&[0; 64]);
    heic
}

/// A picture `w`×`h` whose one half is dark and the other light: the top
/// half dark when `dark_top`, else the left half. Printed, it shows which
/// way up it went.
pub fn two_tone(w: u32, h: u32, dark_top: bool) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let dark = if dark_top { y < h / 2 } else { x < w / 2 };
        if dark {
            image::Rgb([30, 30, 30])
        } else {
            image::Rgb([230, 230, 230])
        }
    })
}

/// An EXIF block (TIFF, little endian) holding only an orientation.
pub fn exif_orientation(orientation: u16) -> Vec<u8> {
    let mut t = b"II*\x00".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&u32::from(orientation).to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

/// `img` encoded as `format` (WebP lossless), with `exif` when given
/// (WebP only).
pub fn encode(img: &image::RgbImage, format: image::ImageFormat, exif: Option<Vec<u8>>) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = std::io::Cursor::new(Vec::new());
    match exif {
        Some(exif) => {
            assert_eq!(format, image::ImageFormat::WebP, "EXIF only in WebP here");
            let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            enc.set_exif_metadata(exif).expect("WebP takes EXIF");
            enc.write_image(
                img,
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            )
            .expect("encode WebP");
        }
        None => img.write_to(&mut out, format).expect("encode picture"),
    }
    out.into_inner()
}

/// Writes into `f`, below `dir` (`""` or `img/`), a picture saved each way
/// writers have them, all showing `w`×`h` with the dark half on top:
/// web.webp, old.gif, scan.bmp, and phone.webp, stored turned (`h`×`w`,
/// dark half left) with EXIF orientation 6, which turns it 90° clockwise
/// to show.
pub fn write_pictures(f: &Fixture, dir: &str, w: u32, h: u32) {
    use image::ImageFormat::{Bmp, Gif, WebP};
    let upright = two_tone(w, h, true);
    f.write(&format!("{dir}web.webp"), encode(&upright, WebP, None));
    f.write(&format!("{dir}old.gif"), encode(&upright, Gif, None));
    f.write(&format!("{dir}scan.bmp"), encode(&upright, Bmp, None));
    let turned = two_tone(h, w, false);
    f.write(
        &format!("{dir}phone.webp"),
        encode(&turned, WebP, Some(exif_orientation(6))),
    );
}

/// The entry names of a zip, in order.
pub fn zip_names<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Vec<String> {
    (0..archive.len())
        .map(|i| {
            archive
                .by_index(i)
                .expect("entry")
                .name()
                .expect("name")
                .to_string()
        })
        .collect()
}
