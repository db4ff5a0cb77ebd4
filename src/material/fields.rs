//! The material as the writer's page edits it: every metadata field of
//! schema 1 (the 申报表's groups and labels) with the place of its value in
//! `material.yaml` or in the front matter of `material.md`, where a missing
//! one would be added, and where each of the four parts is written (a
//! part file, a section of `material.md`, a block of `material.yaml`).
//!
//! The places come from the same YAML reader as the material's own
//! (serde-saphyr, with its spans), so the page never parses YAML itself: it
//! replaces the text between two places, or inserts the text given here.
//! Pure: bytes in, places out; no file IO.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde::Serialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::PartKind;
use super::values::{NATURES, SCALES};
use crate::diag::Sources;

/// A YAML node with the place of every value and key.
#[derive(Debug)]
pub enum Node {
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar(String),
    Null,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("YAML")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Scalar(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<Node>>()? {
                    out.push(v);
                }
                Ok(Node::Seq(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    let v = map.next_value::<Spanned<Node>>()?;
                    out.push((k, v));
                }
                Ok(Node::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// How the form shows a field.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    /// Several lines (质量标杆简介).
    Long,
    Number,
    /// One of `options`.
    Choice,
    /// A GB/T 4754 小类, `3451 滚动轴承制造`.
    Industry,
    Date,
    Phone,
    Email,
}

/// One field of the form: its key path in the material, the 申报表's group
/// and label.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub path: String,
    pub group: &'static str,
    pub label: String,
    pub kind: Kind,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub options: &'static [&'static str],
}

/// The 申报表's groups, in its order.
pub const GROUPS: [&str; 6] = [
    "企业",
    "联系人",
    "近三年发展情况",
    "专利与标准",
    "质量标杆名称与简介",
    "申报日期",
];

/// The form's rows: path, group (index in [`GROUPS`]), label, kind. `{y}`
/// rows stand for each development year.
const ROWS: &[(&str, usize, &str, Kind)] = &[
    (
        "company.name",
        0,
        "企业名称（全称，与公章一致）",
        Kind::Text,
    ),
    ("company.address", 0, "单位地址", Kind::Text),
    ("company.nature", 0, "企业性质", Kind::Choice),
    ("company.scale", 0, "企业类型", Kind::Choice),
    ("company.employees", 0, "从业人员（人）", Kind::Number),
    (
        "company.industry",
        0,
        "所属行业（GB/T 4754-2017 小类）",
        Kind::Industry,
    ),
    (
        "company.quality_head.name",
        0,
        "质量管理机构负责人 姓名",
        Kind::Text,
    ),
    (
        "company.quality_head.title",
        0,
        "质量管理机构负责人 职务",
        Kind::Text,
    ),
    ("contact.name", 1, "姓名", Kind::Text),
    ("contact.title", 1, "职务", Kind::Text),
    ("contact.phone", 1, "联系电话（手机）", Kind::Phone),
    ("contact.email", 1, "邮箱", Kind::Email),
    (
        "finance.{y}.assets",
        2,
        "{y}年 资产总额（万元）",
        Kind::Number,
    ),
    (
        "finance.{y}.revenue",
        2,
        "{y}年 主营业务收入（万元）",
        Kind::Number,
    ),
    (
        "finance.{y}.profit",
        2,
        "{y}年 利润总额（万元）",
        Kind::Number,
    ),
    ("patents.applied", 3, "专利申请（件）", Kind::Number),
    ("patents.granted", 3, "专利授权（件）", Kind::Number),
    (
        "software_copyrights",
        3,
        "软件著作权登记（件）",
        Kind::Number,
    ),
    (
        "standards.international",
        3,
        "主导、参与国际标准（项）",
        Kind::Number,
    ),
    (
        "standards.national",
        3,
        "主导、参与国家标准（项）",
        Kind::Number,
    ),
    (
        "standards.industry",
        3,
        "主导、参与行业标准（项）",
        Kind::Number,
    ),
    (
        "standards.local",
        3,
        "主导、参与地方标准（项）",
        Kind::Number,
    ),
    (
        "standards.group",
        3,
        "主导、参与团体标准（项）",
        Kind::Number,
    ),
    (
        "standards.enterprise",
        3,
        "主导、参与企业标准（项）",
        Kind::Number,
    ),
    ("honors", 3, "近五年省市级以上主要荣誉（项）", Kind::Number),
    ("benchmark.title", 4, "质量标杆名称", Kind::Text),
    ("benchmark.brief", 4, "质量标杆简介", Kind::Long),
    ("date", 5, "申报日期", Kind::Date),
];

/// Every metadata field of schema 1 that the form edits, in the 申报表's
/// order; `years` are the three development years (before the campaign
/// year). The 附表 lists (`details`) and `attachments` stay in the file.
pub fn form(years: &[i32]) -> Vec<Field> {
    let mut out = Vec::new();
    for &(path, group, label, kind) in ROWS {
        let options: &'static [&'static str] = match path {
            "company.nature" => &NATURES,
            "company.scale" => &SCALES,
            _ => &[],
        };
        let each: Vec<String> = if path.contains("{y}") {
            years.iter().map(|y| y.to_string()).collect()
        } else {
            vec![String::new()]
        };
        for y in each {
            out.push(Field {
                path: path.replace("{y}", &y),
                group: GROUPS[group],
                label: label.replace("{y}", &y),
                kind,
                options,
            });
        }
    }
    out
}

/// A place in the text as the reader sees it (line breaks `\n`, no BOM):
/// byte offsets, and the 1-based line and column (in characters) of each
/// end, which are the same in the file as saved (CRLF, a BOM).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start: usize,
    pub end: usize,
}

impl Place {
    fn new(text: &str, range: Range<usize>) -> Place {
        let (line, column) = line_col(text, range.start);
        let (end_line, end_column) = line_col(text, range.end);
        Place {
            line,
            column,
            end_line,
            end_column,
            start: range.start,
            end: range.end,
        }
    }
}

/// 1-based line and character column of byte `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}

/// Where a field's value is, or where a missing one goes.
#[derive(Clone, Debug, Serialize)]
pub struct Located {
    #[serde(flatten)]
    pub field: Field,
    /// The material file.
    pub file: String,
    /// The value as the material reads it ("" when empty or missing).
    pub value: String,
    /// Whether the key is written in the file.
    pub present: bool,
    /// The value's text (a quoted value with its quotes, a block with its
    /// `|`); for a missing key, the empty place where it goes.
    #[serde(flatten)]
    pub place: Place,
    /// Written before and after the new value at `place`: a key and the
    /// indentation for a missing one, a space after a bare `key:`.
    pub before: String,
    pub after: String,
}

/// How a part is written.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// A file of its own (`{file: parts/implementation.md}`): all of it.
    File,
    /// A `# 摘要` section of `material.md`: from after its heading to the next.
    Section,
    /// A `key: |` block of `material.yaml`: its lines, each indented by `indent`.
    Block,
    /// On one line or quoted: edited in the material file itself.
    Inline,
    /// Not written yet.
    Missing,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartPlace {
    pub key: &'static str,
    pub title: &'static str,
    pub how: How,
    /// The file that holds it (the part file for `file`).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    /// A block's indentation, in spaces.
    pub indent: usize,
    /// A part on one line: its text as the reader reads it (unquoted), which
    /// its editor shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For a part on one line or not written yet: what goes around its new
    /// text, each line of which is indented by `indent`, at `place` (the
    /// one-line value, or the empty place where a missing part goes), so
    /// that the reader finds it. Line breaks are `\n`: the page writes the
    /// file's own.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub before: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

impl PartPlace {
    /// Part `kind` as `how` in `file`, its place not yet known.
    fn of(kind: PartKind, how: How, file: &str) -> PartPlace {
        PartPlace {
            key: kind.key(),
            title: kind.title(),
            how,
            file: file.to_string(),
            place: None,
            indent: 0,
            value: None,
            before: String::new(),
            after: String::new(),
        }
    }

    /// Part `kind`, not written yet: its text goes at the end of `text`,
    /// after `before`, each line indented by `indent`.
    fn missing(kind: PartKind, file: &str, text: &str, indent: usize, before: String) -> PartPlace {
        PartPlace {
            place: Some(Place::new(text, text.len()..text.len())),
            indent,
            before,
            after: "\n".into(),
            ..PartPlace::of(kind, How::Missing, file)
        }
    }
}

/// The material's form fields and parts, or why they cannot be found.
#[derive(Clone, Debug, Serialize)]
pub struct Layout {
    pub material: String,
    pub fields: Vec<Located>,
    pub parts: Vec<PartPlace>,
    /// Why the metadata could not be read (the YAML's own error, as the
    /// check reports it): the fields are then empty.
    pub error: Option<String>,
}

const PART_KEYS: [&str; 4] = ["abstract", "overview", "implementation", "effects"];

/// The layout of material file `name` (`material.yaml` or `material.md`)
/// with contents `bytes`. `years` are the development years to offer when
/// the material lists none.
pub fn layout(name: &str, bytes: &[u8], default_years: &[i32]) -> Layout {
    let mut out = Layout {
        material: name.to_string(),
        fields: Vec::new(),
        parts: Vec::new(),
        error: None,
    };
    let Some(text) = crate::source::decode::text_of(bytes, Path::new(name)) else {
        out.error = Some("文件不是可读的文本".into());
        return out;
    };
    let markdown = name.ends_with(".md");
    let (yaml_range, body_start) = if markdown {
        match super::read::split_front_matter(&text) {
            Some(x) => x,
            None => {
                out.error = Some("Markdown 材料缺少开头的 YAML 信息区（--- 之间）".into());
                return out;
            }
        }
    } else {
        (0..text.len(), text.len())
    };
    // Padded with the lines above, as the reader parses front matter, so
    // the parser's lines are the file's.
    let pad = text[..yaml_range.start].matches('\n').count();
    let padded = format!("{}{}", "\n".repeat(pad), &text[yaml_range.clone()]);
    let mut sources = Sources::default();
    let file = sources.add(Path::new(name), padded.clone());
    let tree = match crate::source::yaml::parse_typed::<Spanned<Node>>(&padded, file, &sources) {
        Ok(t) => Some(t),
        Err(d) => {
            out.error = Some(d.message);
            None
        }
    };
    let doc = Doc {
        text: &text,
        shift: yaml_range.start as isize - pad as isize,
    };
    if let Some(tree) = &tree {
        let mut years: Vec<i32> = match find(tree, &["finance"]) {
            Some(Node::Map(m)) => m.iter().filter_map(|(k, _)| k.value.parse().ok()).collect(),
            _ => Vec::new(),
        };
        if years.is_empty() {
            years = default_years.to_vec();
        }
        years.sort_unstable();
        for field in form(&years) {
            out.fields
                .push(doc.locate(tree, field, name, yaml_range.clone()));
        }
    }
    out.parts = if markdown {
        sections(name, &text, body_start)
    } else {
        tree.as_ref()
            .map(|t| blocks(&doc, t, name))
            .unwrap_or_default()
    };
    out
}

/// The text and the shift from the parser's offsets to the text's.
struct Doc<'a> {
    text: &'a str,
    shift: isize,
}

impl Doc<'_> {
    fn at(&self, parser: u64) -> usize {
        ((parser as isize + self.shift).max(0) as usize).min(self.text.len())
    }

    /// The range of a node as the parser gives it.
    fn span(&self, n: &Spanned<Node>) -> Range<usize> {
        let s = n.referenced.span();
        let a = self.at(s.byte_offset().unwrap_or(0));
        let b = self.at(s.byte_offset().unwrap_or(0) + s.byte_len().unwrap_or(0));
        a..b.max(a)
    }

    fn key_end(&self, k: &Spanned<String>) -> usize {
        let s = k.referenced.span();
        self.at(s.byte_offset().unwrap_or(0) + s.byte_len().unwrap_or(0))
    }

    /// Where the value of `key` starts: after its colon and the spaces.
    fn value_start(&self, k: &Spanned<String>) -> (usize, bool) {
        let mut i = self.key_end(k);
        let t = self.text.as_bytes();
        // A quoted key's closing quote, then the colon.
        while i < t.len() && (t[i] == b'"' || t[i] == b'\'' || t[i] == b' ') {
            i += 1;
        }
        if i < t.len() && t[i] == b':' {
            i += 1;
        }
        let colon = i;
        while i < t.len() && (t[i] == b' ' || t[i] == b'\t') {
            i += 1;
        }
        (i, i > colon)
    }

    /// Where a node's text ends (a flow collection after its bracket, a
    /// block after its last line's text).
    fn end(&self, n: &Spanned<Node>) -> usize {
        let span = self.span(n);
        let flow = matches!(self.text[span.start..].chars().next(), Some('{' | '['));
        match &n.value {
            Node::Map(_) | Node::Seq(_) if flow => closing(self.text, span.start),
            Node::Map(m) => m.last().map_or(span.start, |(_, v)| self.end(v)),
            Node::Seq(s) => s.last().map_or(span.start, |v| self.end(v)),
            _ => span.start + self.text[span].trim_end().len(),
        }
    }

    fn locate(
        &self,
        tree: &Spanned<Node>,
        field: Field,
        file: &str,
        yaml: Range<usize>,
    ) -> Located {
        let keys: Vec<&str> = field.path.split('.').collect();
        let mut node = tree;
        let mut depth = 0;
        let mut key: Option<&Spanned<String>> = None;
        while depth < keys.len() {
            let Node::Map(m) = &node.value else { break };
            let Some((k, v)) = m.iter().find(|(k, _)| k.value == keys[depth]) else {
                break;
            };
            node = v;
            key = Some(k);
            depth += 1;
        }
        let text = self.text;
        if depth == keys.len()
            && let Some(k) = key
        {
            let (start, spaced) = self.value_start(k);
            let (value, end, before) = match &node.value {
                Node::Scalar(s) => (s.clone(), self.end(node).max(start), ""),
                // `key:` with nothing after it (or only a comment).
                _ => (String::new(), start, if spaced { "" } else { " " }),
            };
            let end = if matches!(node.value, Node::Scalar(_)) {
                end
            } else {
                start
            };
            return Located {
                field,
                file: file.to_string(),
                value,
                present: true,
                place: Place::new(text, start..end),
                before: before.into(),
                after: String::new(),
            };
        }
        // Missing: `key: VALUE` in the deepest mapping that is written,
        // the keys below it as flow mappings (`quality_head: {title: …}`).
        let rest = &keys[depth..];
        let mut before = format!("{}: ", rest[0]);
        for k in &rest[1..] {
            before.push_str(&format!("{{{k}: "));
        }
        let mut after = "}".repeat(rest.len() - 1);
        let span = self.span(node);
        let flow = matches!(text[span.start..].chars().next(), Some('{'));
        let at = match &node.value {
            Node::Map(m) if flow => {
                if !m.is_empty() {
                    before.insert_str(0, ", ");
                }
                closing(text, span.start).saturating_sub(1)
            }
            Node::Map(m) if !m.is_empty() => {
                // After the last entry (at the top, the last before the
                // parts), on a line of its own, indented like the others.
                let last = if depth == 0 {
                    m.iter()
                        .rev()
                        .find(|(k, _)| !PART_KEYS.contains(&k.value.as_str()))
                        .or(m.last())
                } else {
                    m.last()
                };
                let (first_key, _) = &m[0];
                let key_at = self.at(first_key.referenced.span().byte_offset().unwrap_or(0));
                let line_start = text[..key_at].rfind('\n').map_or(0, |i| i + 1);
                let indent = text[line_start..key_at].chars().count();
                before.insert_str(0, &" ".repeat(indent));
                let end = last.map_or(span.start, |(_, v)| self.end(v));
                match text[end..].find('\n') {
                    Some(i) => {
                        after.push('\n');
                        end + i + 1
                    }
                    None => {
                        before.insert(0, '\n');
                        text.len()
                    }
                }
            }
            _ if depth == 0 => {
                // Nothing written yet: at the top of the YAML.
                after.push('\n');
                yaml.start
            }
            _ => {
                // `parent:` with nothing after it: the keys as its value.
                let (_, k) = (0, key.expect("a key below the top"));
                let (start, spaced) = self.value_start(k);
                before = format!("{}{{{}", if spaced { "" } else { " " }, before);
                after.push('}');
                return Located {
                    field,
                    file: file.to_string(),
                    value: String::new(),
                    present: false,
                    place: Place::new(text, start..start),
                    before,
                    after,
                };
            }
        };
        Located {
            field,
            file: file.to_string(),
            value: String::new(),
            present: false,
            place: Place::new(text, at..at),
            before,
            after,
        }
    }
}

/// The offset after the bracket that closes the one at `open`, skipping
/// quoted text.
fn closing(text: &str, open: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return open + i + 1;
                    }
                }
                _ => {}
            },
        }
    }
    text.len()
}

/// The node at `keys` below `tree`.
fn find<'a>(tree: &'a Spanned<Node>, keys: &[&str]) -> Option<&'a Node> {
    let mut node = tree;
    for k in keys {
        let Node::Map(m) = &node.value else {
            return None;
        };
        node = &m.iter().find(|(key, _)| key.value == *k)?.1;
    }
    Some(&node.value)
}

/// The parts of `material.yaml`: part files, `key: |` blocks, the rest.
fn blocks(doc: &Doc, tree: &Spanned<Node>, name: &str) -> Vec<PartPlace> {
    let text = doc.text;
    PartKind::ALL
        .iter()
        .map(|&kind| {
            // Not written yet: a `key: |` block at the end of the file.
            let missing = || {
                let before = format!("{}{}: |\n", newline_if_needed(text), kind.key());
                PartPlace::missing(kind, name, text, 2, before)
            };
            let Node::Map(m) = &tree.value else {
                return missing();
            };
            let Some((k, v)) = m.iter().find(|(k, _)| k.value == kind.key()) else {
                return missing();
            };
            let mut part = PartPlace::of(kind, How::Inline, name);
            match &v.value {
                Node::Map(fm) => {
                    if let Some((_, Node::Scalar(f))) = fm
                        .iter()
                        .map(|(k, v)| (k, &v.value))
                        .find(|(k, _)| k.value == "file")
                        && let Some(path) = inside(f)
                    {
                        part.how = How::File;
                        part.file = path;
                    }
                }
                Node::Scalar(value) => {
                    let (start, _) = doc.value_start(k);
                    let span = doc.span(v);
                    let block = text[start..].starts_with(['|', '>']);
                    // The block's lines: from the start of its first line
                    // of text to the end of its last.
                    if block && span.start > start {
                        let first = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                        let end = doc.end(v);
                        part.how = How::Block;
                        part.indent = span.start - first;
                        part.place = Some(Place::new(text, first..end.max(first)));
                    } else {
                        // Rewritten as a block when its editor changes it.
                        let key_start = doc.at(k.referenced.span().byte_offset().unwrap_or(0));
                        let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
                        // A comment after the value stays on the key's
                        // line, after the `|`.
                        let end = doc.end(v);
                        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
                        let rest = text[end..line_end].trim();
                        let (end, comment) = if rest.starts_with('#') {
                            (line_end, format!(" {rest}"))
                        } else {
                            (end, String::new())
                        };
                        part.place = Some(Place::new(text, start..end));
                        part.value = Some(value.clone());
                        part.indent = key_start - line_start + 2;
                        part.before = format!("|{comment}\n");
                    }
                }
                _ => {}
            }
            part
        })
        .collect()
}

/// A line break to end the file's last line, if it has none.
fn newline_if_needed(text: &str) -> &'static str {
    if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    }
}

/// What puts a blank line between the file's last text and a new heading.
fn blank_line_if_needed(text: &str) -> &'static str {
    if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    }
}

/// A part file's path inside the material (`./parts/a.md` → `parts/a.md`);
/// `None` when it leaves the folder.
fn inside(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in rel.trim().split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The `# ` sections of `material.md`.
fn sections(name: &str, text: &str, body_start: usize) -> Vec<PartPlace> {
    let mut sources = Sources::default();
    let file = sources.add(Path::new(name), text.to_string());
    let found = super::read::split_markdown_parts(&sources, file, body_start, &mut Vec::new());
    PartKind::ALL
        .iter()
        .map(|&kind| {
            let at = found.iter().find(|(k, _, _)| *k == kind);
            match at {
                Some((_, _, body)) => PartPlace {
                    place: Some(Place::new(text, body.clone())),
                    ..PartPlace::of(kind, How::Section, name)
                },
                // Not written yet: a section of its own at the end.
                None => {
                    let before = format!("{}# {}\n\n", blank_line_if_needed(text), kind.title());
                    PartPlace::missing(kind, name, text, 0, before)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(l: &'a Layout, path: &str) -> &'a Located {
        l.fields
            .iter()
            .find(|f| f.field.path == path)
            .unwrap_or_else(|| panic!("{path}"))
    }

    /// The text with the field's new value put in its place, as the page does.
    fn put(text: &str, f: &Located, value: &str) -> String {
        format!(
            "{}{}{}{}{}",
            &text[..f.place.start],
            f.before,
            value,
            f.after,
            &text[f.place.end..]
        )
    }

    fn reread(name: &str, text: &str, path: &str) -> String {
        let l = layout(name, text.as_bytes(), &[2020, 2021, 2022]);
        assert_eq!(l.error, None, "{text}");
        field(&l, path).value.clone()
    }

    #[test]
    fn values_and_their_places() {
        let y = "company:\n  name: 甲公司   # 全称\n  quality_head: {name: 王五, title: 'q''r'}\ncontact: {name: 张三, phone: \"13912345678\"}\nfinance:\n  2021: {assets: 10, profit: 2.5}\nbenchmark:\n  title: 甲公司经验\n  brief: |-\n    第一行\n    第二行\n\ndate: 2023-03-20\nabstract: |\n  摘要。\n\n  第二段。\n\noverview: {file: ./parts/overview.md}\neffects: 一行\n";
        let l = layout("material.yaml", y.as_bytes(), &[2020, 2021, 2022]);
        assert_eq!(l.error, None);
        let name = field(&l, "company.name");
        assert_eq!(
            (name.value.as_str(), &y[name.place.start..name.place.end]),
            ("甲公司", "甲公司")
        );
        assert_eq!((name.place.line, name.place.column), (2, 9));
        let t = field(&l, "company.quality_head.title");
        assert_eq!(&y[t.place.start..t.place.end], "'q''r'");
        assert_eq!(t.value, "q'r");
        let phone = field(&l, "contact.phone");
        assert_eq!(&y[phone.place.start..phone.place.end], "\"13912345678\"");
        let brief = field(&l, "benchmark.brief");
        assert_eq!(
            &y[brief.place.start..brief.place.end],
            "|-\n    第一行\n    第二行"
        );
        assert_eq!(brief.value, "第一行\n第二行");
        // Only the years written are offered.
        assert!(
            l.fields
                .iter()
                .all(|f| !f.field.path.starts_with("finance.2020"))
        );
        assert_eq!(field(&l, "finance.2021.profit").value, "2.5");
        // Parts: a block, a file, one line, one missing.
        let how: Vec<How> = l.parts.iter().map(|p| p.how).collect();
        assert_eq!(how, [How::Block, How::File, How::Missing, How::Inline]);
        let abs = l.parts[0].place.clone().expect("a block");
        assert_eq!(&y[abs.start..abs.end], "  摘要。\n\n  第二段。");
        assert_eq!(l.parts[0].indent, 2);
        assert_eq!(l.parts[1].file, "parts/overview.md");
        // Every value replaced by a JSON string reads back as that string.
        for (path, new) in [
            ("company.name", "乙公司 \"新\" #1"),
            ("company.quality_head.title", "质量总监"),
            ("contact.phone", "13812345678"),
            ("benchmark.brief", "一行: 简介"),
            ("date", "2023-03-21"),
        ] {
            let f = field(&l, path);
            let json = serde_json::to_string(new).unwrap();
            assert_eq!(
                reread("material.yaml", &put(y, f, &json), path),
                new,
                "{path}"
            );
        }
    }

    /// A part's new text put in its place as the page does (`editor.js`
    /// `written`): around it `before` and `after`, each line indented.
    fn write_part(text: &str, p: &PartPlace, new: &str) -> String {
        let place = p.place.as_ref().expect("a place");
        let pad = " ".repeat(p.indent);
        let lines: Vec<String> = new
            .split('\n')
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{pad}{l}")
                }
            })
            .collect();
        format!(
            "{}{}{}{}{}",
            &text[..place.start],
            p.before,
            lines.join("\n"),
            p.after,
            &text[place.end..]
        )
    }

    /// The part `key` of `text` as a second layout finds it: a block or a
    /// section, its lines without their indentation.
    fn part_text(name: &str, text: &str, key: &str) -> String {
        let l = layout(name, text.as_bytes(), &[]);
        assert_eq!(l.error, None, "{text}");
        let p = l.parts.iter().find(|p| p.key == key).expect("part");
        assert!(
            matches!(p.how, How::Block | How::Section),
            "{key}: {:?} in {text}",
            p.how
        );
        let place = p.place.as_ref().expect("place");
        text[place.start..place.end]
            .split('\n')
            .map(|l| {
                l.strip_prefix(&" ".repeat(p.indent))
                    .unwrap_or(l.trim_start())
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A part on one line, or not written yet, can be typed in its own
    /// editor: the page writes it where the reader finds it, as a block or
    /// a section, and nothing else in the file moves.
    #[test]
    fn parts_on_one_line_or_missing_are_written_where_they_are_read() {
        let new = "第一段，含 # 号与 key: 冒号。\n\n- 列表\n- 第二项";
        let y = "company: {name: 甲公司}\nabstract: '摘要''一行'\neffects: 一行的效果 # 注释\n  \noverview: {file: parts/o.md}";
        let l = layout("material.yaml", y.as_bytes(), &[]);
        let by = |key: &str| l.parts.iter().find(|p| p.key == key).expect("part").clone();
        let abs = by("abstract");
        assert_eq!(
            (abs.how, abs.value.as_deref()),
            (How::Inline, Some("摘要'一行"))
        );
        for key in ["abstract", "effects", "implementation"] {
            let written = write_part(y, &by(key), new);
            assert_eq!(
                part_text("material.yaml", &written, key),
                new,
                "{key}: {written}"
            );
            assert!(
                written.starts_with("company: {name: 甲公司}\n"),
                "{written}"
            );
            // The other parts read as before.
            let again = layout("material.yaml", written.as_bytes(), &[]);
            assert_eq!(
                again
                    .parts
                    .iter()
                    .find(|p| p.key == "overview")
                    .expect("o")
                    .how,
                How::File
            );
        }
        // Markdown: a missing section at the end, its heading the part's title.
        let md = "---\ncompany: {name: 甲公司}\n---\n\n# 摘要\n\n摘要。";
        let l = layout("material.md", md.as_bytes(), &[]);
        let effects = l
            .parts
            .iter()
            .find(|p| p.key == "effects")
            .expect("effects");
        assert_eq!(effects.how, How::Missing);
        let written = write_part(md, effects, new);
        assert_eq!(
            part_text("material.md", &written, "effects").trim(),
            new,
            "{written}"
        );
        assert_eq!(
            part_text("material.md", &written, "abstract").trim(),
            "摘要。"
        );
    }

    #[test]
    fn missing_keys_are_added_in_place() {
        let y = "company:\n  name: 甲公司\n  quality_head: {name: 王五}\ncontact: {name: 张三, phone: \"13912345678\"}\nbenchmark:\n  title: 甲公司经验\ndate: 2023-03-20\nabstract: |\n  摘要。\n";
        let l = layout("material.yaml", y.as_bytes(), &[2020, 2021, 2022]);
        for (path, new) in [
            ("company.address", "\"洛阳市\""),
            ("company.quality_head.title", "\"总监\""),
            ("contact.email", "\"a@b.cn\""),
            ("patents.applied", "3"),
            ("finance.2021.revenue", "100"),
            ("honors", "2"),
        ] {
            let f = field(&l, path);
            assert!(!f.present, "{path}");
            let text = put(y, f, new);
            assert_eq!(
                reread("material.yaml", &text, path),
                new.trim_matches('"'),
                "{path}: {text}"
            );
            // The parts stay where they were (after the metadata).
            assert!(text.ends_with("abstract: |\n  摘要。\n"), "{text}");
        }
        // An empty `key:`.
        let y2 = y.replace("date: 2023-03-20", "date:");
        let l = layout("material.yaml", y2.as_bytes(), &[]);
        let d = field(&l, "date");
        assert!(d.present && d.value.is_empty());
        assert_eq!(
            reread("material.yaml", &put(&y2, d, "\"2023-03-22\""), "date"),
            "2023-03-22"
        );
    }

    #[test]
    fn front_matter_of_material_md() {
        let md = "\u{feff}---\r\ncompany: {name: 甲公司}\r\ncontact: {name: 张三, phone: \"13912345678\"}\r\nbenchmark: {title: 甲公司经验}\r\ndate: 2023-03-20\r\n---\r\n\r\n# 摘要\r\n\r\n摘要。\r\n\r\n# 企业概况\r\n\r\n概况。";
        let l = layout("material.md", md.as_bytes(), &[2020, 2021, 2022]);
        assert_eq!(l.error, None);
        // Lines and columns are the file's (the reader's text has no BOM and no CR).
        let name = field(&l, "company.name");
        assert_eq!(
            (name.place.line, name.place.column, name.place.end_column),
            (2, 17, 20)
        );
        let how: Vec<How> = l.parts.iter().map(|p| p.how).collect();
        assert_eq!(
            how,
            [How::Section, How::Section, How::Missing, How::Missing]
        );
        let abs = l.parts[0].place.clone().expect("摘要");
        assert_eq!(
            (abs.line, abs.column, abs.end_line, abs.end_column),
            (9, 1, 12, 1)
        );
        let ov = l.parts[1].place.clone().expect("企业概况");
        assert_eq!((ov.line, ov.end_line, ov.end_column), (13, 14, 4));
        // A missing key goes into the front matter.
        let text = crate::source::decode::text_of(md.as_bytes(), Path::new("material.md")).unwrap();
        let f = field(&l, "company.address");
        let new = put(&text, f, "\"洛阳市\"");
        assert_eq!(reread("material.md", &new, "company.address"), "洛阳市");
    }

    #[test]
    fn broken_yaml_says_why() {
        let l = layout("material.yaml", "company: {name: 甲\n".as_bytes(), &[]);
        assert!(l.error.is_some() && l.fields.is_empty());
    }
}
