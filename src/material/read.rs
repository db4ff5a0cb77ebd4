//! Reading a material from disk: bytes → text (as Windows writers save it) →
//! typed model → the four parts' Markdown with a map back to the user's files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::model::{Material, PartKind, PartSource};
use crate::diag::{Code, Diagnostic, FileIdx, Sources, Span};
use crate::source::decode::{io_error, read_text};
use crate::source::jail::Confined;
use crate::source::origin::{Origin, OriginKind};
use crate::source::yaml::{parse_typed, yaml_span};

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

/// Splits `---\n…\n---` front matter off a Markdown file: the YAML's byte
/// range and where the body starts.
pub(crate) fn split_front_matter(text: &str) -> Option<(Range<usize>, usize)> {
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
    for (event, range) in Parser::new_ext(body, crate::source::cmark::options()).into_offset_iter()
    {
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
pub(crate) fn split_markdown_parts(
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
    for (event, range) in Parser::new_ext(body, crate::source::cmark::options()).into_offset_iter()
    {
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
