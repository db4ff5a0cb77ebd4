//! Captions and numbers: the numbers a writer typed before a heading or a
//! caption, `表：` caption paragraphs attached to the table after them,
//! tables numbered (B7) and a figure's width from its title.

use super::*;

/// Strips a number the writer typed at the start of a heading (`一、`,
/// `（二）`, `1.`, `2.3`, `（1）`, `①`, `第一章`); returns what was stripped.
pub(super) fn strip_typed_number(content: &mut [Inline]) -> Option<String> {
    let Some(Inline::Text { v }) = content.first_mut() else {
        return None;
    };
    let n = typed_number_len(v)?;
    let typed = v[..n].trim().to_string();
    *v = v[n..].trim_start().to_string();
    Some(typed)
}

pub(super) fn typed_number_len(s: &str) -> Option<usize> {
    const CN: &str = "一二三四五六七八九十百零〇两";
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(s.len(), |(o, _)| *o);
    let skip_ws = |mut i: usize| {
        while chars.get(i).is_some_and(|(_, c)| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    let first = chars.first()?.1;
    let len = if first == '第' {
        i = 1;
        while chars
            .get(i)
            .is_some_and(|(_, c)| CN.contains(*c) || c.is_ascii_digit())
        {
            i += 1;
        }
        if i == 1 || !chars.get(i).is_some_and(|(_, c)| "章节部分条".contains(*c)) {
            return None;
        }
        i + 1
    } else if first == '（' || first == '(' {
        i = 1;
        while chars
            .get(i)
            .is_some_and(|(_, c)| CN.contains(*c) || c.is_ascii_digit())
        {
            i += 1;
        }
        if i == 1 || !chars.get(i).is_some_and(|(_, c)| *c == '）' || *c == ')') {
            return None;
        }
        i + 1
    } else if CN.contains(first) {
        while chars.get(i).is_some_and(|(_, c)| CN.contains(*c)) {
            i += 1;
        }
        if !chars.get(i).is_some_and(|(_, c)| "、．.".contains(*c)) {
            return None;
        }
        i + 1
    } else if first.is_ascii_digit() {
        while chars
            .get(i)
            .is_some_and(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == '．')
        {
            i += 1;
        }
        let sep = chars
            .get(i)
            .is_some_and(|(_, c)| "、 \u{3000}）)".contains(*c));
        let dotted = chars[..i].iter().any(|(_, c)| *c == '.' || *c == '．');
        if !(sep || dotted) {
            return None;
        }
        if sep {
            i += 1;
        }
        i
    } else if ('①'..='⑳').contains(&first)
        || ('⑴'..='⒛').contains(&first)
        || ('㈠'..='㈩').contains(&first)
    {
        // ①, ⑴, ⒈ and ㈠ are one character each, with or without a 、 after.
        if chars.get(1).is_some_and(|(_, c)| "、．.".contains(*c)) {
            2
        } else {
            1
        }
    } else {
        return None;
    };
    let end = skip_ws(len);
    // Never strip a whole heading.
    if end >= chars.len() {
        return None;
    }
    Some(end_of(end))
}

/// A paragraph `表：caption` (or `表1：caption`, `表 caption`) is a table
/// caption; returns the caption and whether a number was typed.
pub(super) fn table_caption(content: &[Inline]) -> Option<(Vec<Inline>, bool)> {
    // A caption the writer made bold (`**表：…**`) is still a caption; the
    // template sets it bold anyway (B6).
    if let [Inline::Strong { c }] = content {
        return table_caption(c);
    }
    let Some(Inline::Text { v }) = content.first() else {
        return None;
    };
    let rest = v.strip_prefix('表')?;
    let digits = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .count();
    let after_num = rest.trim_start()[digits..].trim_start();
    let typed = digits > 0;
    let cap = if let Some(r) = after_num
        .strip_prefix('：')
        .or_else(|| after_num.strip_prefix(':'))
    {
        r.trim_start()
    } else if typed && after_num.len() < rest.len() {
        after_num
    } else {
        return None;
    };
    let mut caption = content.to_vec();
    caption[0] = text(cap);
    if plain_text(&caption).trim().is_empty() {
        return None;
    }
    Some((caption, typed))
}

/// Strips `图1：`, `图 2 `, `图3-1 ` from a figure caption.
pub(super) fn strip_caption_number(content: &mut [Inline], kind: char) -> Option<String> {
    let Some(Inline::Text { v }) = content.first_mut() else {
        return None;
    };
    let rest = v.strip_prefix(kind)?;
    let t = rest.trim_start();
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .count();
    if digits == 0 {
        return None;
    }
    let after = t[digits..].trim_start_matches([' ', '\u{3000}', '：', ':']);
    let typed = v[..v.len() - after.len()].trim().to_string();
    *v = after.to_string();
    Some(typed)
}

pub(super) fn parse_width(title: &str) -> Result<Option<Width>, ()> {
    let t = title.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let t = t
        .strip_prefix("width")
        .map(|r| r.trim_start().trim_start_matches(['=', ':', '：']).trim())
        .unwrap_or(t);
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let value: f64 = t[..num_end].parse().map_err(|_| ())?;
    if !(value > 0.0 && value.is_finite()) {
        return Err(());
    }
    let unit = t[num_end..].trim();
    let w = match unit {
        "%" | "％" => Width::Ratio((value / 100.0).min(1.0)),
        "cm" => Width::Pt(value * 72.0 / 2.54),
        "mm" => Width::Pt(value * 72.0 / 25.4),
        "pt" => Width::Pt(value),
        "in" => Width::Pt(value * 72.0),
        _ => return Err(()),
    };
    Ok(Some(w))
}

/// Converts pending blocks to final blocks: attaches each caption paragraph
/// to the table right after it, numbers tables (B7) and reports tables
/// without caption (V3).
pub(super) fn finish(pending: Vec<Pending>, p: &mut PartParser) -> Vec<Block> {
    let mut out = Vec::new();
    let mut iter = pending.into_iter().peekable();
    while let Some(item) = iter.next() {
        match item {
            Pending::Block(b) => out.push(b),
            Pending::Caption {
                caption,
                para,
                range,
            } => {
                if matches!(iter.peek(), Some(Pending::Table { .. })) {
                    if let Some(Pending::Table {
                        block:
                            Block::Table {
                                aligns,
                                header,
                                rows,
                                ..
                            },
                        range: table_range,
                    }) = iter.next()
                    {
                        p.ctx.counters.tables += 1;
                        out.push(Block::Table {
                            number: p.ctx.counters.tables,
                            caption,
                            aligns,
                            header,
                            rows,
                            runs: Vec::new(),
                            span: Some(p.span(table_range.start..table_range.start)),
                        });
                    }
                } else {
                    let cause = not_a_table_cause(&p.prepared.text[range.end..]);
                    p.ctx.diags.push(
                        Diagnostic::warning(
                            Code::MissingCaption,
                            format!("这段以“表：”开头，但下面没有紧跟表格，按普通段落排版{cause}"),
                        )
                        .at(p.span(range))
                        .help("表题段落之后紧接着写表格（中间最多一个空行）：每行用 | 分隔各格，第二行写 | --- | --- |；从 Excel 复制的多行（Tab 分隔）也可以直接粘贴"),
                    );
                    out.push(Block::Para { content: para });
                }
            }
            Pending::Table { block, range } => {
                // Printed without a caption; the rule (V3) is `check`'s.
                if let Block::Table {
                    aligns,
                    header,
                    rows,
                    ..
                } = block
                {
                    p.ctx.counters.tables += 1;
                    out.push(Block::Table {
                        number: p.ctx.counters.tables,
                        caption: Vec::new(),
                        aligns,
                        header,
                        rows,
                        runs: Vec::new(),
                        span: Some(p.span(range.start..range.start)),
                    });
                }
            }
        }
    }
    out
}

/// Why the lines after a caption are not a table, in the writer's terms.
pub(super) fn not_a_table_cause(after: &str) -> String {
    let lines: Vec<&str> = after
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let Some(first) = lines.first() else {
        return String::new();
    };
    if lines.len() == 1 && (first.contains(['|', '｜']) || first.contains('\t')) {
        "：下面只有一行，表格至少要有表头和一行数据".into()
    } else if first.contains('\t') {
        "：下面几行用 Tab 分隔，但不是每行都有 Tab".into()
    } else if first.contains(['|', '｜']) {
        "：下面几行有竖线，但不是每行都以 | 开头".into()
    } else {
        String::new()
    }
}
