//! Fonts for the four roles of the notice (SPEC §3, F1–F4): the real face when
//! it is installed or given with `--font-path`, else the bundled substitute.
//!
//! Only the faces that can serve a role are loaded: a full system scan costs
//! more than a whole cover, and other fonts would make output depend on the
//! machine.
//!
//! Every role prints through the same fallback chain, per character, as Word
//! does: the real font when found, the bundled Noto substitute, then DejaVu
//! Sans for the symbols no CJK face has (₂ ⁻ ⌀ ✕ ‱ ☑ ≒). F3 asks the chain of
//! the role that prints a character, and the build report names the
//! characters a later font of the chain printed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use typst::foundations::Bytes;
use typst::text::Font;
use typst_kit::fonts::FontStore;

/// The last font of every role's chain (bundled `fonts/DejaVuSans.ttf`).
pub const SYMBOL_FAMILY: &str = "DejaVu Sans";

/// A role the notice names; in JSON its key (`song`, `song_bold`, `hei`,
/// `zhongsong`), the same the templates read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 宋体: body text.
    Song,
    /// 宋体加粗: headings, captions, 摘要.
    SongBold,
    /// 黑体: article title, cover fields.
    Hei,
    /// 华文中宋: cover title.
    Zhongsong,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Song, Role::SongBold, Role::Hei, Role::Zhongsong];

    pub fn label(self) -> &'static str {
        match self {
            Role::Song => "宋体",
            Role::SongBold => "宋体加粗",
            Role::Hei => "黑体",
            Role::Zhongsong => "华文中宋",
        }
    }

    /// Family names of the real font, English and Chinese (F1).
    pub fn real_names(self) -> &'static [&'static str] {
        match self {
            Role::Song | Role::SongBold => &["SimSun", "宋体"],
            Role::Hei => &["SimHei", "黑体"],
            Role::Zhongsong => &["STZhongsong", "华文中宋"],
        }
    }

    /// File-name fragments worth opening when looking for the real font.
    fn file_hints(self) -> &'static [&'static str] {
        match self {
            Role::Song | Role::SongBold => &["simsun", "宋体"],
            Role::Hei => &["simhei", "黑体"],
            Role::Zhongsong => &["stzhongs", "中宋"],
        }
    }

    /// The bundled substitute: family and weight.
    fn substitute(self) -> (&'static str, u16) {
        match self {
            Role::Song => ("Noto Serif CJK SC", 400),
            Role::SongBold => ("Noto Serif CJK SC", 700),
            Role::Hei => ("Noto Sans CJK SC", 500),
            Role::Zhongsong => ("Noto Serif CJK SC", 600),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Role::Song => "song",
            Role::SongBold => "song_bold",
            Role::Hei => "hei",
            Role::Zhongsong => "zhongsong",
        }
    }
}

/// Which face serves a role (F2).
#[derive(Clone, Debug, Serialize)]
pub struct RoleFont {
    /// Typst family names in priority order, tried per character: the real
    /// font if found, the bundled Noto substitute, then DejaVu Sans.
    pub families: Vec<String>,
    pub weight: u16,
    /// Bold made by stroking the outline, as Word does for SimSun.
    pub synthetic_bold: bool,
    #[serde(skip)]
    pub substitute: bool,
    #[serde(skip)]
    pub face: String,
    #[serde(skip)]
    pub source: PathBuf,
    /// The face Typst picks for each of `families` at `weight`, same order.
    #[serde(skip)]
    chain: Vec<Font>,
}

/// Which face printed a role (F2), for the build report.
#[derive(Clone, Debug, Serialize)]
pub struct RoleReport {
    pub role: Role,
    /// The face that prints the role's text: family and weight
    /// (`Noto Serif CJK SC Regular`).
    pub face: String,
    /// The bundled substitute stands in: no real font was found.
    pub substitute: bool,
    /// Bold made by stroking the outline (SimSun has no bold face).
    pub synthetic_bold: bool,
    /// The font file the face was read from.
    pub file: String,
    /// The real font's family names, looked for in the font folders.
    pub wanted: &'static [&'static str],
}

/// Characters of a role's text that a later font of its chain printed
/// because the first one has no glyph for them (build report, F2/F3).
#[derive(Clone, Debug, Serialize)]
pub struct Fallback {
    pub role: Role,
    /// The family that printed them.
    pub face: String,
    /// The first family of the chain, which lacks them.
    pub missing_in: String,
    /// The characters, each once, in order of first use.
    pub chars: String,
}

/// The loaded fonts and the role table.
pub struct Fonts {
    pub store: FontStore,
    pub roles: HashMap<Role, RoleFont>,
    /// Per role and character: the index in the role's chain of the face
    /// that prints it, or `None` when no face of the chain has it.
    coverage_cache: Mutex<HashMap<(Role, char), Option<u8>>>,
    /// Whether [`Fonts::warm`] ran.
    warmed: std::sync::atomic::AtomicBool,
}

#[derive(Debug)]
pub enum FontError {
    NoBundled(Vec<PathBuf>),
}

impl Fonts {
    /// Loads the bundled substitutes and the real fonts found in the system
    /// font folders and in `extra` (files or folders, `--font-path`).
    pub fn load(extra: &[PathBuf], system: bool) -> Result<Fonts, FontError> {
        let bundled_dir =
            bundled_dir().ok_or_else(|| FontError::NoBundled(bundled_candidates()))?;
        let mut faces: Vec<(Font, PathBuf)> = Vec::new();
        for file in font_files(&bundled_dir, 2) {
            load_file(&file, &mut faces);
        }
        if !faces
            .iter()
            .any(|(f, _)| f.info().family == "Noto Serif CJK SC")
        {
            return Err(FontError::NoBundled(vec![bundled_dir]));
        }
        let bundled_count = faces.len();
        let symbols = faces
            .iter()
            .find(|(f, _)| f.info().family == SYMBOL_FAMILY)
            .map(|(f, _)| f.clone());
        // The face of a bundled family Typst picks for a weight.
        let nearest = |family: &str, weight: u16| {
            faces
                .iter()
                .filter(|(f, _)| f.info().family == family)
                .min_by_key(|(f, _)| f.info().variant.weight.to_number().abs_diff(weight))
                .cloned()
        };

        // Real fonts: every font in --font-path; in system folders only files
        // whose names suggest one of the real fonts.
        let mut real: Vec<(Font, PathBuf)> = Vec::new();
        for path in extra {
            if path.is_dir() {
                for file in font_files(path, 4) {
                    load_file(&file, &mut real);
                }
            } else {
                load_file(path, &mut real);
            }
        }
        if system {
            for dir in system_font_dirs() {
                for file in font_files(&dir, 4) {
                    let name = file
                        .file_name()
                        .map(|n| n.to_string_lossy().to_lowercase())
                        .unwrap_or_default();
                    let hinted = Role::ALL
                        .iter()
                        .any(|r| r.file_hints().iter().any(|h| name.contains(h)));
                    if hinted {
                        load_file(&file, &mut real);
                    }
                }
            }
        }
        // Keep only faces that are one of the real fonts, first found wins.
        real.retain(|(f, _)| Role::ALL.iter().any(|r| matches_names(f, r.real_names())));

        let mut roles = HashMap::new();
        for role in Role::ALL {
            let (sub_family, sub_weight) = role.substitute();
            let found = real
                .iter()
                .find(|(f, _)| matches_names(f, role.real_names()));
            let mut choice = match found {
                Some((font, path)) => {
                    let weight = if role == Role::SongBold { 700 } else { 400 };
                    RoleFont {
                        families: vec![font.info().family.clone(), sub_family.to_string()],
                        weight,
                        // SimSun has no bold face: Word strokes it, and so do we.
                        synthetic_bold: role == Role::SongBold
                            && font.info().variant.weight.to_number() < 600,
                        substitute: false,
                        face: face_name(font),
                        source: path.clone(),
                        chain: [Some(font.clone()), nearest(sub_family, weight).map(|f| f.0)]
                            .into_iter()
                            .flatten()
                            .collect(),
                    }
                }
                None => {
                    let (font, path) = nearest(sub_family, sub_weight)
                        .expect("bundled Noto Serif CJK SC checked above");
                    RoleFont {
                        families: vec![sub_family.to_string()],
                        weight: sub_weight,
                        synthetic_bold: false,
                        substitute: true,
                        face: face_name(&font),
                        source: path,
                        chain: vec![font],
                    }
                }
            };
            // The same last resort for every role: DejaVu Sans, used whole.
            choice.families.push(SYMBOL_FAMILY.to_string());
            choice.chain.extend(symbols.clone());
            roles.insert(role, choice);
        }

        let mut store = FontStore::new();
        // Real faces first so that they win a family-name tie.
        for (font, _) in real
            .into_iter()
            .chain(faces.into_iter().take(bundled_count))
        {
            store.push((font.clone(), font.info().clone()));
        }
        Ok(Fonts {
            store,
            roles,
            coverage_cache: Mutex::new(HashMap::new()),
            warmed: Default::default(),
        })
    }

    /// Hashes the faces of every role's chain on a thread of its own, while
    /// the caller reads and checks the material. Typst hashes a font's whole
    /// file the first time a compile uses it (the bundled faces are 36 MB,
    /// about 15 ms of CPU, and every page of a mapped file is read in); the
    /// hash is then kept with the font's bytes, so the compile that follows
    /// finds it done instead of waiting for it. Once per set of fonts.
    pub fn warm(&self) {
        if self.warmed.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        // By address: comparing fonts would hash them here.
        let mut faces: Vec<Font> = Vec::new();
        for role in Role::ALL {
            for face in &self.roles[&role].chain {
                let same = |f: &Font| std::ptr::eq(f.data().as_slice(), face.data().as_slice());
                if !faces.iter().any(same) {
                    faces.push(face.clone());
                }
            }
        }
        std::thread::spawn(move || {
            for face in faces {
                typst::utils::hash128(&face);
            }
        });
    }

    /// Whether some face of `role`'s chain has a glyph for `c` (F3).
    pub fn covers(&self, role: Role, c: char) -> bool {
        self.printed_by(role, c).is_some()
    }

    /// The index in `role`'s chain of the face that prints `c`: the first
    /// one with a glyph, as Typst picks per character.
    fn printed_by(&self, role: Role, c: char) -> Option<usize> {
        if let Some(&hit) = self
            .coverage_cache
            .lock()
            .expect("poisoned")
            .get(&(role, c))
        {
            return hit.map(usize::from);
        }
        let hit = self.roles[&role]
            .chain
            .iter()
            .position(|f| face(f).is_some_and(|face| face.glyph_index(c).is_some()));
        self.coverage_cache
            .lock()
            .expect("poisoned")
            .insert((role, c), hit.and_then(|i| u8::try_from(i).ok()));
        hit
    }

    /// The advance of `c` in `role`, in em, from the face of the role's
    /// chain that prints it (as Typst picks it): `None` when none has it.
    pub fn advance(&self, role: Role, c: char) -> Option<f64> {
        let face = face(&self.roles[&role].chain[self.printed_by(role, c)?])?;
        let advance = face.glyph_hor_advance(face.glyph_index(c)?)?;
        Some(f64::from(advance) / f64::from(face.units_per_em()))
    }

    /// The characters of `text`, printed in `role`, that come from a later
    /// font of the chain than the first, grouped by font (build report).
    pub fn fallbacks(&self, role: Role, text: &str) -> Vec<Fallback> {
        let rf = &self.roles[&role];
        let mut out: Vec<Fallback> = Vec::new();
        for c in text.chars() {
            if c.is_ascii() || c.is_whitespace() || c.is_control() {
                continue;
            }
            let Some(i) = self.printed_by(role, c).filter(|&i| i > 0) else {
                continue;
            };
            let face = rf.chain[i].info().family.clone();
            match out.iter_mut().find(|f| f.face == face) {
                Some(f) if f.chars.contains(c) => {}
                Some(f) => f.chars.push(c),
                None => out.push(Fallback {
                    role,
                    face,
                    missing_in: rf.chain[0].info().family.clone(),
                    chars: c.to_string(),
                }),
            }
        }
        out
    }

    /// The role table as the templates read it.
    pub fn roles_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for role in Role::ALL {
            map.insert(
                role.key().into(),
                serde_json::to_value(&self.roles[&role]).expect("serialisable"),
            );
        }
        serde_json::Value::Object(map)
    }

    /// Which face printed each role, in the notice's order (F2).
    pub fn report(&self) -> Vec<RoleReport> {
        Role::ALL
            .iter()
            .map(|&role| {
                let rf = &self.roles[&role];
                RoleReport {
                    role,
                    face: rf.face.clone(),
                    substitute: rf.substitute,
                    synthetic_bold: rf.synthetic_bold,
                    file: rf.source.display().to_string(),
                    wanted: role.real_names(),
                }
            })
            .collect()
    }
}

fn face_name(font: &Font) -> String {
    let info = font.info();
    let w = info.variant.weight.to_number();
    let weight = match w {
        0..=349 => "Light",
        350..=449 => "Regular",
        450..=549 => "Medium",
        550..=649 => "SemiBold",
        650..=749 => "Bold",
        _ => "Black",
    };
    format!("{} {weight}", info.family)
}

/// Whether a face carries one of `names` as a family name in any language.
fn matches_names(font: &Font, names: &[&str]) -> bool {
    if names
        .iter()
        .any(|n| font.info().family.eq_ignore_ascii_case(n))
    {
        return true;
    }
    let Some(face) = face(font) else { return false };
    face.names().into_iter().any(|name| {
        (name.name_id == 1 || name.name_id == 16)
            && name
                .to_string()
                .is_some_and(|s| names.iter().any(|n| s.eq_ignore_ascii_case(n)))
    })
}

/// The font's tables; parsing is only a look at the table directory.
fn face(font: &Font) -> Option<ttf_parser::Face<'_>> {
    ttf_parser::Face::parse(font.data().as_slice(), font.index()).ok()
}

fn load_file(path: &Path, out: &mut Vec<(Font, PathBuf)>) {
    let Some(data) = map_file(path) else { return };
    for font in Font::iter(data) {
        out.push((font, path.to_path_buf()));
    }
}

/// The bytes of a font file, memory-mapped: a CJK face is 10–20 MB and only
/// the glyphs a document uses are ever touched.
fn map_file(path: &Path) -> Option<Bytes> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: font files are not modified while shenbao runs; if one were
    // truncated underneath us the process could fault, which is the same
    // trade-off typst-cli and fontdb make for system fonts.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => Some(Bytes::new(map)),
        Err(_) => std::fs::read(path).ok().map(Bytes::new),
    }
}

fn font_files(dir: &Path, depth: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth > 0 {
                out.extend(font_files(&path, depth - 1));
            }
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    out
}

fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    if cfg!(windows) {
        let windir = std::env::var_os("WINDIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
        dirs.push(windir.join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join(r"Microsoft\Windows\Fonts"));
        }
    } else if cfg!(target_os = "macos") {
        dirs.extend(
            [
                "/Library/Fonts",
                "/System/Library/Fonts",
                "/System/Library/Fonts/Supplemental",
            ]
            .map(PathBuf::from),
        );
        if let Some(h) = &home {
            dirs.push(h.join("Library/Fonts"));
        }
    } else {
        dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        if let Some(h) = &home {
            dirs.push(h.join(".fonts"));
            dirs.push(h.join(".local/share/fonts"));
        }
    }
    dirs
}

fn bundled_candidates() -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(dir) = std::env::var_os("SHENBAO_FONTS") {
        c.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe() {
        for anc in exe.ancestors().skip(1).take(4) {
            c.push(anc.join("fonts"));
            c.push(anc.join("share/shenbao/fonts"));
        }
    }
    c.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
    c
}

/// Where the bundled substitutes live: `$SHENBAO_FONTS`, beside the binary,
/// or the source tree it was built from.
fn bundled_dir() -> Option<PathBuf> {
    bundled_candidates().into_iter().find(|d| {
        d.is_dir()
            && font_files(d, 0)
                .iter()
                .any(|f| f.to_string_lossy().contains("NotoSerifCJK"))
    })
}
