//! Whole-text round trip (issue 8, "every character the writer typed reaches
//! the page"): the text of a material, split into units and stripped of its
//! Markdown markup *independently of shenbao's parser*, must appear whole and
//! in source order in the text PyMuPDF reads back from the PDFs.
//!
//! Expected side: the raw part texts (`abstract`, `overview`,
//! `implementation`, `effects` of material.yaml, inline or `{file: …}`; the
//! four `# …` sections of material.md) split line by line into units —
//! paragraphs (lines joined), list items, blockquote paragraphs, headings,
//! table captions and cells, figure captions (alt text), reference lines
//! (`[3]: …`, printed as typed) and footnote definitions (`[^1]: …`, expected
//! in the footnote stream). Only markup is stripped, never the text's own
//! characters; see [`strip_inline`] for the exact rules.
//!
//! Printed side: the spans of 正文.pdf in content order, page by page, without
//! the footer (page numbers), with the footnote area (小五 text below the last
//! body line of a page) split off into its own stream.
//!
//! Both sides are compared without whitespace, and with every invisible
//! character kept: a zero-width space shenbao inserted to let a run break
//! would be copied out of the PDF with the text (SPEC T3, issue 18).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How a unit found in the source is recorded: (units, line, kind, text).
type PushUnit<'a> = dyn FnMut(&mut Vec<Unit>, usize, &'static str, &str) + 'a;

use serde::Deserialize;

use super::{BODY, Built, COVER, FORM, Probe, mm, probe_all};

/// One piece of the writer's text that must reach the page whole.
#[derive(Debug, Clone)]
pub struct Unit {
    pub file: PathBuf,
    /// 1-based line of the unit's first source line.
    pub line: usize,
    pub kind: &'static str,
    /// The source text of the unit (its lines joined), for messages.
    pub source: String,
    /// What must be printed, normalised (no whitespace).
    pub text: String,
    /// A footnote definition: expected in the footnote stream.
    pub footnote: bool,
}

/// Everything a material promises to print.
#[derive(Debug, Default)]
pub struct Expected {
    /// (what, normalised text) that must appear in 封面.pdf.
    pub cover: Vec<(&'static str, String)>,
    /// (what, normalised text) that must appear whole in 申报表.pdf, each
    /// cell read in content order (a wrapped value is one run there).
    pub form: Vec<(&'static str, String)>,
    /// In source order: the title, then the units of the four parts.
    pub units: Vec<Unit>,
    /// Number of `![…](…)` figures: each must print an image.
    pub figures: usize,
}

/// Removes whitespace (including U+3000 and U+00A0), nothing else: an
/// invisible character in the PDF's text is a difference (T3).
pub fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

// ---------------------------------------------------------------------------
// Expected side: reading the material

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPart {
    Inline(String),
    File { file: String },
}

#[derive(Deserialize)]
struct RawCompany {
    name: String,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    quality_head: Option<RawPerson>,
}

#[derive(Deserialize)]
struct RawPerson {
    name: String,
    #[serde(default)]
    title: Option<String>,
}

/// The contact as typed; the phone may be a bare YAML number.
#[derive(Deserialize)]
struct RawContact {
    name: String,
    #[serde(default)]
    title: Option<String>,
    phone: serde_json::Value,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct RawBenchmark {
    title: String,
    #[serde(default)]
    brief: Option<String>,
}

#[derive(Deserialize)]
struct RawMaterial {
    company: RawCompany,
    contact: RawContact,
    benchmark: RawBenchmark,
    date: String,
    #[serde(rename = "abstract", default)]
    abstract_: Option<RawPart>,
    #[serde(default)]
    overview: Option<RawPart>,
    #[serde(default)]
    implementation: Option<RawPart>,
    #[serde(default)]
    effects: Option<RawPart>,
}

const PART_KEYS: [&str; 4] = ["abstract", "overview", "implementation", "effects"];
const PART_HEADINGS: [&str; 4] = [
    "摘要",
    "企业概况",
    "管理方法（技术）的推进实施与运行",
    "管理方法（技术）的实施效果",
];

fn read(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.trim_start_matches('\u{FEFF}').replace("\r\n", "\n")
}

/// `2023-03-20` → `2023年3月20日`, as the cover prints it.
fn cover_date(date: &str) -> String {
    let p: Vec<u32> = date
        .trim()
        .split('-')
        .map(|n| n.parse().unwrap_or_else(|_| panic!("date {date:?}")))
        .collect();
    format!("{}年{}月{}日", p[0], p[1], p[2])
}

/// Reads `material.yaml` or `material.md` and derives what must be printed.
pub fn expected(material: &Path) -> Expected {
    let dir = material.parent().expect("material has a folder");
    let text = read(material);
    let is_md = material.extension().is_some_and(|e| e == "md");
    let (front, body_start) = if is_md {
        let rest = text
            .strip_prefix("---\n")
            .expect("material.md starts with ---");
        let end = rest.find("\n---\n").expect("front matter ends with ---");
        let front = &rest[..end + 1];
        // Lines: `---`, the front matter, `---`.
        (front.to_string(), 1 + front.lines().count() + 1)
    } else {
        (text.clone(), 0)
    };
    let raw: RawMaterial =
        serde_saphyr::from_str(&front).unwrap_or_else(|e| panic!("{}: {e}", material.display()));

    let mut exp = Expected {
        cover: vec![
            ("company.name", normalise(&raw.company.name)),
            ("benchmark.title", normalise(&raw.benchmark.title)),
            ("date", cover_date(&raw.date)),
        ],
        ..Expected::default()
    };
    let c = &raw.company;
    let phone = match &raw.contact.phone {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let form = [
        ("company.name", Some(c.name.clone())),
        ("company.address", c.address.clone()),
        (
            "company.quality_head.name",
            c.quality_head.as_ref().map(|p| p.name.clone()),
        ),
        (
            "company.quality_head.title",
            c.quality_head.as_ref().and_then(|p| p.title.clone()),
        ),
        ("contact.name", Some(raw.contact.name.clone())),
        ("contact.title", raw.contact.title.clone()),
        ("contact.phone", Some(phone)),
        ("contact.email", raw.contact.email.clone()),
        ("benchmark.brief", raw.benchmark.brief.clone()),
    ];
    exp.form = form
        .into_iter()
        .filter_map(|(what, v)| v.map(|v| (what, normalise(&v))))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    exp.units.push(Unit {
        file: material.to_path_buf(),
        line: line_of_key(&text, "benchmark").unwrap_or(1),
        kind: "title",
        source: raw.benchmark.title.clone(),
        text: normalise(&raw.benchmark.title),
        footnote: false,
    });

    if is_md {
        let lines: Vec<&str> = text.lines().collect();
        for heading in PART_HEADINGS {
            let Some(start) =
                (body_start..lines.len()).find(|&i| lines[i].trim_end() == format!("# {heading}"))
            else {
                continue;
            };
            let end = (start + 1..lines.len())
                .find(|&i| lines[i].starts_with("# "))
                .unwrap_or(lines.len());
            let part = lines[start + 1..end].join("\n");
            exp.units
                .extend(units(&part, material, start + 2, &mut exp.figures));
        }
    } else {
        let parts = [
            &raw.abstract_,
            &raw.overview,
            &raw.implementation,
            &raw.effects,
        ];
        for (key, part) in PART_KEYS.iter().zip(parts) {
            match part {
                None => {}
                Some(RawPart::Inline(s)) => {
                    // A block scalar (`key: |`) keeps its lines one for one
                    // from the line after the key.
                    let key_line = line_of_key(&text, key).unwrap_or(1);
                    let block = text
                        .lines()
                        .nth(key_line - 1)
                        .is_some_and(|l| l.contains(": |") || l.contains(": >"));
                    let first = if block { key_line + 1 } else { key_line };
                    exp.units
                        .extend(units(s, material, first, &mut exp.figures));
                }
                Some(RawPart::File { file }) => {
                    let path = dir.join(file);
                    let s = read(&path);
                    exp.units.extend(units(&s, &path, 1, &mut exp.figures));
                }
            }
        }
    }
    exp
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.starts_with(&format!("{key}:")))
        .map(|i| i + 1)
}

// ---------------------------------------------------------------------------
// Splitting a part into units

const PIPES: [char; 2] = ['|', '｜'];

/// Strips up to any indentation and the blockquote markers of a line.
/// Returns (quote depth, rest).
fn unquote(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    loop {
        let t = rest.trim_start_matches([' ', '\t']);
        if let Some(r) = t.strip_prefix('>') {
            depth += 1;
            rest = r.strip_prefix(' ').unwrap_or(r);
        } else {
            return (depth, rest);
        }
    }
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x` → `x`.
fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start_matches([' ', '\t', '\u{3000}']);
    for m in ["- ", "* ", "+ "] {
        if let Some(r) = t.strip_prefix(m) {
            return Some(r);
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let r = &t[digits..];
        for m in [". ", ") "] {
            if let Some(r) = r.strip_prefix(m) {
                return Some(r);
            }
        }
    }
    None
}

/// A hand-typed heading number the tool replaces with its own numbering.
fn strip_heading_number(s: &str) -> &str {
    let s = s.trim_start();
    let cn = |c: char| "一二三四五六七八九十百零〇".contains(c);
    let mut chars = s.char_indices();
    let Some((_, c0)) = chars.next() else {
        return s;
    };
    let after = |i: usize| s[i..].trim_start();
    // ① … ⑳, ㈠ … ㈩, ⑴ … ⒇, ⒈ … ⒛
    if ('\u{2460}'..='\u{2473}').contains(&c0)
        || ('\u{3220}'..='\u{3229}').contains(&c0)
        || ('\u{2474}'..='\u{249B}').contains(&c0)
    {
        return after(c0.len_utf8());
    }
    // 一、  十二、
    let n = s
        .chars()
        .take_while(|&c| cn(c))
        .map(char::len_utf8)
        .sum::<usize>();
    if n > 0 && s[n..].starts_with('、') {
        return after(n + '、'.len_utf8());
    }
    // （二） (二) （1） (1)
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(r) = s.strip_prefix(open) {
            let k = r
                .chars()
                .take_while(|&c| cn(c) || c.is_ascii_digit())
                .map(char::len_utf8)
                .sum::<usize>();
            if k > 0 && r[k..].starts_with(close) {
                return r[k + close.len_utf8()..].trim_start();
            }
        }
    }
    // 1.  1．  1、  1.2
    let k = s
        .chars()
        .take_while(|&c| c.is_ascii_digit() || c == '.')
        .map(char::len_utf8)
        .sum::<usize>();
    if k > 0 && s.as_bytes()[0].is_ascii_digit() {
        let r = &s[k..];
        if s[..k].ends_with('.') {
            return r.trim_start();
        }
        for sep in ['．', '、'] {
            if let Some(r) = r.strip_prefix(sep) {
                return r.trim_start();
            }
        }
    }
    s
}

/// `表：…`, `表1：…`, `表 1 …:` → the caption text.
fn table_caption(line: &str) -> Option<&str> {
    let r = line.trim().strip_prefix('表')?;
    let r = r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    r.strip_prefix('：').or_else(|| r.strip_prefix(':'))
}

/// `| --- | :-: |` (ASCII or full-width pipes).
fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.chars()
            .all(|c| PIPES.contains(&c) || matches!(c, '-' | ':' | ' ' | '\t'))
}

fn is_pipe_row(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(PIPES) || (t.ends_with(PIPES) && t.contains(PIPES))
}

/// The cells of a pipe row (an escaped `\|` stays in its cell).
fn pipe_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix(PIPES).unwrap_or(t);
    let t = t.strip_suffix(PIPES).unwrap_or(t);
    let mut cells = vec![String::new()];
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'|') {
            cells.last_mut().unwrap().push_str("\\|");
            chars.next();
        } else if PIPES.contains(&c) {
            cells.push(String::new());
        } else {
            cells.last_mut().unwrap().push(c);
        }
    }
    cells
}

/// `![alt](path …)` on a line of its own → alt.
fn figure(line: &str) -> Option<&str> {
    let t = line.trim();
    let r = t.strip_prefix("![")?;
    let close = r.find("](")?;
    t.ends_with(')').then_some(&r[..close])
}

/// `[^1]: text` → text.
fn footnote_def(line: &str) -> Option<&str> {
    let r = line.trim_start().strip_prefix("[^")?;
    let close = r.find("]:")?;
    (!r[..close].contains([' ', ']'])).then(|| r[close + 2..].trim())
}

/// `[3]: text`: a reference line, printed as typed.
fn is_reference_line(line: &str) -> bool {
    let Some(r) = line.trim_start().strip_prefix('[') else {
        return false;
    };
    r.find("]:")
        .is_some_and(|close| close > 0 && !r[..close].contains(['^', '[', ']']))
}

/// Splits one part into units. `first_line` is the 1-based line of the
/// part's first line in `file`; `figures` counts `![…](…)`.
pub fn units(part: &str, file: &Path, first_line: usize, figures: &mut usize) -> Vec<Unit> {
    struct Para {
        line: usize,
        kind: &'static str,
        lines: Vec<String>,
    }
    let mut out = Vec::new();
    let mut footnotes = Vec::new();
    // A unit is split into sub-units at footnote references only: the tool
    // prints its footnote mark there. A piece of punctuation alone (the `。`
    // after `实际[^2]。`) cannot be placed — it matches anywhere — and is left
    // to its neighbours.
    let mut push = |out: &mut Vec<Unit>, line: usize, kind: &'static str, source: &str| {
        let stripped = strip_inline(source);
        let split = stripped.contains(FOOTNOTE_REF);
        for piece in stripped.split(FOOTNOTE_REF) {
            let text = normalise(piece);
            let punctuation_only = text.chars().all(|c| !c.is_alphanumeric());
            if !(text.is_empty() || split && punctuation_only) {
                out.push(Unit {
                    file: file.to_path_buf(),
                    line,
                    kind,
                    source: source.to_string(),
                    text,
                    footnote: false,
                });
            }
        }
    };
    let mut para: Option<Para> = None;
    let mut depth_of_para = 0;
    // After a `表：` caption, Tab-separated lines are the rows of a table.
    let mut tab_table = false;
    let flush = |para: &mut Option<Para>, out: &mut Vec<Unit>, push: &mut PushUnit| {
        if let Some(p) = para.take() {
            push(out, p.line, p.kind, &p.lines.join("\n"));
        }
    };

    for (i, raw) in part.lines().enumerate() {
        let line_no = first_line + i;
        let (depth, line) = unquote(raw);
        if depth != depth_of_para {
            flush(&mut para, &mut out, &mut push);
            depth_of_para = depth;
        }
        let quoted = depth > 0;
        if line.trim().is_empty() {
            flush(&mut para, &mut out, &mut push);
            tab_table = false;
            continue;
        }
        let trimmed = line.trim_start_matches([' ', '\t', '\u{3000}']);
        if let Some(h) = trimmed.strip_prefix('#') {
            let h = h.trim_start_matches('#');
            if h.starts_with(' ') || h.is_empty() {
                flush(&mut para, &mut out, &mut push);
                push(&mut out, line_no, "heading", strip_heading_number(h));
                continue;
            }
        }
        if let Some(def) = footnote_def(line) {
            flush(&mut para, &mut out, &mut push);
            let text = normalise(&strip_inline(def));
            footnotes.push(Unit {
                file: file.to_path_buf(),
                line: line_no,
                kind: "footnote",
                source: line.to_string(),
                text,
                footnote: true,
            });
            continue;
        }
        if is_reference_line(line) {
            flush(&mut para, &mut out, &mut push);
            push(&mut out, line_no, "reference line", line);
            continue;
        }
        if let Some(alt) = figure(line) {
            flush(&mut para, &mut out, &mut push);
            *figures += 1;
            push(&mut out, line_no, "figure caption", alt);
            continue;
        }
        if let Some(cap) = table_caption(line) {
            flush(&mut para, &mut out, &mut push);
            push(&mut out, line_no, "table caption", cap);
            tab_table = true;
            continue;
        }
        if is_pipe_row(line) {
            flush(&mut para, &mut out, &mut push);
            if !is_separator_row(line) {
                for cell in pipe_cells(line) {
                    push(&mut out, line_no, "table cell", &cell);
                }
            }
            continue;
        }
        if tab_table && line.trim_matches(['\t', ' ']).contains('\t') {
            flush(&mut para, &mut out, &mut push);
            for cell in line.split('\t') {
                push(&mut out, line_no, "table cell", cell);
            }
            continue;
        }
        if let Some(item) = list_item(line) {
            flush(&mut para, &mut out, &mut push);
            para = Some(Para {
                line: line_no,
                kind: if quoted {
                    "quoted list item"
                } else {
                    "list item"
                },
                lines: vec![item.to_string()],
            });
            continue;
        }
        match &mut para {
            Some(p) => p.lines.push(trimmed.to_string()),
            None => {
                para = Some(Para {
                    line: line_no,
                    kind: if quoted {
                        "blockquote"
                    } else if line.starts_with(['\t', ' ', '\u{3000}']) {
                        "indented paragraph"
                    } else {
                        "paragraph"
                    },
                    lines: vec![trimmed.to_string()],
                })
            }
        }
    }
    flush(&mut para, &mut out, &mut push);
    out.extend(footnotes);
    out
}

// ---------------------------------------------------------------------------
// Stripping inline markup

/// Where [`strip_inline`] removed a footnote reference `[^1]`.
pub const FOOTNOTE_REF: char = '\u{1}';

/// The characters a Markdown backslash escapes.
fn escapable(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// Whether `s` from `i` (just after a `^` or `~`) is `x^` / `x~` with `x` a
/// short run of ASCII letters, digits and `+-.`: returns the length of `x`.
fn script_run(chars: &[char], i: usize, delim: char) -> Option<usize> {
    let mut n = 0;
    while let Some(&c) = chars.get(i + n) {
        if c == delim {
            return (1..=20).contains(&n).then_some(n);
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
        n += 1;
    }
    None
}

/// Markdown markup out, the writer's characters kept:
/// `**`, emphasis `*` (not between digits), `\x` escapes, `[text](url)`,
/// footnote references `[^1]` (left as [`FOOTNOTE_REF`]), `<br>` `<sup>` `</sup>` `<sub>` `</sub>`,
/// the entities `&amp;` `&lt;` `&gt;` `&nbsp;`, and `^x^` / `~x~` around a
/// short ASCII run. Everything else — `20~22℃`, `10^6次和10^9次`, `3*6m`,
/// `[1]` — is literal.
pub fn strip_inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let at = |i: usize, pat: &str| {
        let p: Vec<char> = pat.chars().collect();
        chars.len() >= i + p.len()
            && chars[i..i + p.len()]
                .iter()
                .zip(&p)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
    };
    'outer: while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|&n| escapable(n)) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    i += 2;
                    continue;
                }
                let prev = i.checked_sub(1).map(|p| chars[p]);
                let next = chars.get(i + 1).copied();
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                {
                    out.push('*');
                }
                i += 1;
                continue;
            }
            '^' | '~' => {
                if let Some(n) = script_run(&chars, i + 1, c) {
                    out.extend(&chars[i + 1..i + 1 + n]);
                    i += n + 2;
                    continue;
                }
            }
            '[' => {
                // [^1] footnote reference
                if chars.get(i + 1) == Some(&'^')
                    && let Some(close) = chars[i..].iter().position(|&c| c == ']')
                {
                    let label = &chars[i + 2..i + close];
                    if !label.is_empty() && !label.iter().any(|c| c.is_whitespace()) {
                        out.push(FOOTNOTE_REF);
                        i += close + 1;
                        continue;
                    }
                }
                // [text](url)
                if let Some(close) = chars[i..].iter().position(|&c| c == ']') {
                    let j = i + close;
                    if chars.get(j + 1) == Some(&'(')
                        && let Some(end) = chars[j..].iter().position(|&c| c == ')')
                    {
                        let inner: String = chars[i + 1..j].iter().collect();
                        out.push_str(&strip_inline(&inner));
                        i = j + end + 1;
                        continue;
                    }
                }
            }
            '<' => {
                for tag in [
                    "<br>", "<br/>", "<br />", "<sup>", "</sup>", "<sub>", "</sub>",
                ] {
                    if at(i, tag) {
                        i += tag.chars().count();
                        continue 'outer;
                    }
                }
            }
            '&' => {
                for (ent, ch) in [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&nbsp;", ' '),
                ] {
                    if at(i, ent) {
                        out.push(ch);
                        i += ent.len();
                        continue 'outer;
                    }
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Printed side: the text streams of a PDF

/// Normalised printed text, with where each character came from.
#[derive(Debug, Default, Clone)]
pub struct Stream {
    pub chars: Vec<char>,
    /// Whether a span boundary or whitespace precedes each character.
    pub brk: Vec<bool>,
    /// 1-based page of each character.
    pub page: Vec<usize>,
}

impl Stream {
    fn push_span(&mut self, text: &str, page: usize) {
        let mut brk = true;
        for c in text.chars() {
            if c.is_whitespace() {
                brk = true;
                continue;
            }
            self.chars.push(c);
            self.brk.push(brk);
            self.page.push(page);
            brk = false;
        }
    }

    /// A stream from plain text (for self-tests): whitespace is a break.
    pub fn from_text(text: &str) -> Self {
        let mut s = Self::default();
        s.push_span(text, 1);
        s
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Every match of `needle` whose ends do not cut a run of ASCII
    /// letters/digits the PDF prints without a break (so `186` does not
    /// match inside a merged `18618498.9`).
    fn occurrences(&self, needle: &[char]) -> Vec<usize> {
        if needle.is_empty() || needle.len() > self.chars.len() {
            return Vec::new();
        }
        let alnum = |c: char| c.is_ascii_alphanumeric() || c == '.';
        let first = needle[0];
        let last = needle[needle.len() - 1];
        (0..=self.chars.len() - needle.len())
            .filter(|&i| {
                self.chars[i] == first
                    && self.chars[i..i + needle.len()] == *needle
                    && !(alnum(first) && i > 0 && alnum(self.chars[i - 1]) && !self.brk[i])
                    && !(alnum(last)
                        && self.chars.get(i + needle.len()).is_some_and(|&c| alnum(c))
                        && !self.brk[i + needle.len()])
            })
            .collect()
    }

    /// The longest prefix of `needle` printed in `from..to`: (length, at).
    fn longest_prefix(&self, needle: &[char], from: usize, to: usize) -> (usize, usize) {
        let mut best = (0, from);
        for i in from..to {
            let n = self.chars[i..to]
                .iter()
                .zip(needle)
                .take_while(|(a, b)| a == b)
                .count();
            if n > best.0 {
                best = (n, i);
            }
        }
        best
    }

    /// The longest suffix of `needle` printed in `from..to`: (length, end).
    fn longest_suffix(&self, needle: &[char], from: usize, to: usize) -> (usize, usize) {
        let mut best = (0, from);
        for end in from..=to {
            let n = self.chars[from..end]
                .iter()
                .rev()
                .zip(needle.iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            if n > best.0 {
                best = (n, end);
            }
        }
        best
    }

    fn excerpt(&self, at: usize, before: usize, after: usize) -> String {
        let a = at.saturating_sub(before);
        let b = (at + after).min(self.chars.len());
        let page = self
            .page
            .get(at.min(self.page.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0);
        format!(
            "p.{page}: …{}⟦{}⟧…",
            self.chars[a..at.min(b)].iter().collect::<String>(),
            self.chars[at.min(b)..b].iter().collect::<String>()
        )
    }
}

/// Font size at or below which text in the lower part of a page is a footnote
/// (小五 = 9 pt).
const FOOTNOTE_MAX_PT: f64 = 9.05;
/// Text this large is the draft watermark (the cover title is 小初 = 36 pt).
const WATERMARK_MIN_PT: f64 = 60.0;

/// The body stream and the footnote stream of a probed PDF, in content order:
/// the footer (below the bottom margin) dropped; 小五 text below the last
/// body-size line of its page moved to the footnote stream.
pub fn streams(probe: &Probe) -> (Stream, Stream) {
    let mut body = Stream::default();
    let mut notes = Stream::default();
    for (n, page) in probe.pages.iter().enumerate() {
        let bottom = page.height - mm(25.4);
        // (`--draft` prints a 96 pt 草稿 watermark: not the writer's text.)
        let in_block = |s: &&super::TextSpan| {
            s.y <= bottom && s.size < WATERMARK_MIN_PT && !s.text.trim().is_empty()
        };
        let last_body = page
            .spans
            .iter()
            .filter(in_block)
            .filter(|s| s.size > FOOTNOTE_MAX_PT)
            .map(|s| s.y)
            .fold(f64::NAN, f64::max);
        let limit = if last_body.is_nan() {
            page.height / 2.0
        } else {
            last_body + 4.0
        };
        for s in page.spans.iter().filter(in_block) {
            if s.size <= FOOTNOTE_MAX_PT && s.y > limit {
                notes.push_span(&s.text, n + 1);
            } else {
                body.push_span(&s.text, n + 1);
            }
        }
    }
    (body, notes)
}

/// A unit the PDF does not print whole, with why.
#[derive(Debug)]
pub struct Missing {
    pub unit: Unit,
    pub why: String,
}

/// Looks for every unit in `body` (footnote definitions in `notes`): each
/// must be printed whole, and the matches must follow source order. The
/// order is judged globally — the longest chain of in-order matches (by
/// matched characters) wins — so one short unit (`1`, `99.35`) that happens to
/// match far ahead cannot make every later unit look out of order. Reports
/// every unit outside that chain, never stopping at the first.
pub fn check(units: &[Unit], body: &Stream, notes: &Stream) -> Vec<Missing> {
    let mut missing = Vec::new();
    for footnote in [false, true] {
        let (stream, other) = if footnote {
            (notes, body)
        } else {
            (body, notes)
        };
        let which = if footnote {
            "footnote stream"
        } else {
            "body text"
        };
        let sel: Vec<&Unit> = units.iter().filter(|u| u.footnote == footnote).collect();
        let needles: Vec<Vec<char>> = sel.iter().map(|u| u.text.chars().collect()).collect();
        let at = chain(&needles, stream);
        for (i, u) in sel.iter().enumerate() {
            if at[i].is_some() {
                continue;
            }
            let needle = &needles[i];
            let len = needle.len();
            // Where the unit belongs: between its matched neighbours.
            let from = (0..i)
                .rev()
                .find_map(|j| at[j].map(|a| a + needles[j].len()))
                .unwrap_or(0);
            let to = (i + 1..sel.len())
                .find_map(|j| at[j])
                .unwrap_or(stream.chars.len())
                .max(from);
            let why = if let Some(&a) = stream.occurrences(needle).first() {
                format!(
                    "printed whole, but out of order, at {}",
                    stream.excerpt(a, 10, len + 10)
                )
            } else if let Some(&a) = other.occurrences(needle).first() {
                let (here, there) = if footnote {
                    ("as a footnote", "in the body")
                } else {
                    ("in the body", "in the footnote area")
                };
                format!(
                    "printed {there} instead of {here}: {}",
                    other.excerpt(a, 10, len + 10)
                )
            } else {
                let to = (to + len).min(stream.chars.len());
                let (n, a) = stream.longest_prefix(needle, from, to);
                let (m, end) = stream.longest_suffix(needle, from, to);
                if n == len {
                    format!(
                        "printed, but run together with the ASCII letters or digits next to it: {}",
                        stream.excerpt(a, 10, len + 10)
                    )
                } else {
                    let mut why = format!(
                        "not in the {which}; where it belongs: {}",
                        stream.excerpt(from, 0, 40)
                    );
                    if n > 0 {
                        let _ = write!(
                            why,
                            "\n    longest printed prefix ({n} of {len} chars) stops before {:?}: {}",
                            needle[n],
                            stream.excerpt(a + n, n.min(20), 30)
                        );
                    }
                    if m > 0 {
                        let _ = write!(
                            why,
                            "\n    longest printed suffix ({m} of {len} chars) starts after {:?}: {}",
                            needle[len - m - 1],
                            stream.excerpt(end - m, 30, m.min(20))
                        );
                    }
                    why
                }
            };
            missing.push(Missing {
                unit: (*u).clone(),
                why,
            });
        }
    }
    missing
}

/// The longest in-order chain of matches, weighted by matched characters:
/// for each needle, the start of its match in the chain, or None.
fn chain(needles: &[Vec<char>], stream: &Stream) -> Vec<Option<usize>> {
    // Fenwick tree over match ends: the best chain ending at or before a
    // position, as (weight, candidate).
    let n = stream.chars.len();
    let mut tree: Vec<(usize, Option<usize>)> = vec![(0, None); n + 2];
    let query = |tree: &[(usize, Option<usize>)], pos: usize| {
        let mut best = (0, None);
        let mut i = pos;
        while i > 0 {
            if tree[i].0 > best.0 {
                best = tree[i];
            }
            i &= i - 1;
        }
        best
    };
    // Candidates: (needle, start, chain weight, previous candidate).
    let mut cands: Vec<(usize, usize, usize, Option<usize>)> = Vec::new();
    for (j, needle) in needles.iter().enumerate() {
        let first = cands.len();
        for start in stream.occurrences(needle) {
            let (w, prev) = query(&tree, start);
            cands.push((j, start, w + needle.len(), prev));
        }
        for (c, &(_, start, w, _)) in cands.iter().enumerate().skip(first) {
            let mut i = start + needle.len();
            while i <= n + 1 {
                if w > tree[i].0 {
                    tree[i] = (w, Some(c));
                }
                i += i & i.wrapping_neg();
            }
        }
    }
    let mut at = vec![None; needles.len()];
    let mut cur = (0..cands.len()).max_by_key(|&c| (cands[c].2, std::cmp::Reverse(c)));
    while let Some(c) = cur {
        let (j, start, _, prev) = cands[c];
        at[j] = Some(start);
        cur = prev;
    }
    at
}

/// Every missing unit, one paragraph each.
pub fn report(missing: &[Missing]) -> String {
    let mut s = String::new();
    for m in missing {
        let u = &m.unit;
        let _ = writeln!(
            s,
            "{}:{}: {} {:?}\n    expected: {}\n    {}",
            u.file.display(),
            u.line,
            u.kind,
            u.source,
            u.text,
            m.why
        );
    }
    s
}

/// The whole round trip of a built material: the cover fields whole in
/// 封面.pdf, every unit whole and in order in 正文.pdf, an image per figure.
/// Returns the failures as one message (empty when all is printed).
pub fn roundtrip_failures(material: &Path, built: &Built) -> String {
    let exp = expected(material);
    let [cover, body, form]: [Probe; 3] =
        probe_all(&[built.pdf(COVER), built.pdf(BODY), built.pdf(FORM)])
            .try_into()
            .expect("three probes");
    let mut msg = String::new();

    let form_text = normalise(&form.stream_text());
    for (what, text) in &exp.form {
        if !form_text.contains(text.as_str()) {
            let _ = writeln!(msg, "申报表.pdf lacks {what} {text:?}");
        }
    }

    let (cover_text, _) = streams(&cover);
    let cover_text = cover_text.text();
    for (what, text) in &exp.cover {
        if !cover_text.contains(text.as_str()) {
            let _ = writeln!(
                msg,
                "封面.pdf lacks {what} {text:?}; the cover reads {cover_text:?}"
            );
        }
    }

    let (body_stream, notes) = streams(&body);
    let missing = check(&exp.units, &body_stream, &notes);
    if !missing.is_empty() {
        let _ = writeln!(
            msg,
            "{} of {} units of {} are not printed whole in 正文.pdf:\n{}",
            missing.len(),
            exp.units.len(),
            material.display(),
            report(&missing)
        );
    }

    let images: usize = body.pages.iter().map(|p| p.images.len()).sum();
    if images < exp.figures {
        let _ = writeln!(
            msg,
            "{} figures (`![…](…)`) in the material, but 正文.pdf shows {images} images",
            exp.figures
        );
    }
    msg
}

/// Asserts the round trip, listing every failure.
#[track_caller]
pub fn assert_roundtrip(material: &Path, built: &Built) {
    let msg = roundtrip_failures(material, built);
    assert!(msg.is_empty(), "round trip failed (issue 8):\n{msg}");
}
