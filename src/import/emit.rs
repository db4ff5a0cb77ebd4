//! The material as text: YAML front matter, then the four parts in the
//! Markdown dialect of SPEC §12. Every character of the writer's text is
//! written so that the dialect reads it back as that character: markup
//! signs are escaped, never dropped.

use std::fmt::Write;

use super::fields::Fields;
use super::structure::Block;
use super::word::{Doc, Piece, Vert};
use crate::material::PartKind;

/// ASCII signs the dialect may read as markup anywhere in a line.
const INLINE_SIGNS: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '~', '^', '|', '$'];

/// Escapes text so that the dialect prints it as it is.
pub fn escape(text: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut at_start = line_start;
    while let Some(c) = chars.next() {
        if at_start {
            // A line that would open a heading, list, quote, rule or
            // setext underline.
            if matches!(c, '#' | '-' | '+' | '=' | '>') {
                out.push('\\');
                out.push(c);
                at_start = false;
                continue;
            }
            if c.is_ascii_digit() {
                out.push(c);
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    out.push(d);
                    chars.next();
                }
                if let Some(&p) = chars.peek()
                    && (p == '.' || p == ')')
                {
                    out.push('\\');
                    out.push(p);
                    chars.next();
                }
                at_start = false;
                continue;
            }
        }
        at_start = false;
        if INLINE_SIGNS.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c == '&'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#')
        {
            out.push_str("\\&");
        } else if matches!(c, '\n' | '\r' | '\t') {
            // A Tab inside a paragraph is spacing, as Word shows it.
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a raised run can use the dialect's `^x^` / `~x~` (short ASCII
/// letters and digits).
fn short_script(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 10
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-')
}

/// Inline pieces → Markdown, footnote marks numbered from `notes`.
fn inline(pieces: &[Piece], notes: &mut Vec<String>, doc: &Doc, line_start: bool) -> String {
    let mut out = String::new();
    let mut start = line_start;
    // Where the last bold run's closing `**` ends: a bold run right after
    // it (raised differently, as `**H~2~O**` in Word is three runs)
    // continues it instead of opening `**` again (`****` reads as text).
    let mut bold_end: Option<usize> = None;
    for p in pieces {
        match p {
            Piece::Text { text, bold, vert } => {
                if text.is_empty() {
                    continue;
                }
                let body = match vert {
                    Vert::Base => escape(text, start),
                    Vert::Sup if short_script(text) => format!("^{text}^"),
                    Vert::Sub if short_script(text) => format!("~{text}~"),
                    Vert::Sup => format!("<sup>{}</sup>", escape(text, false)),
                    Vert::Sub => format!("<sub>{}</sub>", escape(text, false)),
                };
                if *bold && !text.trim().is_empty() {
                    // Bold keeps its blanks outside the markers, where
                    // CommonMark wants them.
                    let lead = &text[..text.len() - text.trim_start().len()];
                    let trail = &text[text.trim_end().len()..];
                    let inner = match vert {
                        Vert::Base => escape(text.trim(), start && lead.is_empty()),
                        _ => body.clone(),
                    };
                    if lead.is_empty() && bold_end == Some(out.len()) {
                        out.truncate(out.len() - 2);
                        let _ = write!(out, "{inner}**");
                    } else {
                        let _ = write!(out, "{}**{inner}**", escape(lead, start));
                    }
                    if trail.is_empty() {
                        bold_end = Some(out.len());
                    } else {
                        out.push_str(&escape(trail, false));
                    }
                    start = false;
                    continue;
                } else {
                    out.push_str(&body);
                }
            }
            Piece::Break => out.push_str("<br>"),
            Piece::Footnote(i) => {
                let text = doc
                    .footnotes
                    .get(*i)
                    .map(|f| {
                        let mut none = Vec::new();
                        inline(f, &mut none, doc, false)
                    })
                    .unwrap_or_default();
                notes.push(text);
                let _ = write!(out, "[^{}]", notes.len());
            }
            Piece::Image(_) | Piece::Lost(_) => {}
        }
        start = false;
    }
    out
}

/// A YAML scalar that reads back as exactly `s`: JSON's double-quoted
/// string is valid YAML.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The front matter: the values found, and a comment for each required
/// one that was not.
fn front_matter(f: &Fields, source: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "---");
    let _ = writeln!(
        s,
        "# 由 shenbao import 从 {} 导入；请核对每一项。",
        source.replace('\n', " ")
    );
    let v = |k: &str| f.get(k).map(str::to_string);
    let num = |k: &str| f.get(k).map(str::to_string);
    if let Some(p) = v("profile") {
        let _ = writeln!(s, "profile: {}", quoted(&p));
    }
    let _ = writeln!(s, "company:");
    match v("company.name") {
        Some(n) => {
            let _ = writeln!(s, "  name: {}", quoted(&n));
        }
        None => {
            let _ = writeln!(s, "  # name: 企业全称（导入时没有找到，请填写）");
        }
    }
    for (k, y) in [
        ("company.address", "address"),
        ("company.nature", "nature"),
        ("company.scale", "scale"),
        ("company.industry", "industry"),
    ] {
        if let Some(x) = v(k) {
            let _ = writeln!(s, "  {y}: {}", quoted(&x));
        }
    }
    if let Some(n) = num("company.employees") {
        let _ = writeln!(s, "  employees: {n}");
    }
    if let Some(n) = v("company.quality_head.name") {
        let title = v("company.quality_head.title")
            .map(|t| format!(", title: {}", quoted(&t)))
            .unwrap_or_default();
        let _ = writeln!(s, "  quality_head: {{name: {}{title}}}", quoted(&n));
    }
    let _ = writeln!(s, "contact:");
    match v("contact.name") {
        Some(n) => {
            let _ = writeln!(s, "  name: {}", quoted(&n));
        }
        None => {
            let _ = writeln!(s, "  # name: 联系人姓名（导入时没有找到，请填写）");
        }
    }
    if let Some(t) = v("contact.title") {
        let _ = writeln!(s, "  title: {}", quoted(&t));
    }
    match v("contact.phone") {
        Some(p) => {
            let _ = writeln!(s, "  phone: {}", quoted(&p));
        }
        None => {
            let _ = writeln!(
                s,
                "  # phone: \"13800000000\"  # 联系人手机（导入时没有找到，请填写）"
            );
        }
    }
    if let Some(e) = v("contact.email") {
        let _ = writeln!(s, "  email: {}", quoted(&e));
    }
    // finance.YEAR.FIELD
    let mut years: Vec<&str> = f
        .map
        .keys()
        .filter_map(|k| k.strip_prefix("finance."))
        .filter_map(|k| k.split('.').next())
        .collect();
    years.dedup();
    if !years.is_empty() {
        let _ = writeln!(s, "finance:");
        for y in years {
            let items: Vec<String> = ["assets", "revenue", "profit"]
                .iter()
                .filter_map(|n| {
                    f.get(&format!("finance.{y}.{n}"))
                        .map(|v| format!("{n}: {v}"))
                })
                .collect();
            let _ = writeln!(s, "  {y}: {{{}}}", items.join(", "));
        }
    }
    let patents: Vec<String> = ["applied", "granted"]
        .iter()
        .filter_map(|n| f.get(&format!("patents.{n}")).map(|v| format!("{n}: {v}")))
        .collect();
    if !patents.is_empty() {
        let _ = writeln!(s, "patents: {{{}}}", patents.join(", "));
    }
    if let Some(n) = num("software_copyrights") {
        let _ = writeln!(s, "software_copyrights: {n}");
    }
    let standards: Vec<String> = [
        "international",
        "national",
        "industry",
        "local",
        "group",
        "enterprise",
    ]
    .iter()
    .filter_map(|n| {
        f.get(&format!("standards.{n}"))
            .map(|v| format!("{n}: {v}"))
    })
    .collect();
    if !standards.is_empty() {
        let _ = writeln!(s, "standards: {{{}}}", standards.join(", "));
    }
    if let Some(n) = num("honors") {
        let _ = writeln!(s, "honors: {n}");
    }
    details(f, &mut s);
    let _ = writeln!(s, "benchmark:");
    match v("benchmark.title") {
        Some(t) => {
            let _ = writeln!(s, "  title: {}", quoted(&t));
        }
        None => {
            let _ = writeln!(s, "  # title: 标杆名称（导入时没有找到，请填写）");
        }
    }
    if let Some(b) = v("benchmark.brief") {
        let _ = writeln!(s, "  brief: {}", quoted(&b));
    }
    match v("date") {
        Some(d) => {
            let _ = writeln!(s, "date: {}", quoted(&d));
        }
        None => {
            let _ = writeln!(
                s,
                "# date: 2023-03-20  # 申报日期（导入时没有找到，请填写）"
            );
        }
    }
    let _ = writeln!(s, "---");
    s
}

/// The 附表 read (`details.KIND.NNN.KEY`) as `details:` lists, one flow
/// mapping an item, keys in the guide's order; a year is a number.
fn details(f: &Fields, s: &mut String) {
    const KINDS: [(&str, &[&str]); 4] = [
        ("patents", &["name", "number", "status", "date"]),
        ("software_copyrights", &["name", "number", "date"]),
        ("standards", &["name", "number", "level", "role"]),
        ("honors", &["name", "by", "year"]),
    ];
    let mut head = false;
    for (kind, keys) in KINDS {
        let prefix = format!("details.{kind}.");
        let mut items: Vec<&str> = f
            .map
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter_map(|k| k.split('.').next())
            .collect();
        items.dedup();
        if items.is_empty() {
            continue;
        }
        if !head {
            let _ = writeln!(s, "details:");
            head = true;
        }
        let _ = writeln!(s, "  {kind}:");
        for item in items {
            let pairs: Vec<String> = keys
                .iter()
                .filter_map(|k| {
                    let v = f.get(&format!("{prefix}{item}.{k}"))?;
                    let year =
                        *k == "year" && !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
                    Some(if year {
                        format!("{k}: {v}")
                    } else {
                        format!("{k}: {}", quoted(v))
                    })
                })
                .collect();
            let _ = writeln!(s, "    - {{{}}}", pairs.join(", "));
        }
    }
}

/// The whole material.md.
pub fn material_md(
    fields: &Fields,
    parts: &[(PartKind, Vec<Block>)],
    doc: &Doc,
    source: &str,
) -> String {
    let mut s = front_matter(fields, source);
    for (kind, blocks) in parts {
        let _ = write!(s, "\n# {}\n\n", kind.title());
        let mut notes = Vec::new();
        let mut prev_item = false;
        // Content columns of the open list items, for nesting.
        let mut columns: Vec<usize> = Vec::new();
        for b in blocks {
            let is_item = matches!(b, Block::Item { .. });
            if prev_item && !is_item {
                s.push('\n');
                columns.clear();
            }
            match b {
                Block::Heading { level, pieces } => {
                    let text = inline(pieces, &mut notes, doc, false);
                    let _ = write!(s, "{} {}\n\n", "#".repeat(*level as usize), text);
                }
                Block::Para { pieces } => {
                    let text = inline(pieces, &mut notes, doc, true);
                    if !text.trim().is_empty() {
                        let _ = write!(s, "{text}\n\n");
                    }
                }
                Block::Item {
                    ordered,
                    depth,
                    number,
                    pieces,
                } => {
                    let depth = (*depth as usize).min(columns.len());
                    columns.truncate(depth);
                    let indent = columns.last().copied().unwrap_or(0);
                    let marker = if *ordered {
                        format!("{number}. ")
                    } else {
                        "- ".to_string()
                    };
                    columns.push(indent + marker.chars().count());
                    let text = inline(pieces, &mut notes, doc, false);
                    let _ = writeln!(s, "{}{marker}{text}", " ".repeat(indent));
                }
                Block::Table { caption, rows } => {
                    if let Some(c) = caption {
                        let _ = writeln!(s, "表：{}\n", inline(c, &mut notes, doc, false));
                    }
                    for (r, row) in rows.iter().enumerate() {
                        let cells: Vec<String> = row
                            .iter()
                            .map(|c| {
                                let t = inline(c, &mut notes, doc, false);
                                if t.trim().is_empty() { " ".into() } else { t }
                            })
                            .collect();
                        let _ = writeln!(s, "| {} |", cells.join(" | "));
                        if r == 0 {
                            let _ = writeln!(s, "|{}", " --- |".repeat(row.len()));
                        }
                    }
                    s.push('\n');
                }
                Block::Figure { image, caption } => {
                    let img = &doc.images[*image];
                    let cap = caption
                        .as_ref()
                        .map(|c| inline(c, &mut notes, doc, false))
                        .unwrap_or_default();
                    let width = img
                        .width_emu
                        .filter(|_| doc.text_width_emu > 0)
                        .map(|w| {
                            ((w as f64 / doc.text_width_emu as f64) * 100.0)
                                .round()
                                .clamp(5.0, 100.0)
                        })
                        .map(|p| format!(" \"width={p}%\""))
                        .unwrap_or_default();
                    let _ = write!(s, "![{cap}](img/{}{width})\n\n", img.name);
                }
            }
            prev_item = is_item;
        }
        if prev_item {
            s.push('\n');
        }
        for (i, n) in notes.iter().enumerate() {
            let _ = write!(s, "[^{}]: {n}\n\n", i + 1);
        }
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block as MdBlock, Inline, plain_text};
    use proptest::prelude::*;

    /// The blocks the dialect reads from `md`, as the 推进实施 part.
    fn parse(md: &str) -> Vec<MdBlock> {
        crate::markdown::parse_str(md).0
    }

    fn para_text(md: &str) -> String {
        let blocks = parse(md);
        assert_eq!(blocks.len(), 1, "one paragraph from {md:?}: {blocks:?}");
        match &blocks[0] {
            MdBlock::Para { content } => plain_text(content),
            other => panic!("{md:?} is not a paragraph: {other:?}"),
        }
    }

    #[test]
    fn markup_signs_print_as_typed() {
        for t in [
            "# 不是标题",
            "- 不是列表",
            "1. 不是列表",
            "2) 也不是",
            "> 不是引用",
            "=== 不是下划线",
            "温度20~22℃，面积3*6m，m^2 与 x_1",
            "[3]: 河南省质量协会，2021年。",
            "[^1] 不是脚注",
            "<script>alert(1)</script> & &amp; &#x41;",
            "#read(\"/etc/passwd\") $x$ `code` \\ 反斜杠",
            "| 竖线 | 不是表格 |",
            "**不是加粗** __也不是__",
            "![不是图](img/a.png)",
        ] {
            assert_eq!(
                para_text(&escape(t, true)),
                t,
                "escaped: {}",
                escape(t, true)
            );
        }
    }

    #[test]
    fn a_bold_run_raised_in_the_middle_is_one_bold_span() {
        let doc = Doc::default();
        let run = |text: &str, vert| Piece::Text {
            text: text.into(),
            bold: true,
            vert,
        };
        let pieces = vec![
            run("H", Vert::Base),
            run("2", Vert::Sub),
            run("O含量", Vert::Base),
        ];
        let md = inline(&pieces, &mut Vec::new(), &doc, true);
        assert_eq!(md, "**H~2~O含量**");
        let blocks = parse(&md);
        let MdBlock::Para { content } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert!(
            matches!(&content[..], [Inline::Strong { .. }]),
            "{md} → {content:?}"
        );
    }

    #[test]
    fn bold_runs_stay_bold_next_to_chinese_punctuation() {
        let doc = Doc::default();
        let pieces = vec![
            Piece::Text {
                text: "构建了".into(),
                bold: false,
                vert: Vert::Base,
            },
            Piece::Text {
                text: "“全链条零缺陷”精益质量管理模式".into(),
                bold: true,
                vert: Vert::Base,
            },
            Piece::Text {
                text: "。".into(),
                bold: false,
                vert: Vert::Base,
            },
        ];
        let md = inline(&pieces, &mut Vec::new(), &doc, true);
        let blocks = parse(&md);
        let MdBlock::Para { content } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert!(
            content.iter().any(|i| matches!(i, Inline::Strong { .. })),
            "{md} → {content:?}"
        );
        assert_eq!(
            plain_text(content),
            "构建了“全链条零缺陷”精益质量管理模式。"
        );
    }

    proptest! {
        /// Any text a writer may type, escaped, reads back as itself.
        #[test]
        fn any_text_reads_back(t in "[a-z0-9中文，。“”（）#*_~^<>&;|!\\[\\]()`$\\\\: .+=-]{1,40}") {
            let t = t.trim().to_string();
            prop_assume!(!t.is_empty());
            prop_assert_eq!(para_text(&escape(&t, true)), t);
        }
    }
}
