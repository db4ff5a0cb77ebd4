//! Reading a material from disk: bytes → text (as Windows writers save it) →
//! typed model → the four parts' Markdown with a map back to the user's files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_saphyr::{Error as YamlError, Location, Options, Spanned};

use super::hints;
use super::model::{Material, PartKind, PartSource};
use crate::diag::{Code, Diagnostic, FileIdx, Sources, Span};
use crate::paths::Confined;

/// Largest text file we read (a material is a few hundred KB at most).
pub const MAX_TEXT_BYTES: u64 = 5 * 1024 * 1024;

/// A material read from disk, with its parts resolved to Markdown text.
pub struct Loaded {
    pub material: Material,
    /// The material file in [`Sources`].
    pub file: FileIdx,
    /// The material's folder: every file it names must lie inside.
    pub root: Confined,
    pub parts: Vec<PartText>,
}

/// One part's Markdown, and how to map a byte range in it back to a file.
pub struct PartText {
    pub kind: PartKind,
    pub text: String,
    pub origin: Origin,
    /// Folder relative paths inside this part are resolved against.
    pub base_dir: PathBuf,
}

/// Where a piece of text sits in a user file.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: FileIdx,
    pub kind: OriginKind,
}

#[derive(Clone, Debug)]
pub enum OriginKind {
    /// The text is a verbatim slice of the file starting at this byte.
    Slice { start: usize },
    /// A YAML block scalar: line k of the text is line k of the file after
    /// `start`, indented by `indent` bytes.
    Block { start: usize, indent: usize },
    /// A flow or quoted scalar: every position maps to its start.
    Point { at: usize },
}

impl Origin {
    pub fn span(&self, sources: &Sources, text: &str, range: Range<usize>) -> Span {
        let file_text = sources.text(self.file);
        let map = |o: usize| -> usize {
            match self.kind {
                OriginKind::Slice { start } => (start + o).min(file_text.len()),
                OriginKind::Point { at } => at,
                OriginKind::Block { start, indent } => {
                    let o = o.min(text.len());
                    let line = text[..o].matches('\n').count();
                    let col = o - text[..o].rfind('\n').map_or(0, |i| i + 1);
                    let mut line_start = start;
                    for _ in 0..line {
                        match file_text[line_start..].find('\n') {
                            Some(i) => line_start += i + 1,
                            None => return file_text.len(),
                        }
                    }
                    let line_end = file_text[line_start..]
                        .find('\n')
                        .map_or(file_text.len(), |i| line_start + i);
                    (line_start + indent + col).min(line_end)
                }
            }
        };
        // Never split a character: codespan slices the file at these offsets.
        let floor = |mut x: usize| {
            while !file_text.is_char_boundary(x) {
                x -= 1;
            }
            x
        };
        let (a, b) = (floor(map(range.start)), floor(map(range.end)));
        Span {
            file: self.file,
            range: a..b.max(a),
        }
    }
}

/// Reads a text file the way a Windows writer saves it: UTF-8 with or without
/// BOM, or GB18030/GBK from Notepad (with a warning); CRLF and CR become LF.
/// File-level problems (empty, not text) point at the place in the file, so
/// the writer sees `file:line:col` like every other diagnostic.
pub fn read_text(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error(Code::FileMissing, "这是一个文件夹，不是文件")
                .in_file(path)
                .help("请指定材料文件，例如 material.yaml 或 material.md"),
        );
    }
    if let Some(d) = office_file(path, sources) {
        return Err(d);
    }
    if meta.len() > MAX_TEXT_BYTES {
        return Err(Diagnostic::error(
            Code::TooComplex,
            format!("文件过大（{} 字节，上限 5 MB）", meta.len()),
        )
        .in_file(path)
        .help("申报材料正文不会超过几百 KB；请检查是否选错了文件"));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let text = match decode(&bytes, path, diags) {
        Ok(t) => t,
        Err((d, offset)) => {
            let file = sources.add(path, String::from_utf8_lossy(&bytes).into_owned());
            return Err(d.at(Span {
                file,
                range: offset..offset,
            }));
        }
    };
    if text.trim().is_empty() {
        let file = sources.add(path, text);
        return Err(Diagnostic::error(Code::EmptyFile, "文件是空的")
            .at(Span { file, range: 0..0 })
            .help("请填写内容，或用 `shenbao init` 生成一个模板"));
    }
    Ok(text)
}

/// What kind of office document a file is, by its extension or its first
/// bytes (a `.docx` renamed `.yaml` is still a Word file).
fn office_kind(path: &Path, head: &[u8]) -> Option<&'static str> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_ext = match ext.as_deref() {
        Some("docx" | "doc" | "docm" | "dotx" | "dot" | "rtf" | "odt") => Some("Word 文件"),
        Some("wps" | "wpt") => Some("WPS 文字文件"),
        Some("xlsx" | "xls" | "xlsm" | "et" | "ods") => Some("Excel 表格文件"),
        Some("pptx" | "ppt" | "dps" | "odp") => Some("PowerPoint 演示文稿文件"),
        Some("pdf") => Some("PDF 文件"),
        _ => None,
    };
    if by_ext.is_some() {
        return by_ext;
    }
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"PK\x03\x04") {
        Some(if contains(b"word/") {
            "Word 文件"
        } else if contains(b"xl/") {
            "Excel 表格文件"
        } else if contains(b"ppt/") {
            "PowerPoint 演示文稿文件"
        } else {
            "Word 等 Office 文件（或压缩包）"
        })
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("Word 或 WPS 等 Office 文件")
    } else if head.starts_with(b"%PDF-") {
        Some("PDF 文件")
    } else if head.starts_with(b"{\\rtf") {
        Some("Word 文件（RTF 格式）")
    } else {
        None
    }
}

/// A Word (WPS, Excel, PDF …) file named where a text material is expected:
/// say what it is and how to go on, pointing at its first bytes.
fn office_file(path: &Path, sources: &mut Sources) -> Option<Diagnostic> {
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        use std::io::Read;
        let _ = f.take(4096).read_to_end(&mut head);
    }
    let kind = office_kind(path, &head)?;
    // The first bytes as text the writer can recognise (`PK`, `%PDF-`).
    let shown: String = head
        .iter()
        .take(8)
        .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
        .collect();
    let file = sources.add(path, shown.clone());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(
        Diagnostic::error(
            Code::Encoding,
            format!(
                "“{name}”是 {kind}，shenbao 读的是文本材料（material.yaml 或 material.md），不能直接读它"
            ),
        )
        .at(Span {
            file,
            range: 0..shown.len(),
        })
        .help(
            "先运行 `shenbao init --markdown 我的材料` 新建一份材料，再打开 我的材料/material.md，\
             把 Word 里的文字按四个部分复制粘贴到对应的 # 标题下面（封面信息填在开头两行 --- 之间），\
             然后运行 `shenbao build 我的材料/material.md`",
        ),
    )
}

/// Text of a file as saved on Windows; on failure, the diagnostic and the
/// byte offset of the first bad byte.
fn decode(
    bytes: &[u8],
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<String, (Diagnostic, usize)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((
            Diagnostic::error(Code::Encoding, "文件是 UTF-16 编码，无法读取")
                .in_file(path)
                .help("请在记事本中“另存为”，编码选择“UTF-8”"),
            0,
        ));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err((
            Diagnostic::error(Code::Encoding, "文件含有空字节（NUL），不是文本文件")
                .in_file(path)
                .help("请确认选择的是材料的文本文件，并另存为 UTF-8 编码"),
            nul,
        ));
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(utf8) => {
            let decoded =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes);
            match decoded {
                Some(s) => {
                    diags.push(
                        Diagnostic::warning(
                            Code::Encoding,
                            "文件不是 UTF-8 编码，已按 GBK/GB18030 读取",
                        )
                        .in_file(path)
                        .help("建议在记事本中“另存为”，编码选择“UTF-8”"),
                    );
                    s.into_owned()
                }
                None => {
                    return Err((
                        Diagnostic::error(
                            Code::Encoding,
                            "文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取（从这里开始的字节无法识别）",
                        )
                        .in_file(path)
                        .help("请在记事本中“另存为”，编码选择“UTF-8”"),
                        bom + utf8.valid_up_to(),
                    ));
                }
            }
        }
    };
    Ok(normalize_newlines(text))
}

fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

pub fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    match e.kind() {
        std::io::ErrorKind::NotFound => Diagnostic::error(Code::FileMissing, "找不到这个文件")
            .in_file(path)
            .help("请检查文件名和路径是否正确（路径相对于引用它的文件）"),
        std::io::ErrorKind::PermissionDenied => {
            Diagnostic::error(Code::FileMissing, "没有权限读取这个文件").in_file(path)
        }
        _ => Diagnostic::error(Code::FileMissing, format!("无法读取文件：{e}")).in_file(path),
    }
}

/// The material file of a folder: `material.yaml`, `material.yml` or
/// `material.md` (a writer may name the folder instead of the file).
fn material_in(path: &Path) -> std::path::PathBuf {
    if path.is_dir() {
        for name in ["material.yaml", "material.yml", "material.md"] {
            if path.join(name).is_file() {
                return path.join(name);
            }
        }
    }
    path.to_path_buf()
}

/// Loads `material.yaml` or `material.md` and the part files it names.
pub fn load(path: &Path, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let path = &material_in(path);
    let text = match read_text(path, sources, diags) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let root_dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let root = match Confined::new(root_dir) {
        Ok(r) => r,
        Err(e) => {
            diags.push(io_error(root_dir, &e));
            return None;
        }
    };
    let is_markdown = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    );
    let file = sources.add(path, text);
    let base_dir = root.path().to_path_buf();

    let mut body_start = 0;
    let (material, md_parts) = if is_markdown {
        let (yaml_range, body) = match split_front_matter(sources.text(file)) {
            Some(x) => x,
            None => {
                diags.push(
                    Diagnostic::error(Code::MarkdownStructure, "Markdown 材料缺少开头的 YAML 信息区")
                        .at(Span { file, range: 0..0 })
                        .help("文件第一行写 ---，接着写企业信息（与 material.yaml 相同的键），再写一行 --- 结束，然后用 # 摘要 等一级标题写四个部分"),
                );
                return None;
            }
        };
        let yaml = &sources.text(file)[yaml_range.clone()];
        let material = parse_yaml(yaml, file, yaml_range.start, sources, diags)?;
        body_start = body;
        let parts = split_markdown_parts(sources, file, body_start, diags);
        (material, Some(parts))
    } else {
        let material = parse_yaml(sources.text(file), file, 0, sources, diags)?;
        (material, None)
    };

    let mut parts = Vec::new();
    for kind in PartKind::ALL {
        let declared = match kind {
            PartKind::Abstract => material.abstract_.as_ref(),
            PartKind::Overview => material.overview.as_ref(),
            PartKind::Implementation => material.implementation.as_ref(),
            PartKind::Effects => material.effects.as_ref(),
        };
        let from_md = md_parts
            .as_ref()
            .and_then(|ps| ps.iter().find(|(k, _, _)| *k == kind));
        match (declared, from_md) {
            (Some(d), Some((_, range, _))) => {
                diags.push(
                    Diagnostic::error(
                        Code::MarkdownStructure,
                        format!(
                            "“{}”写了两次：信息区里有 {}，正文里也有这个一级标题",
                            kind.title(),
                            kind.key()
                        ),
                    )
                    .at(Span {
                        file,
                        range: range.clone(),
                    })
                    .at_opt(Some(yaml_span(sources, file, &d.referenced)))
                    .help("只保留一处"),
                );
            }
            (Some(d), None) => {
                if let Some(p) = resolve_part(kind, d, file, &root, &base_dir, sources, diags) {
                    parts.push(p);
                }
            }
            (None, Some((_, _, body))) => {
                let text = sources.text(file)[body.clone()].to_string();
                parts.push(PartText {
                    kind,
                    text,
                    origin: Origin {
                        file,
                        kind: OriginKind::Slice { start: body.start },
                    },
                    base_dir: base_dir.clone(),
                });
            }
            (None, None) => {
                // `## 企业概况`: the writer meant the part's heading.
                let sub = if is_markdown {
                    part_subheading(sources.text(file), body_start, kind)
                } else {
                    None
                };
                if let Some((level, range)) = sub {
                    let hashes = "#".repeat(level);
                    diags.push(
                        Diagnostic::error(
                            Code::MarkdownStructure,
                            format!(
                                "“{}”的标题用了 `{hashes}`，四个部分的标题要用一个 `#`",
                                kind.title()
                            ),
                        )
                        .at(Span { file, range })
                        .help(format!(
                            "把这一行改成 `# {}`；`##` 是部分里面的小标题，四个部分（摘要、企业概况、推进实施与运行、实施效果）的标题只用一个 #",
                            kind.title()
                        )),
                    );
                    continue;
                }
                let help = if is_markdown {
                    format!("请添加一级标题 `# {}`，并在其下写这一部分", kind.title())
                } else {
                    format!(
                        "请添加键 `{}:`（{}），内容可直接写 Markdown，或写 {{file: 文件名.md}}",
                        kind.key(),
                        kind.title()
                    )
                };
                diags.push(
                    Diagnostic::error(Code::MissingKey, format!("缺少“{}”部分", kind.title()))
                        .at(Span { file, range: 0..0 })
                        .help(help),
                );
            }
        }
    }
    if parts.len() != 4 {
        return None;
    }
    Some(Loaded {
        material,
        file,
        root,
        parts,
    })
}

fn resolve_part(
    kind: PartKind,
    declared: &Spanned<PartSource>,
    file: FileIdx,
    root: &Confined,
    base_dir: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<PartText> {
    let span = yaml_span(sources, file, &declared.referenced);
    match &declared.value {
        PartSource::Inline(text) => {
            let origin = scalar_origin(sources, file, span.range.start, text);
            let first = sources.text(file)[span.range.start..].chars().next();
            if matches!(origin.kind, OriginKind::Point { .. }) && !matches!(first, Some('"' | '\''))
            {
                // A plain multi-line scalar: YAML folds its lines and drops
                // blank lines and `#` lines, so paragraphs and headings are lost.
                diags.push(
                    Diagnostic::warning(
                        Code::YamlSyntax,
                        format!(
                            "“{}”多行正文没有用 `|` 开头，空行和以 # 开头的行会丢失",
                            kind.title()
                        ),
                    )
                    .at(span.clone())
                    .help(format!(
                        "写成 `{}: |`，下一行起缩进两个空格写正文",
                        kind.key()
                    )),
                );
            }
            Some(PartText {
                kind,
                text: text.clone(),
                origin,
                base_dir: base_dir.to_path_buf(),
            })
        }
        PartSource::File(rel) => {
            let path = match root.resolve(base_dir, rel) {
                Ok(p) => p,
                Err(d) => {
                    diags.push(d.at(span));
                    return None;
                }
            };
            let text = match read_text(&path, sources, diags) {
                Ok(t) => t,
                Err(d) => {
                    // Point into the part file when the problem is inside it,
                    // else at the `{file:}` that names it.
                    let d = if d.span.is_some() { d } else { d.at(span) };
                    diags.push(d);
                    return None;
                }
            };
            let part_file = sources.add(&path, text);
            let text = sources.text(part_file).to_string();
            Some(PartText {
                kind,
                text,
                origin: Origin {
                    file: part_file,
                    kind: OriginKind::Slice { start: 0 },
                },
                base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            })
        }
    }
}

/// Works out how a YAML scalar that starts at `at` lays its text out in the file.
fn scalar_origin(sources: &Sources, file: FileIdx, at: usize, value: &str) -> Origin {
    let src = sources.text(file);
    let at = at.min(src.len());
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    // A block scalar (`|`, `>`): its location is the first content line (or,
    // with some parsers, the indicator). Content line k of the value is line
    // k of the file after it, indented alike.
    let indicator_before = src[..line_start]
        .trim_end_matches('\n')
        .lines()
        .next_back()
        .map(str::trim_end)
        .is_some_and(|l| {
            l.trim_end_matches(['-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
                .ends_with(['|', '>'])
        });
    if src[line_start..at].trim().is_empty() && indicator_before {
        // Blank lines at the top of the block are in the value, but the
        // location is its first line of text: line 0 of the value is above.
        let blank = value.len() - value.trim_start_matches('\n').len();
        let mut start = line_start;
        for _ in 0..blank {
            start = src[..start.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
        }
        return Origin {
            file,
            kind: OriginKind::Block {
                start,
                indent: at - line_start,
            },
        };
    }
    let rest = &src[at..];
    if (rest.starts_with('|') || rest.starts_with('>'))
        && let Some(nl) = rest.find('\n')
    {
        let start = at + nl + 1;
        let indent = src[start..]
            .split('\n')
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .unwrap_or(0);
        return Origin {
            file,
            kind: OriginKind::Block { start, indent },
        };
    }
    // A plain one-line scalar maps one to one; quoted or multi-line ones to their start.
    if !value.contains('\n') && rest.starts_with(value) {
        return Origin {
            file,
            kind: OriginKind::Slice { start: at },
        };
    }
    Origin {
        file,
        kind: OriginKind::Point { at },
    }
}

/// Converts a serde-saphyr location to a span in the file. Front matter is
/// parsed padded with blank lines (see `parse_yaml`), so locations are
/// already the file's own lines.
pub fn yaml_span(sources: &Sources, file: FileIdx, loc: &Location) -> Span {
    let line = loc.line() as usize;
    if line == 0 {
        return Span { file, range: 0..0 };
    }
    let start = sources.offset(file, line, loc.column().max(1) as usize);
    let text = sources.text(file);
    // Underline to the end of the token on that line: a quoted scalar to its
    // closing quote, a plain one in a flow collection to the next , ] or }.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let in_flow = text[line_start..start].contains(['{', '[']);
    let rest = &text[start..];
    let end = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        _ => {
            let stops: &[char] = if in_flow {
                &['\n', '#', ',', ']', '}']
            } else {
                &['\n', '#']
            };
            rest.find(stops).unwrap_or(rest.len())
        }
    };
    let end = start + rest[..end].trim_end().len();
    Span {
        file,
        range: start..end.max(start),
    }
}

fn yaml_options() -> Options {
    let mut options = Options::default();
    options.with_snippet = false;
    if let Some(budget) = options.budget.as_mut() {
        budget.max_events = 200_000;
        budget.max_nodes = 100_000;
        budget.max_aliases = 1_000;
        budget.max_depth = 32;
        budget.max_total_scalar_bytes = 8 * 1024 * 1024;
    }
    options.alias_limits.max_total_replayed_events = 100_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options
}

fn parse_yaml(
    yaml: &str,
    file: FileIdx,
    byte_offset: usize,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Material> {
    // Front matter: pad with empty lines so that locations are the Markdown
    // file's own lines.
    let line_offset = sources.text(file)[..byte_offset].matches('\n').count();
    let padded;
    let yaml = if line_offset > 0 {
        padded = format!("{}{yaml}", "\n".repeat(line_offset));
        padded.as_str()
    } else {
        yaml
    };
    match parse_typed(yaml, file, sources) {
        Ok(m) => Some(m),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Deserializes YAML text of `file` into `T` with the safety budget, turning
/// errors into diagnostics.
pub fn parse_typed<T: serde::de::DeserializeOwned>(
    yaml: &str,
    file: FileIdx,
    sources: &Sources,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options::<T>(yaml, yaml_options())
        .map_err(|e| yaml_error(&e, yaml, file, sources))
}

/// Turns a YAML error into a Chinese diagnostic with a pointed hint. `yaml`
/// is the text parsed: its lines are the file's lines (front matter is
/// padded), so a cause found in it is pointed at in the file.
fn yaml_error(e: &YamlError, yaml: &str, file: FileIdx, sources: &Sources) -> Diagnostic {
    let inner = match e {
        YamlError::WithSnippet { error, .. } => error,
        other => other,
    };
    let span = e
        .location()
        .map(|loc| yaml_span(sources, file, &loc))
        .unwrap_or(Span { file, range: 0..0 });
    if !matches!(inner.as_ref_error(), YamlError::Budget { .. }) {
        let err_line = sources.line_col(file, span.range.start).0.saturating_sub(1);
        let hint = hints::tab_indent(yaml)
            .or_else(|| hints::unindented_block_line(yaml, err_line))
            .or_else(|| hints::fullwidth_colon(yaml, err_line))
            .or_else(|| hints::thousands_separator(yaml, err_line));
        if let Some(h) = hint {
            let start = sources.offset(file, h.line + 1, 1);
            return h.diag.at(Span {
                file,
                range: start + h.cols.start..start + h.cols.end,
            });
        }
    }
    let line_text = {
        let text = sources.text(file);
        let start = text[..span.range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        text[start..end].to_string()
    };
    let fullwidth_hint =
        if line_text.contains('：') && !line_text.contains(": ") && !line_text.contains(':') {
            Some("这一行用了中文冒号“：”；YAML 的键后面要用英文冒号加空格“: ”，例如 `name: 张三`")
        } else if line_text.contains('，') && (line_text.contains('{') || line_text.contains('['))
        {
            Some("花括号或方括号里的各项要用英文逗号“,”分隔，不能用中文逗号“，”")
        } else if line_text.starts_with(|c: char| c.is_whitespace() && c != ' ')
            || line_text.contains('\t')
        {
            Some("这一行用了 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格（同一层对齐）")
        } else {
            None
        };
    let d = match inner.as_ref_error() {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let suggestion = crate::text::closest(field, expected.iter().copied());
            let mut d = Diagnostic::error(Code::UnknownKey, format!("不认识的键 `{field}`"));
            d = match suggestion {
                Some(s) => d.help(format!(
                    "是不是要写 `{s}`？这里可用的键：{}",
                    expected.join("、")
                )),
                None => d.help(format!("这里可用的键：{}", expected.join("、"))),
            };
            d
        }
        YamlError::SerdeMissingField { field, .. } => {
            // The parser reports where the mapping ended (its last key); the
            // writer needs the mapping's own key (`benchmark:`) instead.
            const TOP_LEVEL: [&str; 4] = ["company", "contact", "benchmark", "date"];
            let (parent, at) = if TOP_LEVEL.contains(field) {
                (None, 0)
            } else {
                parent_key(sources.text(file), span.range.start)
            };
            let flow = sources.text(file)[at..]
                .lines()
                .next()
                .is_some_and(|l| l.contains('{'));
            let message = match &parent {
                Some(p) => format!("`{p}` 下缺少必填的键 `{field}`"),
                None => format!("缺少必填的键 `{field}`"),
            };
            let help = match &parent {
                Some(p) if flow => {
                    format!("在 `{p}: {{…}}` 的花括号里添加 `{field}: …`，各项用英文逗号分隔")
                }
                Some(p) => {
                    format!("在 `{p}:` 下面缩进两格添加 `{field}: …`（键名用英文，值用中文）")
                }
                None => format!("在文件里（顶格）添加 `{field}: …`（键名用英文，值用中文）"),
            };
            let len = parent.as_ref().map_or(0, String::len);
            return Diagnostic::error(Code::MissingKey, message)
                .help(help)
                .at(Span {
                    file,
                    range: at..at + len,
                });
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            Code::WrongType,
            format!(
                "值的类型不对：这里需要{}，写的是{}",
                expected_zh(expected),
                unexpected_zh(unexpected)
            ),
        )
        .help("数字直接写阿拉伯数字（如 850），不要写汉字或单位；文字可以加引号"),
        YamlError::InvalidScalar { ty, .. } => {
            let value = sources.text(file)[span.range.clone()].to_string();
            Diagnostic::error(
                Code::WrongType,
                format!("值的类型不对：这里需要{}，写的是 {value}", expected_zh(ty)),
            )
            .help("数字直接写阿拉伯数字（如 850），不要写汉字、单位或引号")
        }
        YamlError::Budget { .. } => Diagnostic::error(
            Code::TooComplex,
            "YAML 结构过于复杂（别名展开、嵌套或节点数超出安全上限）",
        )
        .help("申报材料不需要 YAML 锚点和别名（& 和 *）；请直接写出内容"),
        YamlError::DuplicateMappingKey { .. } => {
            Diagnostic::error(Code::YamlSyntax, "同一个键写了两次").help("删掉重复的那一个")
        }
        YamlError::Eof { .. } => Diagnostic::error(
            Code::YamlSyntax,
            "文件意外结束（可能缺少引号或括号的另一半）",
        )
        .help("检查引号、花括号、方括号是否成对"),
        _ => {
            let msg = e.to_string();
            if std::env::var_os("SHENBAO_DEBUG").is_some() {
                eprintln!("yaml error: {inner:?}");
            }
            let low = msg.to_ascii_lowercase();
            if low.contains("alias")
                || low.contains("budget")
                || low.contains("recursion")
                || low.contains("depth")
            {
                Diagnostic::error(
                    Code::TooComplex,
                    "YAML 结构过于复杂（别名展开或嵌套超出安全上限）",
                )
                .help("申报材料不需要 YAML 锚点和别名（& 和 *）；请直接写出内容")
            } else if low.contains("flow mapping") || low.contains("flow sequence") {
                Diagnostic::error(
                    Code::YamlSyntax,
                    "YAML 格式错误：花括号 { } 或方括号 [ ] 没有成对",
                )
                .help(
                    fullwidth_hint
                        .unwrap_or(
                            "检查这里之前的 { … } 或 [ … ] 是否闭合，各项之间用英文逗号“,”分隔",
                        )
                        .to_string(),
                )
            } else {
                Diagnostic::error(Code::YamlSyntax, "YAML 格式错误")
                    .help(fullwidth_hint.unwrap_or("检查这一行：键后面是“英文冒号+空格”，缩进用空格且同一层对齐，多行文字用 `|` 开头").to_string())
            }
        }
    };
    let d = match (d.code, fullwidth_hint) {
        (Code::YamlSyntax | Code::UnknownKey | Code::WrongType, Some(h)) => d.help(h),
        _ => d,
    };
    d.at(span)
}

/// The key of the block mapping that contains the line at `offset`: the
/// nearest line above with less indentation. `None` (and offset 0) at the
/// top level. Flow mappings (`{…}` on one line) are their own line's key.
fn parent_key(text: &str, offset: usize) -> (Option<String>, usize) {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let key_of = |l: &str| {
        let t = l.trim_start().trim_start_matches("- ");
        t.split_once(':')
            .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string())
            .filter(|k| !k.is_empty())
    };
    if line.contains('{') {
        let at = line_start + indent(line);
        return (key_of(line), at);
    }
    let own = indent(line);
    if own == 0 {
        return (None, 0);
    }
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let l = &text[start..end - 1];
        if !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) < own {
            return (key_of(l), start + indent(l));
        }
        end = start;
    }
    (None, 0)
}

trait AsRefError {
    fn as_ref_error(&self) -> &YamlError;
}

impl AsRefError for YamlError {
    fn as_ref_error(&self) -> &YamlError {
        match self {
            YamlError::WithSnippet { error, .. } => error.as_ref_error(),
            other => other,
        }
    }
}

fn expected_zh(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    if e.contains("u32") || e.contains("u16") || e.contains("integer") {
        "整数".into()
    } else if e.contains("f64") || e.contains("float") {
        "数字".into()
    } else if e.contains("string") || e.contains("str") {
        "文字".into()
    } else if e.contains("struct") || e.contains("map") {
        "一组键值（下一行缩进写各项）".into()
    } else if e.contains("phone") {
        "手机号".into()
    } else if e.contains("markdown") {
        "Markdown 文字或 {file: 文件名.md}".into()
    } else {
        expected.into()
    }
}

fn unexpected_zh(unexpected: &str) -> String {
    let u = unexpected.to_ascii_lowercase();
    if u.starts_with("string") {
        format!("文字 {}", unexpected.trim_start_matches("string").trim())
    } else if u.starts_with("integer") || u.starts_with("floating") {
        format!(
            "数字 {}",
            unexpected.split_whitespace().last().unwrap_or("")
        )
    } else if u.contains("map") {
        "一组键值".into()
    } else if u.contains("seq") {
        "列表".into()
    } else if u.contains("unit") || u.contains("null") {
        "空值".into()
    } else {
        unexpected.into()
    }
}

/// Splits `---\n…\n---` front matter off a Markdown file: the YAML's byte
/// range and where the body starts.
fn split_front_matter(text: &str) -> Option<(Range<usize>, usize)> {
    let first = text.lines().next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let yaml_start = text.find('\n')? + 1;
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((yaml_start..pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

/// A heading below level 1 (`## 企业概况`) that names `kind`: the writer
/// meant a part heading. Its level and the heading's range in the file.
fn part_subheading(text: &str, body_start: usize, kind: PartKind) -> Option<(usize, Range<usize>)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let body = &text[body_start..];
    let norm = |s: &str| -> String {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                c => c,
            })
            .collect();
        t
    };
    let title = norm(kind.title());
    let mut current: Option<(usize, Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level as usize > 1 => {
                current = Some((level as usize, range, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, range, s)) = current.take()
                    && norm(&s).contains(&title)
                {
                    let line = body[range.clone()].trim_end();
                    return Some((
                        level,
                        body_start + range.start..body_start + range.start + line.len(),
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits the Markdown body into parts at level-1 headings: (kind, heading
/// range, body range).
fn split_markdown_parts(
    sources: &Sources,
    file: FileIdx,
    body_start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(PartKind, Range<usize>, Range<usize>)> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let text = sources.text(file);
    let body = &text[body_start..];
    let mut headings: Vec<(Range<usize>, String)> = Vec::new();
    let mut current: Option<(Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                current = Some((range, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                if let Some(h) = current.take() {
                    headings.push(h);
                }
            }
            _ => {}
        }
    }
    let mut out: Vec<(PartKind, Range<usize>, Range<usize>)> = Vec::new();
    let abs = |r: &Range<usize>| (r.start + body_start)..(r.end + body_start);
    if let Some((first, _)) = headings.first()
        && !body[..first.start].trim().is_empty()
    {
        {
            let lead = body[..first.start].len() - body[..first.start].trim_start().len();
            diags.push(
                Diagnostic::error(
                    Code::MarkdownStructure,
                    "信息区之后、第一个一级标题之前有正文",
                )
                .at(Span {
                    file,
                    range: (body_start + lead)..(body_start + first.start),
                })
                .help("正文要写在 `# 摘要` 等一级标题之下"),
            );
        }
    }
    for (i, (range, title)) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(body.len(), |(r, _)| r.start);
        let Some(kind) = PartKind::from_heading(title) else {
            diags.push(
                Diagnostic::error(Code::MarkdownStructure, format!("一级标题“{}”不是四个部分之一", title.trim()))
                    .at(Span { file, range: abs(range) })
                    .help("一级标题只能是 `# 摘要`、`# 企业概况`、`# 管理方法（技术）的推进实施与运行`、`# 管理方法（技术）的实施效果`；小标题请用 ##"),
            );
            continue;
        };
        if out.iter().any(|(k, _, _)| *k == kind) {
            diags.push(
                Diagnostic::error(
                    Code::MarkdownStructure,
                    format!("“{}”部分写了两次", kind.title()),
                )
                .at(Span {
                    file,
                    range: abs(range),
                })
                .help("每个部分只写一次"),
            );
            continue;
        }
        // Body starts after the heading line.
        let heading_end = range.end.min(end);
        out.push((
            kind,
            abs(range),
            (heading_end + body_start)..(end + body_start),
        ));
    }
    out
}
