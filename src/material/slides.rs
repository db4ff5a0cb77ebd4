//! The 答辩 deck's source: what `slides.md` holds, one [`SlideSrc`] per
//! slide. The writer types it; the deck renderer (`outputs::slides`) lays
//! it out. The automatic deck (`outputs/slides/auto.rs`) makes one from the material;
//! `slides --init` writes it out ([`write`]) and from then on the writer's
//! file is read back ([`parse`]) as the deck's source (SPEC §11 D4).
//!
//! The syntax, documented for writers in docs/slides.md:
//! - slides are separated by a line `---`;
//! - a slide's first heading is its title: `## 标题` a content slide;
//!   `# 标题` a section divider; a class after it picks another kind:
//!   `# 标题 {.title}` (封面页), `## 目录 {.contents}`, `# 谢谢 {.closing}`;
//! - `- ` lines are bullets (indented by two or more spaces: sub-bullets);
//!   other lines are paragraphs;
//! - `![图题](img/a.png)` is a picture with its caption;
//! - `表：表题` followed by `| … |` rows is a table; `表：表题 {.chart}`
//!   draws it as a bar chart (one panel per row, its year columns as bars);
//! - the speaker's script sits between `::: 讲稿` and `:::`.
//!
//! Nothing is HTML: `<!-- -->` prints as typed.

use serde::Serialize;

use crate::diag::{Code, Diagnostic, FileIdx, Span};

/// What a slide is (its layout in the deck).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Title,
    Contents,
    Section,
    Content,
    Closing,
}

/// A line of a slide's text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Para {
    pub text: String,
    /// 0 = plain paragraph, 1 = bullet, 2 = sub-bullet.
    pub level: u8,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub slides: Vec<SlideSrc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlideSrc {
    pub kind: Kind,
    pub title: String,
    pub paras: Vec<Para>,
    pub pictures: Vec<PictureSrc>,
    pub tables: Vec<TableSrc>,
    pub notes: String,
    /// Where the slide starts in `slides.md` (None for the automatic deck).
    pub span: Option<Span>,
}

impl SlideSrc {
    pub fn new(kind: Kind, title: impl Into<String>) -> Self {
        Self {
            kind,
            title: title.into(),
            paras: Vec::new(),
            pictures: Vec::new(),
            tables: Vec::new(),
            notes: String::new(),
            span: None,
        }
    }

    pub fn bullet(mut self, text: impl Into<String>) -> Self {
        self.paras.push(Para {
            text: text.into(),
            level: 1,
        });
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PictureSrc {
    /// As typed, relative to the folder of `slides.md` (the material's).
    pub dest: String,
    pub caption: String,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableSrc {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Drawn as a chart rather than a table.
    pub chart: bool,
}

/// The file name of the writer's deck, beside the material.
pub const FILE: &str = "slides.md";

const NOTES_OPEN: [&str; 2] = ["::: 讲稿", "::: notes"];
const CLASSES: [(&str, Kind); 5] = [
    (".title", Kind::Title),
    (".contents", Kind::Contents),
    (".section", Kind::Section),
    (".content", Kind::Content),
    (".closing", Kind::Closing),
];

fn class_of(kind: Kind) -> &'static str {
    CLASSES
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("", |(c, _)| c)
}

/// Writes an outline as `slides.md`.
pub fn write(outline: &Outline, header: &str) -> String {
    let mut out = String::from(header);
    for (i, s) in outline.slides.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        let marks = match s.kind {
            Kind::Content | Kind::Contents => "##",
            _ => "#",
        };
        let class = match s.kind {
            Kind::Content | Kind::Section => String::new(),
            k => format!(" {{{}}}", class_of(k)),
        };
        out.push_str(&format!("{marks} {}{class}\n\n", one_line(&s.title)));
        for p in &s.paras {
            match p.level {
                0 => out.push_str(&format!("{}\n\n", one_line(&p.text))),
                1 => out.push_str(&format!("- {}\n", one_line(&p.text))),
                _ => out.push_str(&format!("  - {}\n", one_line(&p.text))),
            }
        }
        if s.paras.last().is_some_and(|p| p.level > 0) {
            out.push('\n');
        }
        for pic in &s.pictures {
            out.push_str(&format!("![{}]({})\n\n", one_line(&pic.caption), pic.dest));
        }
        for t in &s.tables {
            let chart = if t.chart { " {.chart}" } else { "" };
            out.push_str(&format!("表：{}{chart}\n\n", one_line(&t.caption)));
            out.push_str(&row(&t.header));
            out.push_str(&row(&vec!["---".to_string(); t.header.len()]));
            for r in &t.rows {
                out.push_str(&row(r));
            }
            out.push('\n');
        }
        if !s.notes.trim().is_empty() {
            out.push_str(NOTES_OPEN[0]);
            out.push('\n');
            out.push_str(s.notes.trim());
            out.push_str("\n:::\n");
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn row(cells: &[String]) -> String {
    let cells: Vec<String> = cells
        .iter()
        .map(|c| one_line(c).replace('|', "\\|"))
        .collect();
    format!("| {} |\n", cells.join(" | "))
}

/// Reads `slides.md` (its text is `sources`' file `file`).
pub fn parse(text: &str, file: FileIdx, diags: &mut Vec<Diagnostic>) -> Outline {
    let mut slides = Vec::new();
    let mut chunk: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    let mut in_notes = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let t = bare.trim();
        if NOTES_OPEN.contains(&t) {
            in_notes = true;
        } else if in_notes && t == ":::" {
            in_notes = false;
        }
        if !in_notes && t == "---" {
            if let Some(s) = slide(&chunk, file, diags) {
                slides.push(s);
            }
            chunk.clear();
        } else {
            chunk.push((offset, bare));
        }
        offset += line.len();
    }
    if let Some(s) = slide(&chunk, file, diags) {
        slides.push(s);
    }
    if slides.is_empty() {
        diags.push(
            Diagnostic::error(Code::SlidesSyntax, "slides.md 里没有幻灯片")
                .at(Span { file, range: 0..0 })
                .help("每页幻灯片以“## 标题”开头，页与页之间用单独一行 --- 隔开；删除此文件可重新得到自动生成的演示稿"),
        );
    }
    Outline { slides }
}

/// One slide's lines (offset of each line in the file, its text).
fn slide(lines: &[(usize, &str)], file: FileIdx, diags: &mut Vec<Diagnostic>) -> Option<SlideSrc> {
    let span = |off: usize, line: &str| Span {
        file,
        range: off..off + line.len(),
    };
    let first = lines.iter().find(|(_, l)| !l.trim().is_empty())?;
    let mut s = SlideSrc::new(Kind::Content, "");
    s.span = Some(span(first.0, first.1));
    let mut notes: Option<Vec<&str>> = None;
    let mut table: Option<TableSrc> = None;
    let mut titled = false;
    let flush = |table: &mut Option<TableSrc>, s: &mut SlideSrc| {
        if let Some(t) = table.take() {
            s.tables.push(t);
        }
    };
    for &(off, line) in lines {
        let t = line.trim();
        if let Some(n) = notes.as_mut() {
            if t == ":::" {
                s.notes = n.join("\n").trim().to_string();
                notes = None;
            } else {
                n.push(line);
            }
            continue;
        }
        if NOTES_OPEN.contains(&t) {
            flush(&mut table, &mut s);
            notes = Some(Vec::new());
            continue;
        }
        if t.is_empty() {
            continue;
        }
        if t.starts_with('|') {
            let cells = cells(t);
            if cells.iter().all(|c| is_rule_cell(c)) {
                continue;
            }
            let tb = table.get_or_insert_with(|| TableSrc {
                caption: String::new(),
                header: Vec::new(),
                rows: Vec::new(),
                chart: false,
            });
            if tb.header.is_empty() {
                tb.header = cells;
            } else {
                tb.rows.push(cells);
            }
            continue;
        }
        flush(&mut table, &mut s);
        if let Some(rest) = t.strip_prefix("表：").or_else(|| t.strip_prefix("表:")) {
            let (caption, class) = split_class(rest);
            if class.is_some_and(|c| c != ".chart" && c != ".table") {
                diags.push(unknown_class(
                    class.unwrap_or(""),
                    span(off, line),
                    &[".chart", ".table"],
                ));
            }
            table = Some(TableSrc {
                caption: caption.to_string(),
                header: Vec::new(),
                rows: Vec::new(),
                chart: class == Some(".chart"),
            });
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            let (title, class) = split_class(t[hashes..].trim());
            if titled {
                // A second heading is a paragraph of this slide, as typed.
                s.paras.push(Para {
                    text: title.to_string(),
                    level: 0,
                });
                continue;
            }
            titled = true;
            s.title = title.to_string();
            s.kind = match class {
                Some(c) => match CLASSES.iter().find(|(name, _)| *name == c) {
                    Some((_, k)) => *k,
                    None => {
                        let names: Vec<&str> = CLASSES.iter().map(|(n, _)| *n).collect();
                        diags.push(unknown_class(c, span(off, line), &names));
                        Kind::Content
                    }
                },
                None if hashes == 1 => Kind::Section,
                None => Kind::Content,
            };
            continue;
        }
        if let Some((caption, dest)) = picture(t) {
            s.pictures.push(PictureSrc {
                dest: dest.to_string(),
                caption: caption.to_string(),
                span: Some(span(off, line)),
            });
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            s.paras.push(Para {
                text: rest.trim().to_string(),
                level: if indent >= 2 { 2 } else { 1 },
            });
        } else {
            s.paras.push(Para {
                text: t.to_string(),
                level: 0,
            });
        }
    }
    flush(&mut table, &mut s);
    if notes.is_some() {
        diags.push(
            Diagnostic::warning(Code::SlidesSyntax, "讲稿没有用单独一行 ::: 结束")
                .at(s.span.clone().expect("set above"))
                .help("在讲稿最后加一行 :::，否则讲稿一直延续到本页结尾"),
        );
        s.notes = notes.unwrap_or_default().join("\n").trim().to_string();
    }
    if !titled {
        diags.push(
            Diagnostic::warning(Code::SlidesSyntax, "这页幻灯片没有标题")
                .at(s.span.clone().expect("set above"))
                .help("在本页第一行写“## 标题”"),
        );
    }
    Some(s)
}

fn unknown_class(class: &str, at: Span, known: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::SlidesSyntax, format!("不认识的版式“{{{class}}}”"))
        .at(at)
        .help(format!("可用的有：{}", known.join(" ")))
}

/// `标题 {.chart}` → (`标题`, Some(".chart")).
fn split_class(s: &str) -> (&str, Option<&str>) {
    let s = s.trim();
    if let Some(open) = s.rfind(" {.")
        && s.ends_with('}')
    {
        let class = &s[open + 2..s.len() - 1];
        if !class.contains(char::is_whitespace) {
            return (s[..open].trim(), Some(class));
        }
    }
    (s, None)
}

/// `![图题](path)` alone on its line.
fn picture(t: &str) -> Option<(&str, &str)> {
    let rest = t.strip_prefix("![")?;
    let close = rest.rfind("](")?;
    let dest = rest[close + 2..].strip_suffix(')')?;
    Some((rest[..close].trim(), dest.trim()))
}

fn cells(t: &str) -> Vec<String> {
    let inner = t.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn is_rule_cell(c: &str) -> bool {
    let c = c.trim();
    !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Outline {
        let mut title = SlideSrc::new(Kind::Title, "洛阳示例公司“全链条零缺陷”经验");
        title.paras.push(Para {
            text: "洛阳示例精密轴承股份有限公司".into(),
            level: 0,
        });
        let mut content = SlideSrc::new(Kind::Content, "组织保障")
            .bullet("构建三级推进组织 | 竖线")
            .bullet("#read(\"/etc/passwd\") <!-- 照印 -->");
        content.paras.push(Para {
            text: "子要点".into(),
            level: 2,
        });
        content.pictures.push(PictureSrc {
            dest: "img/a.png".into(),
            caption: "PDCA 模型".into(),
            span: None,
        });
        content.tables.push(TableSrc {
            caption: "主要指标".into(),
            header: vec!["指标".into(), "2021年".into(), "2022年".into()],
            rows: vec![vec!["合格率（%）".into(), "98.7".into(), "99.35".into()]],
            chart: true,
        });
        content.notes = "各位评委：\n第二段。".into();
        Outline {
            slides: vec![title, content, SlideSrc::new(Kind::Closing, "谢谢！")],
        }
    }

    fn strip_spans(mut o: Outline) -> Outline {
        for s in &mut o.slides {
            s.span = None;
            for p in &mut s.pictures {
                p.span = None;
            }
        }
        o
    }

    #[test]
    fn written_outline_reads_back_the_same() {
        let o = sample();
        let text = write(&o, "");
        let mut diags = Vec::new();
        let back = strip_spans(parse(&text, 0, &mut diags));
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        assert_eq!(back, o, "{text}");
    }

    #[test]
    fn unknown_class_is_an_error_at_its_line() {
        let text = "## 一\n\n- a\n\n---\n\n## 二 {.fancy}\n";
        let mut diags = Vec::new();
        let o = parse(text, 0, &mut diags);
        assert_eq!(o.slides.len(), 2);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::SlidesSyntax);
        let at = diags[0].span.clone().unwrap().range.start;
        assert!(text[at..].starts_with("## 二 {.fancy}"));
    }

    #[test]
    fn a_rule_inside_notes_does_not_split_the_slide() {
        let text = "## 一\n\n::: 讲稿\n甲\n---\n乙\n:::\n";
        let o = parse(text, 0, &mut Vec::new());
        assert_eq!(o.slides.len(), 1);
        assert_eq!(o.slides[0].notes, "甲\n---\n乙");
    }
}
