//! What the paragraphs are: the cover, the article title, the four parts,
//! and in each part its headings, lists, tables with their captions,
//! figures with theirs, and paragraphs.
//!
//! How a heading is told from a paragraph that merely starts with a number:
//! - a paragraph with an outline level (its own, or its style's through the
//!   `basedOn` chain: 标题 1–9, heading 1–9, a custom style based on them) is
//!   a heading;
//! - otherwise a paragraph numbered the Chinese way (`一、` `（一）` `1.` `1、`
//!   `（1）` `⑴` `①`, typed or automatic) is a heading when it is short (at
//!   most 40 characters), does not end like a sentence, and is bold (or its
//!   number is automatic in `（一）` form);
//! - an item of an automatic list (bullets, or numbers that are not a
//!   heading's) stays a list item even when its text starts with a number;
//! - a short numbered paragraph that is neither bold nor in a list is a
//!   paragraph, and reported as ambiguous.

use super::fields::Fields;
use super::report::{At, Kind, Note, PartSummary, first_words};
use super::word::{Doc, Item, Para, Piece, Table};
use crate::material::PartKind;

/// A block of a part, as the Markdown dialect will say it.
#[derive(Clone, Debug)]
pub enum Block {
    /// `level` 2 = `##` （一）… 5 = `#####` ①.
    Heading {
        level: u8,
        pieces: Vec<Piece>,
    },
    Para {
        pieces: Vec<Piece>,
    },
    Item {
        ordered: bool,
        depth: u8,
        number: u32,
        pieces: Vec<Piece>,
    },
    Table {
        caption: Option<Vec<Piece>>,
        rows: Vec<Vec<Vec<Piece>>>,
    },
    Figure {
        image: usize,
        caption: Option<Vec<Piece>>,
    },
}

pub struct Structured {
    pub fields: Fields,
    pub parts: Vec<(PartKind, Vec<Block>)>,
    pub summaries: Vec<PartSummary>,
}

/// The number a writer typed or Word generated, by the level it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    /// `一、`
    ChineseComma,
    /// `（一）`
    ParenChinese,
    /// `1.` `1、` `1．`
    Arabic,
    /// `1.1`, `2.1.3`: the count of numbers.
    Dotted(u8),
    /// `（1）` `(1)` `⑴`
    ParenArabic,
    /// `①`
    Circled,
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇";

/// A leading number and the text after it.
fn leading_number(text: &str) -> Option<(Num, &str)> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    let after =
        |i: usize| t[i..].trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if CN_DIGITS.contains(first) {
        let end = t
            .char_indices()
            .find(|(_, c)| !CN_DIGITS.contains(*c))
            .map(|(i, _)| i)?;
        let rest = &t[end..];
        if let Some(r) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('．')) {
            return Some((Num::ChineseComma, after(t.len() - r.len())));
        }
        return None;
    }
    if first == '（' || first == '(' {
        let inner = &t[first.len_utf8()..];
        let close = inner.find(['）', ')'])?;
        let n = &inner[..close];
        let close_len = inner[close..].chars().next()?.len_utf8();
        let rest_at = first.len_utf8() + close + close_len;
        if !n.is_empty() && n.chars().all(|c| CN_DIGITS.contains(c)) {
            return Some((Num::ParenChinese, after(rest_at)));
        }
        if !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()) {
            return Some((Num::ParenArabic, after(rest_at)));
        }
        return None;
    }
    if ('⑴'..='⒇').contains(&first) {
        return Some((Num::ParenArabic, after(first.len_utf8())));
    }
    if ('①'..='⑳').contains(&first) {
        return Some((Num::Circled, after(first.len_utf8())));
    }
    if first.is_ascii_digit() {
        let digits_end = t
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len());
        let num = &t[..digits_end];
        let parts: Vec<&str> = num.trim_end_matches('.').split('.').collect();
        if parts.iter().any(|p| p.is_empty() || p.len() > 2) {
            return None;
        }
        if parts.len() >= 2 {
            let rest = &t[digits_end..];
            // `1.1 标题`; but `3.5万元` is a number in a sentence.
            if rest.starts_with(|c: char| c.is_whitespace() || c == '\u{3000}')
                || num.ends_with('.')
            {
                return Some((Num::Dotted(parts.len() as u8), after(digits_end)));
            }
            return None;
        }
        let rest = &t[digits_end..];
        if num.ends_with('.') {
            return Some((Num::Arabic, after(digits_end)));
        }
        if let Some(r) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('．')) {
            return Some((Num::Arabic, after(t.len() - r.len())));
        }
    }
    None
}

/// The `##` level a number means inside a part.
fn level_of(n: Num) -> u8 {
    match n {
        Num::ChineseComma | Num::ParenChinese => 2,
        Num::Arabic => 3,
        Num::Dotted(d) => d.clamp(2, 5),
        Num::ParenArabic => 4,
        Num::Circled => 5,
    }
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// Whether a paragraph is a part's heading, and which.
fn part_heading(p: &Para) -> Option<(PartKind, Option<String>)> {
    let text = p.text();
    let t = squeeze(&text);
    if t.is_empty() || t.contains('…') || t.contains("...") {
        return None;
    }
    if p.num.as_ref().is_some_and(|l| l.bullet) {
        return None;
    }
    // 摘要, 摘 要, 摘要：正文……
    if let Some(rest) = t.strip_prefix("摘要") {
        if rest.is_empty() {
            return Some((PartKind::Abstract, None));
        }
        if let Some(r) = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':')) {
            let original = text.trim_start();
            let after = original
                .find(['：', ':'])
                .map(|i| original[i..].chars().skip(1).collect::<String>())
                .unwrap_or_default();
            return Some((
                PartKind::Abstract,
                (!r.is_empty()).then(|| after.trim().to_string()),
            ));
        }
        return None;
    }
    let body = match leading_number(&t) {
        Some((Num::ChineseComma, rest)) => rest.to_string(),
        Some(_) => return None,
        None => t.trim_start_matches("第").to_string(),
    };
    if body.chars().count() > 40 || body.ends_with('。') {
        return None;
    }
    let kind = if body.contains("企业概况")
        || body == "企业基本情况"
        || body == "企业简介"
        || body == "企业概述"
    {
        PartKind::Overview
    } else if body.contains("推进实施")
        || body.contains("实施与运行")
        || body.contains("实施和运行")
    {
        PartKind::Implementation
    } else if body.contains("实施效果") {
        PartKind::Effects
    } else {
        return None;
    };
    Some((kind, None))
}

/// What a caption paragraph captions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Captions {
    Table,
    Figure,
    /// A caption style without `表`/`图`: whatever stands next to it.
    Either,
}

/// A caption paragraph: `表1 …`, `表 2：…`, `图3-1 …`, a 题注 style or a SEQ
/// field. Returns what it captions and the text without its number.
fn caption(p: &Para) -> Option<(Captions, Vec<Piece>)> {
    let text = p.text();
    let t = text.trim_start();
    let styled = p.style.kind == super::styles::StyleKind::Caption || p.seq.is_some();
    let (kind, rest) = if let Some(r) = t.strip_prefix('表') {
        (Captions::Table, r)
    } else if let Some(r) = t.strip_prefix('图') {
        (Captions::Figure, r)
    } else if let Some(r) = t.strip_prefix("Table") {
        (Captions::Table, r)
    } else if let Some(r) = t.strip_prefix("Figure") {
        (Captions::Figure, r)
    } else if styled && !t.is_empty() && t.chars().count() <= 80 {
        return Some((Captions::Either, plain(trim(p.pieces.clone()))));
    } else {
        return None;
    };
    let numbered = rest
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || CN_DIGITS.contains(c));
    let colon = rest.trim_start().starts_with(['：', ':']);
    if !(numbered || styled || colon) || t.chars().count() > 80 {
        return None;
    }
    // The number, a separator, then the caption.
    let after_number = rest.trim_start().trim_start_matches(|c: char| {
        c.is_ascii_digit() || CN_DIGITS.contains(c) || matches!(c, '.' | '-' | '－' | '—' | '–')
    });
    let caption_text = after_number.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '：' | ':' | '、' | '．' | '\u{3000}')
    });
    if caption_text.is_empty() {
        return None;
    }
    let skip = text.len() - caption_text.len();
    Some((kind, plain(trim(drop_prefix(&p.pieces, skip)))))
}

/// The pieces without their first `bytes` bytes of text (a number).
fn drop_prefix(pieces: &[Piece], mut bytes: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    for p in pieces {
        if bytes == 0 {
            out.push(p.clone());
            continue;
        }
        match p {
            Piece::Text { text, bold, vert } => {
                if text.len() <= bytes {
                    bytes -= text.len();
                } else {
                    let cut = (bytes..=text.len())
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap_or(text.len());
                    out.push(Piece::Text {
                        text: text[cut..].to_string(),
                        bold: *bold,
                        vert: *vert,
                    });
                    bytes = 0;
                }
            }
            Piece::Break => bytes = bytes.saturating_sub(1),
            other => out.push(other.clone()),
        }
    }
    out
}

/// The pieces without bold: a heading or caption is bold by its rule
/// (B4, B6), so the writer's bold there is no text to keep.
fn plain(pieces: Vec<Piece>) -> Vec<Piece> {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text { text, vert, .. } => Piece::Text {
                text,
                bold: false,
                vert,
            },
            other => other,
        })
        .collect()
}

/// The text of pieces with a leading indent (full-width spaces, Tabs,
/// spaces) and trailing blanks removed.
fn trim(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut pieces = pieces;
    while let Some(Piece::Text { text, .. }) = pieces.first_mut() {
        let t = text
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
            .to_string();
        if t.is_empty() {
            pieces.remove(0);
        } else {
            *text = t;
            break;
        }
    }
    while matches!(pieces.first(), Some(Piece::Break)) {
        pieces.remove(0);
    }
    while let Some(last) = pieces.last_mut() {
        match last {
            Piece::Text { text, .. } => {
                let t = text
                    .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
                    .to_string();
                if t.is_empty() {
                    pieces.pop();
                } else {
                    *text = t;
                    break;
                }
            }
            Piece::Break => {
                pieces.pop();
            }
            _ => break,
        }
    }
    pieces
}

fn ends_like_sentence(t: &str) -> bool {
    t.trim_end()
        .ends_with(['。', '；', ';', '，', ',', '：', ':', '！', '？'])
}

struct Ctx<'a> {
    file: &'a str,
    notes: &'a mut Vec<Note>,
    /// The outline level of the parts' headings (0 when they are 标题 1).
    base: u8,
}

impl Ctx<'_> {
    fn at(&self, p: &Para) -> At {
        At {
            file: self.file.to_string(),
            paragraph: p.n,
            words: first_words(&p.text()),
        }
    }

    fn note(&mut self, kind: Kind, p: &Para, text: Option<String>) {
        let at = self.at(p);
        self.notes.push(Note {
            kind,
            at: Some(at),
            text,
        });
    }
}

/// Whether a paragraph is a heading inside a part, at which level, with
/// its number removed.
fn heading(p: &Para, ctx: &mut Ctx) -> Option<(u8, Vec<Piece>)> {
    let text = p.text();
    let t = text.trim();
    if t.is_empty() || p.images().next().is_some() {
        return None;
    }
    let short = t.chars().count() <= 40 && !ends_like_sentence(t);
    let typed = leading_number(t);
    let auto = p
        .num
        .as_ref()
        .filter(|l| !l.bullet)
        .and_then(|l| leading_number(&format!("{} x", l.text.trim())).map(|(n, _)| n));
    let stripped = |p: &Para| -> Vec<Piece> {
        match typed {
            Some((_, rest)) => {
                let lead = text.len() - text.trim_start().len();
                let skip = lead + (t.len() - rest.len());
                plain(trim(drop_prefix(&p.pieces, skip)))
            }
            None => plain(trim(p.pieces.clone())),
        }
    };
    if let Some(outline) = p.outline
        && t.chars().count() <= 60
    {
        let level = match typed.map(|(n, _)| n).or(auto) {
            Some(n) => level_of(n),
            None => (2 + outline.saturating_sub(ctx.base + 1)).clamp(2, 5),
        };
        return Some((level, stripped(p)));
    }
    let number = typed.map(|(n, _)| n).or(auto)?;
    let bold = p.all_bold() || (typed.is_some() && lead_bold(p, typed.map(|x| x.1)));
    let auto_chinese = matches!(auto, Some(Num::ParenChinese) | Some(Num::ChineseComma));
    let heading_like = short && (bold || auto_chinese);
    if p.num.is_some() && !heading_like {
        // An item of an automatic list, whatever its text starts with.
        if typed.is_some() {
            ctx.note(Kind::NumberedItem, p, Some(first_words(t)));
        }
        return None;
    }
    if heading_like {
        if number == Num::ChineseComma {
            ctx.note(
                Kind::LevelGuessed,
                p,
                Some(format!("“{}”按（一）级标题处理", first_words(t))),
            );
        }
        return Some((level_of(number), stripped(p)));
    }
    if short && typed.is_some() {
        ctx.note(Kind::AmbiguousHeading, p, Some(first_words(t)));
    }
    None
}

/// Whether the whole text after a typed number is bold (a writer often
/// leaves the number itself plain).
fn lead_bold(p: &Para, rest: Option<&str>) -> bool {
    let Some(rest) = rest else { return false };
    let bold: String = p
        .pieces
        .iter()
        .filter_map(|x| match x {
            Piece::Text {
                text, bold: true, ..
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    !rest.trim().is_empty() && squeeze(&bold).ends_with(&squeeze(rest))
}

/// A part's heading and where its items end.
struct Range {
    kind: PartKind,
    heading: usize,
    end: usize,
    /// Text after `摘要：` on the heading's own line.
    lead: Option<String>,
}

/// Splits the document into cover, title and parts.
pub fn structure(doc: &Doc, file: &str, fields: Fields, notes: &mut Vec<Note>) -> Structured {
    let mut fields = fields;
    let items: Vec<&Item> = doc.items.iter().collect();
    // Part headings, in order; a part found twice keeps its first heading.
    let mut heads: Vec<(usize, PartKind, Option<String>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Para(p) = item
            && let Some((kind, rest)) = part_heading(p)
            && heads.last().is_none_or(|(_, k, _)| *k < kind)
        {
            heads.push((i, kind, rest));
        }
    }
    let first_head = heads.first().map_or(items.len(), |h| h.0);
    let owned: Vec<Item> = items.iter().map(|i| (*i).clone()).collect();
    let cover = super::cover::read(&owned, first_head, file, notes);
    for (k, f) in cover.fields.map {
        fields.map.entry(k).or_insert(f);
    }
    // The article title: the first paragraph after the cover, before the
    // first part, that reads like one.
    let mut start = cover.end;
    let mut title_at = None;
    while start < first_head {
        match items[start] {
            Item::Para(p) if p.is_blank() => start += 1,
            Item::Para(p) => {
                let t = p.text().trim().to_string();
                let looks = !ends_like_sentence(&t)
                    && t.chars().count() <= 60
                    && (p.centered
                        || p.all_bold()
                        || p.outline.is_some()
                        || p.style.kind == super::styles::StyleKind::Title
                        || t.ends_with("经验"));
                if looks {
                    title_at = Some((t, p.n, start));
                    start += 1;
                }
                break;
            }
            _ => break,
        }
    }
    match (&title_at, fields.get("benchmark.title").map(str::to_string)) {
        (Some((t, n, _)), None) => {
            let at = At {
                file: file.to_string(),
                paragraph: *n,
                words: first_words(t),
            };
            fields.set("benchmark.title", t.clone(), Some(at));
        }
        (Some((t, n, _)), Some(cover)) if squeeze(t) != squeeze(&cover) => notes.push(Note {
            kind: Kind::TitleDiffers,
            at: Some(At {
                file: file.to_string(),
                paragraph: *n,
                words: first_words(t),
            }),
            text: Some(t.clone()),
        }),
        (None, None) => notes.push(Note {
            kind: Kind::TitleMissing,
            at: None,
            text: None,
        }),
        _ => {}
    }
    // Which items each part holds.
    let ranges: Vec<Range> = heads
        .iter()
        .enumerate()
        .map(|(k, h)| Range {
            kind: h.1,
            heading: h.0,
            end: heads.get(k + 1).map_or(items.len(), |n| n.0),
            lead: h.2.clone(),
        })
        .collect();
    // What stands between the title and the first part heading.
    let stray = (start, first_head);
    let base = heads
        .iter()
        .filter_map(|(i, _, _)| match items[*i] {
            Item::Para(p) => p.outline,
            _ => None,
        })
        .min()
        .unwrap_or(0);
    let mut ctx = Ctx { file, notes, base };
    let mut parts = Vec::new();
    let mut summaries = Vec::new();
    // With no part found, the text goes where most of it belongs.
    let stray_target = if heads.is_empty() {
        PartKind::Implementation
    } else {
        PartKind::Abstract
    };
    for kind in PartKind::ALL {
        let mut part_items: Vec<&Item> = Vec::new();
        let mut lead = None;
        let mut heading_at = None;
        if kind == stray_target && stray.0 < stray.1 {
            let slice = &items[stray.0..stray.1];
            if slice
                .iter()
                .any(|i| !matches!(i, Item::Para(p) if p.is_blank()))
            {
                let first = slice.iter().find_map(|i| match i {
                    Item::Para(p) if !p.is_blank() => Some(p),
                    _ => None,
                });
                if let Some(p) = first {
                    ctx.note(Kind::PartGuessed, p, Some(kind.title().to_string()));
                }
                part_items.extend(slice.iter().copied());
            }
        }
        if let Some(r) = ranges.iter().find(|r| r.kind == kind) {
            if let Item::Para(p) = items[r.heading] {
                heading_at = Some(ctx.at(p));
            }
            lead = r.lead.clone();
            part_items.extend(items[r.heading + 1..r.end].iter().copied());
        } else {
            ctx.notes.push(Note {
                kind: Kind::PartMissing,
                at: None,
                text: Some(kind.title().to_string()),
            });
        }
        let blocks = blocks(&part_items, lead, &mut ctx);
        let mut s = PartSummary {
            key: kind.key(),
            title: kind.title(),
            heading: heading_at,
            ..PartSummary::default()
        };
        let mut last_item = false;
        for b in &blocks {
            match b {
                Block::Heading { .. } => s.headings += 1,
                Block::Para { pieces } => {
                    s.paragraphs += 1;
                    s.footnotes += pieces
                        .iter()
                        .filter(|p| matches!(p, Piece::Footnote(_)))
                        .count();
                }
                Block::Item { pieces, .. } => {
                    if !last_item {
                        s.lists += 1;
                    }
                    s.footnotes += pieces
                        .iter()
                        .filter(|p| matches!(p, Piece::Footnote(_)))
                        .count();
                }
                Block::Table { .. } => s.tables += 1,
                Block::Figure { .. } => s.figures += 1,
            }
            last_item = matches!(b, Block::Item { .. });
        }
        summaries.push(s);
        parts.push((kind, blocks));
    }
    Structured {
        fields,
        parts,
        summaries,
    }
}

/// A part's items → blocks.
fn blocks(items: &[&Item], lead: Option<String>, ctx: &mut Ctx) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    if let Some(l) = lead.filter(|l| !l.is_empty()) {
        out.push(Block::Para {
            pieces: vec![Piece::Text {
                text: l,
                bold: false,
                vert: super::word::Vert::Base,
            }],
        });
    }
    // A table caption waiting for its table.
    let mut pending_caption: Option<(Vec<Piece>, Para)> = None;
    let flush = |out: &mut Vec<Block>, pc: &mut Option<(Vec<Piece>, Para)>| {
        if let Some((_, p)) = pc.take() {
            out.push(Block::Para {
                pieces: trim(p.pieces.clone()),
            });
        }
    };
    let mut i = 0;
    while i < items.len() {
        match items[i] {
            Item::Table(t) => {
                let caption = match pending_caption.take() {
                    Some((c, _)) => Some(c),
                    None => {
                        // A caption typed below the table.
                        let below = items.get(i + 1).and_then(|n| match n {
                            Item::Para(p) => caption(p)
                                .filter(|(k, _)| *k == Captions::Table)
                                .map(|(_, c)| (c, p)),
                            _ => None,
                        });
                        match below {
                            Some((c, p)) => {
                                ctx.note(Kind::CaptionMoved, p, None);
                                i += 1;
                                Some(c)
                            }
                            None => None,
                        }
                    }
                };
                table(t, caption, &mut out, ctx);
            }
            Item::Para(p) => {
                if p.is_blank()
                    && p.images().next().is_none()
                    && !p.pieces.iter().any(|x| matches!(x, Piece::Lost(_)))
                {
                    i += 1;
                    continue;
                }
                flush(&mut out, &mut pending_caption);
                if let Some((kind, c)) = caption(p) {
                    let next_is_table = items[i + 1..]
                        .iter()
                        .find(|n| !matches!(n, Item::Para(q) if q.is_blank()))
                        .is_some_and(|n| matches!(n, Item::Table(_)));
                    let after_figure =
                        matches!(out.last(), Some(Block::Figure { caption: None, .. }));
                    if kind != Captions::Figure && next_is_table {
                        pending_caption = Some((c, p.clone()));
                        i += 1;
                        continue;
                    } else if kind != Captions::Table && after_figure {
                        if let Some(Block::Figure { caption: slot, .. }) = out.last_mut() {
                            *slot = Some(c);
                        }
                        i += 1;
                        continue;
                    } else if kind == Captions::Figure && para_is_figure(items.get(i + 1)) {
                        // A caption above its figure: moved below, as B6 wants.
                        ctx.note(
                            Kind::CaptionMoved,
                            p,
                            Some("图题写在了图的上方，已移到图的下方".into()),
                        );
                        let Some(Item::Para(fig)) = items.get(i + 1) else {
                            unreachable!()
                        };
                        figures(fig, &mut out);
                        if let Some(Block::Figure {
                            caption: slot @ None,
                            ..
                        }) = out.last_mut()
                        {
                            *slot = Some(c);
                        }
                        i += 2;
                        continue;
                    }
                }
                if let Some((level, pieces)) = heading(p, ctx) {
                    out.push(Block::Heading { level, pieces });
                } else if p.images().next().is_some()
                    || p.pieces.iter().any(|x| matches!(x, Piece::Lost(_)))
                {
                    let text = trim(
                        p.pieces
                            .iter()
                            .filter(|x| !matches!(x, Piece::Image(_) | Piece::Lost(_)))
                            .cloned()
                            .collect(),
                    );
                    if !text.is_empty() {
                        ctx.note(Kind::ImageInText, p, None);
                        push_para(p, text, &mut out);
                    }
                    figures(p, &mut out);
                } else {
                    push_para(p, trim(p.pieces.clone()), &mut out);
                }
            }
        }
        i += 1;
    }
    flush(&mut out, &mut pending_caption);
    out
}

fn para_is_figure(item: Option<&&Item>) -> bool {
    matches!(item, Some(Item::Para(p)) if p.images().next().is_some() && p.is_blank())
}

/// A paragraph or a list item.
fn push_para(p: &Para, pieces: Vec<Piece>, out: &mut Vec<Block>) {
    match &p.num {
        Some(l) => {
            let number = l
                .text
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(1);
            out.push(Block::Item {
                ordered: !l.bullet,
                depth: p.ilvl.min(6),
                number,
                pieces,
            })
        }
        None => out.push(Block::Para { pieces }),
    }
}

/// The pictures of a paragraph, each a figure; a lost one leaves its
/// caption to be kept as text.
fn figures(p: &Para, out: &mut Vec<Block>) {
    // A lost picture (a chart, an EMF) was reported where it was read; its
    // caption stays as a paragraph.
    for piece in &p.pieces {
        if let Piece::Image(i) = piece {
            out.push(Block::Figure {
                image: *i,
                caption: None,
            });
        }
    }
}

/// A Word table → a pipe table: merged cells repeated (and said), header
/// rows joined into one header, pictures moved after it.
fn table(t: &Table, caption: Option<Vec<Piece>>, out: &mut Vec<Block>, ctx: &mut Ctx) {
    let mut grid: Vec<Vec<Vec<Piece>>> = Vec::new();
    let mut merged = false;
    let mut pictures: Vec<(usize, &Para)> = Vec::new();
    for row in &t.rows {
        let mut cells: Vec<Vec<Piece>> = Vec::new();
        for cell in &row.cells {
            if cell.span == 0 {
                continue;
            }
            let mut pieces: Vec<Piece> = Vec::new();
            for para in &cell.paras {
                for i in para.images() {
                    pictures.push((i, para));
                }
                let text = trim(
                    para.pieces
                        .iter()
                        .filter(|x| !matches!(x, Piece::Image(_) | Piece::Lost(_)))
                        .cloned()
                        .collect(),
                );
                if text.is_empty() {
                    continue;
                }
                if !pieces.is_empty() {
                    pieces.push(Piece::Break);
                }
                if let Some(l) = para.num.as_ref().filter(|l| !l.text.is_empty()) {
                    pieces.push(Piece::Text {
                        text: format!("{} ", l.text),
                        bold: false,
                        vert: super::word::Vert::Base,
                    });
                }
                pieces.extend(text);
            }
            let col = cells.len();
            if cell.merged_above {
                merged = true;
                if let Some(above) = grid.last().and_then(|r| r.get(col)) {
                    pieces = above.clone();
                }
            }
            for _ in 0..cell.span {
                cells.push(pieces.clone());
            }
            if cell.span > 1 {
                merged = true;
            }
        }
        grid.push(cells);
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut grid {
        row.resize(width, Vec::new());
    }
    // Several rows marked as header rows become one header.
    let headers = t.rows.iter().take_while(|r| r.header).count();
    if headers > 1 && grid.len() > headers {
        let mut head: Vec<Vec<Piece>> = vec![Vec::new(); width];
        for row in grid.drain(..headers) {
            for (c, cell) in row.into_iter().enumerate() {
                if cell.is_empty() || head[c] == cell {
                    continue;
                }
                if !head[c].is_empty() {
                    head[c].push(Piece::Text {
                        text: " ".into(),
                        bold: false,
                        vert: super::word::Vert::Base,
                    });
                }
                head[c].extend(cell);
            }
        }
        grid.insert(0, head);
    }
    if let Some(head) = grid.first_mut() {
        for cell in head.iter_mut() {
            *cell = plain(std::mem::take(cell));
        }
    }
    if merged
        && let Some(p) = t
            .rows
            .first()
            .and_then(|r| r.cells.first())
            .and_then(|c| c.paras.first())
    {
        ctx.note(Kind::MergedCells, p, None);
    }
    if width > 0 && !grid.is_empty() {
        if caption.is_none()
            && let Some(p) = t
                .rows
                .first()
                .and_then(|r| r.cells.first())
                .and_then(|c| c.paras.first())
        {
            ctx.note(Kind::NoCaption, p, Some("表格".into()));
        }
        out.push(Block::Table {
            caption,
            rows: grid,
        });
    }
    for (i, p) in pictures {
        ctx.note(Kind::ImageInTable, p, None);
        out.push(Block::Figure {
            image: i,
            caption: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_by_level() {
        assert_eq!(
            leading_number("一、企业概况").map(|x| x.0),
            Some(Num::ChineseComma)
        );
        assert_eq!(
            leading_number("（一）组织保障").map(|x| x.0),
            Some(Num::ParenChinese)
        );
        assert_eq!(
            leading_number("(二)组织").map(|x| x.0),
            Some(Num::ParenChinese)
        );
        assert_eq!(leading_number("1.目标").map(|x| x.0), Some(Num::Arabic));
        assert_eq!(leading_number("2、目标"), Some((Num::Arabic, "目标")));
        assert_eq!(
            leading_number("（1）方法").map(|x| x.0),
            Some(Num::ParenArabic)
        );
        assert_eq!(leading_number("⑴方法").map(|x| x.0), Some(Num::ParenArabic));
        assert_eq!(leading_number("①方法").map(|x| x.0), Some(Num::Circled));
        assert_eq!(
            leading_number("2.1 推进").map(|x| x.0),
            Some(Num::Dotted(2))
        );
        assert_eq!(leading_number("3.5万元的投入"), None);
        assert_eq!(leading_number("2022年公司"), None);
        assert_eq!(
            leading_number("十二、其他").map(|x| x.0),
            Some(Num::ChineseComma)
        );
    }

    fn para(text: &str) -> Para {
        let mut p = Para::default();
        super::super::reader::push_text(&mut p, text, false, super::super::word::Vert::Base);
        p
    }

    #[test]
    fn part_headings_however_typed() {
        for (t, k) in [
            ("摘要", PartKind::Abstract),
            ("摘  要", PartKind::Abstract),
            ("一、企业概况", PartKind::Overview),
            ("企业概况", PartKind::Overview),
            (
                "二、管理方法（技术）的推进实施与运行",
                PartKind::Implementation,
            ),
            ("管理方法(技术)的推进实施与运行", PartKind::Implementation),
            ("三、管理方法(技术)的实施效果", PartKind::Effects),
        ] {
            assert_eq!(part_heading(&para(t)).map(|x| x.0), Some(k), "{t}");
        }
        assert_eq!(part_heading(&para("（一）实施效果评价")), None);
        assert_eq!(part_heading(&para("企业概况……………1")), None);
        let (k, rest) = part_heading(&para("摘要：公司自2018年起推行。")).unwrap();
        assert_eq!(k, PartKind::Abstract);
        assert_eq!(rest.as_deref(), Some("公司自2018年起推行。"));
    }

    #[test]
    fn captions() {
        let (kind, c) = caption(&para("表1 2020—2022年主要质量指标")).unwrap();
        assert_eq!(kind, Captions::Table);
        assert_eq!(
            super::super::word::Para {
                pieces: c,
                ..Para::default()
            }
            .text(),
            "2020—2022年主要质量指标"
        );
        let (kind, c) = caption(&para("图 3：质量管理组织架构图")).unwrap();
        assert_eq!(kind, Captions::Figure);
        assert_eq!(
            super::super::word::Para {
                pieces: c,
                ..Para::default()
            }
            .text(),
            "质量管理组织架构图"
        );
        assert!(caption(&para("表明公司的质量水平持续提高。")).is_none());
        assert!(caption(&para("图片")).is_none());
    }
}
