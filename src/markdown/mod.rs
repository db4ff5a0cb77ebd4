//! Markdown parts → the document model (`document::model`, B5–B7).
//!
//! The model is data: it reaches Typst as JSON and is rendered as content, so
//! nothing a writer types can run as Typst code.
//!
//! Every character the writer typed reaches the model: what CommonMark would
//! swallow (a reference line, a `~` range, `3*6m`) is read the way a Chinese
//! Word user means it (`dialect`), or reported.
//!
//! This file is the block parser (paragraphs, lists, quotes, tables,
//! figures); `inlines` reads a paragraph's spans, `footnotes` fills the
//! marks, `captions` attaches captions and numbers.

mod captions;
pub mod dialect;
mod footnotes;
mod inlines;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::document::{Block, Counters, ImageSrc, Inline, Width, plain_text};
use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};

use crate::diag::{Code, Diagnostic, Sources};
use crate::material::PartText;
use crate::text::is_cjk;

use captions::{
    finish, parse_width, strip_caption_number, strip_typed_number, table_caption, typed_number_len,
};
use footnotes::{flatten, literal_marks};
use inlines::{ImageRef, is_inline, text};

pub use crate::source::cmark::options;

/// Everything a part needs to be parsed: where its text came from and where
/// its files may be.
pub struct Ctx<'a> {
    pub sources: &'a Sources,
    pub counters: &'a mut Counters,
    pub diags: &'a mut Vec<Diagnostic>,
}

/// A part's text as the parser reads it (see `dialect`), with the way back
/// to the writer's offsets.
struct Prepared {
    text: String,
    /// Each rewrite's map, oldest first.
    maps: Vec<dialect::Rewritten>,
}

impl Prepared {
    fn new(original: &str) -> Prepared {
        let first = dialect::rewrite_lines(original);
        let mut maps = vec![first];
        // A dedented paragraph can itself hold a reference line: look again,
        // a bounded number of times.
        for _ in 0..3 {
            let text = &maps.last().expect("one map").text;
            let found = scan(text);
            if found.is_empty() {
                break;
            }
            let next = dialect::rewrite_found(text, &found);
            maps.push(next);
        }
        let text = maps.last().map(|m| m.text.clone()).unwrap_or_default();
        Prepared { text, maps }
    }

    fn original(&self, n: usize) -> usize {
        self.maps.iter().rev().fold(n, |n, m| m.map(n))
    }
}

/// What CommonMark would hide from the reader: indented "code" paragraphs
/// and reference lines.
fn scan(text: &str) -> dialect::Findings {
    let mut found = dialect::Findings::default();
    let mut parser = Parser::new_ext(text, options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) = event {
            found.code.push(range);
        }
    }
    found.refdefs = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| def.span.clone())
        .collect();
    found.refdefs.sort_by_key(|r| r.start);
    found
}

/// Parses one part into blocks.
pub fn parse_part(part: &PartText, ctx: &mut Ctx) -> Vec<Block> {
    let prepared = Prepared::new(&part.text);
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&prepared.text, options())
        .into_offset_iter()
        .collect();
    let referenced = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::FootnoteReference(l) => Some(l.to_string()),
            _ => None,
        })
        .collect();
    let mut p = PartParser {
        part,
        prepared: &prepared,
        ctx,
        events,
        pos: 0,
        headings: [0; 4],
        depth: 0,
        referenced,
        footnotes: HashMap::new(),
    };
    p.skip_own_title();
    let pending = p.blocks_until(|_| false);
    let mut blocks = finish(pending, &mut p);
    p.resolve_footnotes(&mut blocks);
    blocks
}

struct PartParser<'p, 'a> {
    part: &'p PartText,
    prepared: &'p Prepared,
    ctx: &'p mut Ctx<'a>,
    events: Vec<(Event<'p>, Range<usize>)>,
    pos: usize,
    headings: [usize; 4],
    /// Nesting of lists and quotes, bounded so hostile input cannot exhaust the stack.
    depth: usize,
    /// Footnote labels referenced anywhere in the part.
    referenced: HashSet<String>,
    /// Footnote definitions met so far: label → text and where it was typed.
    footnotes: HashMap<String, (Vec<Inline>, Range<usize>)>,
}

/// Deepest nesting of lists and quotes a material may use.
const MAX_DEPTH: usize = 8;
/// Most rows a table may have (a material's longest is a few dozen).
pub const MAX_TABLE_ROWS: usize = 2000;

/// A block before captions are attached: a caption paragraph is kept apart
/// until we know whether a table follows it.
enum Pending {
    Block(Block),
    Caption {
        caption: Vec<Inline>,
        para: Vec<Inline>,
        range: Range<usize>,
    },
    Table {
        block: Block,
        range: Range<usize>,
    },
}

impl<'p, 'a> PartParser<'p, 'a> {
    /// Where a range of the parsed text was typed in the writer's file.
    fn span(&self, range: Range<usize>) -> crate::diag::Span {
        let (a, b) = (
            self.prepared.original(range.start),
            self.prepared.original(range.end),
        );
        self.part
            .origin
            .span(self.ctx.sources, &self.part.text, a..b.max(a))
    }

    /// The parsed text of a range, as typed (after `dialect`'s rewrites).
    fn source(&self, range: Range<usize>) -> &'p str {
        self.prepared.text.get(range).unwrap_or("")
    }

    /// Whether the character at `at` of the parsed text was escaped with a
    /// backslash (an odd run of them before it).
    fn escaped(&self, at: usize) -> bool {
        let before = self.prepared.text.get(..at).unwrap_or("");
        before.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
    }

    fn next(&mut self) -> Option<(Event<'p>, Range<usize>)> {
        let e = self.events.get(self.pos).cloned();
        self.pos += 1;
        e
    }

    /// Reads blocks until `stop` matches an end event (which is consumed).
    fn blocks_until(&mut self, stop: impl Fn(&TagEnd) -> bool) -> Vec<Pending> {
        let mut out = Vec::new();
        while let Some((event, range)) = self.next() {
            match event {
                Event::End(end) if stop(&end) => break,
                // Inline content directly in a tight list item, including a
                // bold or italic lead (`- **目标**：…`).
                Event::Start(ref tag) if is_inline(tag) => {
                    self.pos -= 1;
                    let (content, images) = self.inlines_until(&stop, true);
                    self.push_para(content, images, range, &mut out);
                }
                Event::Text(_)
                | Event::Code(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::InlineHtml(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::FootnoteReference(_)
                | Event::TaskListMarker(_) => {
                    self.pos -= 1;
                    let (content, images) = self.inlines_until(&stop, true);
                    self.push_para(content, images, range, &mut out);
                }
                Event::Start(tag) => self.block(tag, range, &mut out),
                Event::Rule => out.push(Pending::Block(Block::Rule)),
                Event::Html(h) => {
                    // Raw HTML is printed literally: it is the writer's text.
                    out.push(Pending::Block(Block::Para {
                        content: vec![text(h.trim_end())],
                    }));
                }
                _ => {}
            }
        }
        out
    }

    fn block(&mut self, tag: Tag<'p>, range: Range<usize>, out: &mut Vec<Pending>) {
        if matches!(tag, Tag::List(_) | Tag::BlockQuote(_)) && self.depth >= MAX_DEPTH {
            self.ctx.diags.push(
                Diagnostic::error(
                    Code::TooComplex,
                    format!("列表或引用嵌套超过 {MAX_DEPTH} 层"),
                )
                .at(self.span(range.start..range.start))
                .help("申报材料的列表最多嵌套两三层；请改成段落或小标题"),
            );
            self.skip_to_end();
            return;
        }
        self.depth += 1;
        self.block_inner(tag, range, out);
        self.depth -= 1;
    }

    /// A part file often opens with its own title (`# 企业概况`); the tool
    /// prints that heading itself, so a leading level-1 heading naming this
    /// part is dropped rather than printed twice.
    fn skip_own_title(&mut self) {
        let Some((
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }),
            _,
        )) = self.events.first()
        else {
            return;
        };
        let end = self
            .events
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .unwrap_or(0);
        let title: String = self.events[..end]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        if crate::material::PartKind::from_heading(&title) == Some(self.part.kind) {
            self.pos = end + 1;
        }
    }

    /// Consumes events up to the end of the element just started.
    fn skip_to_end(&mut self) {
        let mut depth = 1;
        while let Some((event, _)) = self.next() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }

    fn block_inner(&mut self, tag: Tag<'p>, range: Range<usize>, out: &mut Vec<Pending>) {
        match tag {
            Tag::Paragraph => {
                let (content, images) =
                    self.inlines_until(&|e| matches!(e, TagEnd::Paragraph), false);
                self.push_para(content, images, range, out);
            }
            Tag::Heading { level, .. } => {
                let lvl = match level {
                    HeadingLevel::H1 => {
                        self.ctx.diags.push(
                            Diagnostic::warning(
                                Code::MarkdownStructure,
                                "部分内部的一级标题按二级标题（（一））处理",
                            )
                            .at(self.span(range.clone()))
                            .help("部分内的小标题从 ## 开始：## →（一），### → 1.，#### →（1）"),
                        );
                        1
                    }
                    HeadingLevel::H2 => 1,
                    HeadingLevel::H3 => 2,
                    HeadingLevel::H4 => 3,
                    _ => 4,
                };
                let (mut content, _) =
                    self.inlines_until(&|e| matches!(e, TagEnd::Heading(_)), false);
                if let Some(typed) = strip_typed_number(&mut content) {
                    self.ctx.diags.push(
                        Diagnostic::warning(
                            Code::TypedHeadingNumber,
                            format!("标题里手写的编号“{typed}”已去掉"),
                        )
                        .at(self.span(range.clone()))
                        .help("标题编号由 shenbao 自动生成（（一）、1.、（1）），请删去手写的编号"),
                    );
                }
                let idx = usize::from(lvl - 1);
                self.headings[idx] += 1;
                for deeper in self.headings.iter_mut().skip(idx + 1) {
                    *deeper = 0;
                }
                let n = self.headings[idx];
                let number = match lvl {
                    1 => format!("（{}）", chinese_number(n)),
                    2 => format!("{n}."),
                    3 => format!("（{n}）"),
                    _ => circled(n),
                };
                out.push(Pending::Block(Block::Heading {
                    level: lvl,
                    number,
                    content,
                }));
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Start(Tag::Item) => {
                            let blocks = self.blocks_until(|e| matches!(e, TagEnd::Item));
                            items.push(finish(blocks, self));
                        }
                        Event::End(TagEnd::List(_)) => break,
                        _ => {}
                    }
                }
                out.push(Pending::Block(Block::List {
                    ordered: start.is_some(),
                    start: start.unwrap_or(1),
                    items,
                }));
            }
            Tag::Table(aligns) => {
                let table = self.table(aligns);
                if let Block::Table { rows, .. } = &table
                    && rows.len() > MAX_TABLE_ROWS
                {
                    self.ctx.diags.push(
                        Diagnostic::error(
                            Code::TooComplex,
                            format!("表格有 {} 行，超过 {MAX_TABLE_ROWS} 行的上限", rows.len()),
                        )
                        .at(self.span(range.start..range.start))
                        .help("申报材料里的表格应精炼；很长的明细请作为附件另行提供"),
                    );
                    return;
                }
                out.push(Pending::Table {
                    block: table,
                    range,
                });
            }
            Tag::CodeBlock(_) => {
                let mut s = String::new();
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Text(t) => s.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                out.push(Pending::Block(Block::Code {
                    text: s.trim_end().to_string(),
                }));
            }
            Tag::BlockQuote(_) => {
                let inner = self.blocks_until(|e| matches!(e, TagEnd::BlockQuote(_)));
                let blocks = finish(inner, self);
                out.push(Pending::Block(Block::Quote { blocks }));
            }
            Tag::HtmlBlock => {
                let mut s = String::new();
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Html(t) | Event::Text(t) => s.push_str(&t),
                        Event::End(TagEnd::HtmlBlock) => break,
                        _ => {}
                    }
                }
                out.push(Pending::Block(Block::Para {
                    content: vec![text(s.trim_end())],
                }));
            }
            Tag::FootnoteDefinition(label) => {
                let inner = self.blocks_until(|e| matches!(e, TagEnd::FootnoteDefinition));
                let blocks = finish(inner, self);
                let mut content = flatten(&blocks);
                // A mark inside a footnote cannot open another footnote.
                literal_marks(&mut content);
                if self.referenced.contains(label.as_ref()) {
                    self.footnotes.insert(label.to_string(), (content, range));
                } else {
                    // Never referenced: print it where it was typed, as typed.
                    self.ctx.diags.push(
                        Diagnostic::warning(
                            Code::MarkdownStructure,
                            format!("脚注“[^{label}]”在正文里没有引用，按原样印成一段"),
                        )
                        .at(self.span(range.start..range.start + label.len() + 3))
                        .help(format!(
                            "在要加脚注的地方写 [^{label}]，脚注就印在那一页的页脚"
                        )),
                    );
                    let mut para = vec![text(&format!("[^{label}]: "))];
                    para.extend(content);
                    out.push(Pending::Block(Block::Para { content: para }));
                }
            }
            // Definition lists and the like are not enabled: nothing else
            // can start here, but never drop what might.
            _ => {
                self.skip_to_end();
                let typed = self.source(range).trim_end();
                if !typed.is_empty() {
                    out.push(Pending::Block(Block::Para {
                        content: vec![text(typed)],
                    }));
                }
            }
        }
    }

    fn push_para(
        &mut self,
        content: Vec<Inline>,
        images: Vec<ImageRef>,
        range: Range<usize>,
        out: &mut Vec<Pending>,
    ) {
        let mut content = content;
        // Word habit: a paragraph typed with leading (full-width) spaces. The
        // indent is the layout's job (B4), so the spaces go.
        if let Some(Inline::Text { v }) = content.first_mut() {
            let trimmed = v.trim_start();
            if trimmed.len() != v.len() {
                *v = trimmed.to_string();
            }
        }
        let has_text = !plain_text(&content).trim().is_empty();
        if has_text {
            if images.is_empty()
                && let Some(caption) = table_caption(&content)
            {
                if caption.1 {
                    self.ctx.diags.push(
                        Diagnostic::warning(Code::TypedCaptionNumber, "表题里手写的编号已去掉")
                            .at(self.span(range.clone()))
                            .help("表、图按类别自动统一编号（表1、表2 …，图1、图2 …），请写成“表：标题”"),
                    );
                }
                out.push(Pending::Caption {
                    caption: caption.0,
                    para: content,
                    range,
                });
                return;
            }
            let plain = plain_text(&content);
            if let Some(at) = plain.find("![")
                && plain[at..].contains("](")
            {
                self.ctx.diags.push(
                    Diagnostic::error(
                        Code::MarkdownStructure,
                        "这里像是一张图片，但写法读不懂，不能当作文字印出",
                    )
                    .at(self.span(range.clone()))
                    .help("图片单独成段，写成 ![图题](img/图.png)；方括号、圆括号要用英文半角，图题里不要有方括号"),
                );
            }
            self.hint_enumeration(range.clone());
            out.push(Pending::Block(Block::Para { content }));
            if !images.is_empty() {
                self.ctx.diags.push(
                    Diagnostic::warning(
                        Code::MarkdownStructure,
                        "图片与文字在同一段里，已把图片放在这段文字之后",
                    )
                    .at(self.span(images[0].range.clone()))
                    .help("图片要单独成段：上下各空一行，写成 ![图题](img/图.png)"),
                );
            }
        }
        for image in images {
            if let Some(fig) = self.figure(image) {
                out.push(Pending::Block(fig));
            }
        }
    }

    /// Word writers type `1、…` on consecutive lines; Markdown joins them
    /// into one paragraph, which is rarely what they meant.
    fn hint_enumeration(&mut self, range: Range<usize>) {
        let typed = self.source(range.clone());
        let numbered = typed
            .lines()
            .filter(|l| typed_number_len(l.trim_start()).is_some() || starts_enumerated(l))
            .count();
        if numbered >= 2 && typed.lines().count() >= 2 {
            self.ctx.diags.push(
                Diagnostic::warning(
                    Code::MarkdownStructure,
                    format!("这 {numbered} 行手写了序号，但中间没有空行，会连成一段印出"),
                )
                .at(self.span(range.start..range.start + typed.find('\n').unwrap_or(typed.len())))
                .help("每条单独成段：在行与行之间空一行；或写成列表，每行以“1. ”“2. ”开头"),
            );
        }
    }

    fn figure(&mut self, image: ImageRef) -> Option<Block> {
        let span = self.span(image.range.clone());
        let mut caption = image.alt;
        if let Some(typed) = strip_caption_number(&mut caption, '图') {
            self.ctx.diags.push(
                Diagnostic::warning(
                    Code::TypedCaptionNumber,
                    format!("图题里手写的编号“{typed}”已去掉"),
                )
                .at(span.clone())
                .help("表、图按类别自动统一编号（图1、图2 …），图题只写文字"),
            );
        }
        let width = match parse_width(&image.title) {
            Ok(w) => w,
            Err(()) => {
                self.ctx.diags.push(
                    Diagnostic::warning(
                        Code::BadValue,
                        format!("看不懂图片宽度“{}”，已按默认宽度排版", image.title),
                    )
                    .at(span.clone())
                    .help("宽度写在引号里，如 ![图题](img/a.png \"width=60%\") 或 \"width=8cm\""),
                );
                None
            }
        };
        self.ctx.counters.figures += 1;
        Some(Block::Figure {
            number: self.ctx.counters.figures,
            caption,
            src: ImageSrc {
                base: self.part.base_dir.clone(),
                dest: image.dest,
            },
            path: String::new(),
            px_width: 0,
            px_height: 0,
            dpi: None,
            width,
            width_pt: 0.0,
            span: Some(span),
        })
    }

    fn table(&mut self, aligns: Vec<Alignment>) -> Block {
        let aligns = aligns
            .iter()
            .map(|a| match a {
                Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
                Alignment::None => "auto",
            })
            .collect();
        let mut header = Vec::new();
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut in_head = false;
        // Rows as typed, to find cells the parser would drop.
        let mut typed_rows: Vec<Range<usize>> = Vec::new();
        while let Some((event, range)) = self.next() {
            match event {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => {
                    rows.push(Vec::new());
                    typed_rows.push(range);
                }
                Event::Start(Tag::TableCell) => {
                    let (cell, _) = self.inlines_until(&|e| matches!(e, TagEnd::TableCell), false);
                    if in_head {
                        header.push(cell);
                    } else if let Some(row) = rows.last_mut() {
                        row.push(cell);
                    }
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        // GFM drops a cell beyond the header's count; a writer's cell is
        // never dropped silently.
        for (n, range) in typed_rows.iter().enumerate() {
            let typed = self.source(range.clone());
            let cells = dialect::row_cells(typed.lines().next().unwrap_or(""));
            if cells.len() > header.len() && !header.is_empty() {
                let extra: Vec<&str> = cells[header.len()..].iter().map(|c| c.trim()).collect();
                self.ctx.diags.push(
                    Diagnostic::error(
                        Code::TableShape,
                        format!(
                            "表格第 {} 行有 {} 格，比表头多 {} 格：“{}”会被丢掉",
                            n + 1,
                            cells.len(),
                            cells.len() - header.len(),
                            extra.join("”“")
                        ),
                    )
                    .at(self.span(range.clone()))
                    .help(format!(
                        "表头有 {} 格：给表头补上列名，或删去这一行多出的格（注意单元格里的 | 要写成 \\|）",
                        header.len()
                    )),
                );
            }
        }
        Block::Table {
            number: 0,
            caption: Vec::new(),
            aligns,
            header,
            rows,
            runs: Vec::new(),
            span: None,
        }
    }
}

/// `1、`, `1）`, `（1）`, `①`: a line that starts an enumerated item.
fn starts_enumerated(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    (digits > 0 && t[digits..].starts_with(['、', '）', ')']))
        || t.starts_with(|c: char| ('①'..='⑳').contains(&c) || ('⑴'..='⒛').contains(&c))
}

fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n - 10]),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

fn circled(n: usize) -> String {
    match n {
        1..=20 => char::from_u32(0x2460 + n as u32 - 1)
            .map(String::from)
            .unwrap_or_default(),
        _ => format!("({n})"),
    }
}

/// Parses `md` as the 推进实施 part of a material, for tests here and of
/// the writers of this dialect (`import`). The parser reads no file, so the
/// folder need not exist.
#[cfg(test)]
pub(crate) fn parse_str(md: &str) -> (Vec<Block>, Vec<Diagnostic>) {
    use crate::source::origin::{Origin, OriginKind};
    let dir = std::path::Path::new("/nonexistent/material");
    let mut sources = Sources::default();
    let file = sources.add(&dir.join("material.md"), md.to_string());
    let part = PartText {
        kind: crate::material::PartKind::Implementation,
        text: md.to_string(),
        origin: Origin {
            file,
            kind: OriginKind::Slice { start: 0 },
        },
        base_dir: dir.to_path_buf(),
    };
    let mut counters = Counters::default();
    let mut diags = Vec::new();
    let mut ctx = Ctx {
        sources: &sources,
        counters: &mut counters,
        diags: &mut diags,
    };
    let blocks = parse_part(&part, &mut ctx);
    (blocks, diags)
}

#[cfg(test)]
mod tests {
    use super::inlines::expand_text;
    use super::*;

    fn parse(md: &str) -> (Vec<Block>, Vec<Diagnostic>) {
        parse_str(md)
    }

    /// Every printed character of the blocks, in order.
    fn printed(blocks: &[Block]) -> String {
        crate::document::blocks_text(blocks)
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn list_item_with_bold_lead_keeps_it() {
        for md in [
            "- **一个目标**：以客户为中心",
            "1. **一个目标**：以客户为中心",
            "- 外层\n  - **一个目标**：以客户为中心",
            "> - **一个目标**：以客户为中心",
            "- *一个目标*：以客户为中心",
        ] {
            let (b, _) = parse(md);
            assert!(
                printed(&b).contains("一个目标：以客户为中心"),
                "{md}: {}",
                printed(&b)
            );
        }
    }

    #[test]
    fn tilde_and_caret_ranges_are_text() {
        let (b, _) = parse("温度20~22℃，湿度45~60%，寿命10^6次和10^9次。");
        assert_eq!(
            printed(&b).trim(),
            "温度20~22℃，湿度45~60%，寿命10^6次和10^9次。"
        );
        let (b, _) = parse("CO~2~排放，面积m^2^，H~2~O，10^6^次");
        let Block::Para { content } = &b[0] else {
            panic!()
        };
        let subs = content
            .iter()
            .filter(|i| matches!(i, Inline::Sub { .. }))
            .count();
        let sups = content
            .iter()
            .filter(|i| matches!(i, Inline::Sup { .. }))
            .count();
        assert_eq!((subs, sups), (2, 2), "{content:?}");
    }

    #[test]
    fn star_between_digits_is_multiplication() {
        let (b, d) = parse("规格3*6m和2.4*6m两种。");
        assert_eq!(printed(&b).trim(), "规格3*6m和2.4*6m两种。");
        assert!(d.is_empty(), "{:?}", codes(&d));
        let (b, d) = parse("这是*强调*的文字。");
        assert_eq!(printed(&b).trim(), "这是强调的文字。");
        assert_eq!(codes(&d), ["IN-MD"]);
    }

    #[test]
    fn references_and_footnotes() {
        let (b, d) =
            parse("见文献[3]和[1]。\n\n[3]: 河南省质量协会，2021年。\n[1]: https://example.org\n");
        let t = printed(&b);
        assert!(t.contains("见文献[3]和[1]。"), "{t}");
        assert!(t.contains("[3]: 河南省质量协会，2021年。"), "{t}");
        assert!(t.contains("[1]: https://example.org"), "{t}");
        assert!(d.is_empty(), "{:?}", codes(&d));
        let (b, d) = parse("正文[^1]继续。\n\n[^1]: 脚注内容。\n");
        let Block::Para { content } = &b[0] else {
            panic!()
        };
        assert!(
            matches!(&content[1], Inline::Footnote { c } if plain_text(c) == "脚注内容。"),
            "{content:?}"
        );
        assert_eq!(b.len(), 1);
        assert!(d.is_empty(), "{:?}", codes(&d));
        // 字数 counts the footnote, as Word does.
        assert!(printed(&b).contains("脚注内容"));
    }

    #[test]
    fn a_mark_inside_a_footnote_prints_as_typed() {
        let (b, _) = parse("正文[^1]。\n\n[^1]: 见[^2]。\n\n[^2]: 另一条。\n");
        // Serialises: no mark is left unresolved anywhere.
        serde_json::to_string(&b).expect("no unresolved mark");
        let t = printed(&b);
        assert!(t.contains("见[^2]。"), "{t}");
        // The definition no mark can reach is printed, not lost.
        assert!(t.contains("另一条。"), "{t}");
    }

    #[test]
    fn extra_cells_are_an_error() {
        let (_, d) = parse("表：指标\n\n| 年份 | 产值 |\n| --- | --- |\n| 2021 | 186 | 多余 |\n");
        assert_eq!(codes(&d), ["IN-TABLE"]);
        assert!(d[0].message.contains("多余"), "{}", d[0].message);
    }

    #[test]
    fn indented_paragraphs_are_paragraphs() {
        let (b, _) =
            parse("\t公司坚持质量第一，\n持续改进。\n\n    第二段也缩进了，\n    而且有两行。");
        assert!(b.iter().all(|b| matches!(b, Block::Para { .. })), "{b:?}");
        let t = printed(&b);
        assert!(t.contains("公司坚持质量第一，持续改进。"), "{t}");
        assert!(t.contains("第二段也缩进了，而且有两行。"), "{t}");
    }

    #[test]
    fn excel_and_full_width_tables() {
        for md in [
            "表：质量指标\n年份\t产值\t利润\n2021\t186\t18498.9\n",
            "表：质量指标\n\n｜年份｜产值｜利润｜\n｜2021｜186｜18498.9｜\n",
            "表：质量指标\n\n| 年份 | 产值 | 利润 |\n| 2021 | 186 | 18498.9 |\n",
        ] {
            let (b, d) = parse(md);
            let Some(Block::Table { rows, header, .. }) = b.first() else {
                panic!("{md}: {b:?}")
            };
            assert_eq!(header.len(), 3, "{md}");
            assert_eq!(plain_text(&rows[0][2]), "18498.9", "{md}");
            assert!(d.is_empty(), "{md}: {:?}", codes(&d));
        }
    }

    #[test]
    fn html_sup_sub_and_headings() {
        let (b, _) = parse("面积10<sup>4</sup>m<sup>2</sup>，H<sub>2</sub>O，A&amp;B，\\*号。");
        assert_eq!(printed(&b).trim(), "面积104m2，H2O，A&B，*号。");
        let (b, d) = parse("## ㈠ 组织保障\n\n正文。");
        let Block::Heading { content, .. } = &b[0] else {
            panic!()
        };
        assert_eq!(plain_text(content), "组织保障");
        assert_eq!(codes(&d), ["B5-NUMBER"]);
    }

    #[test]
    fn enumerated_lines_get_a_hint() {
        let (_, d) = parse("1、第一条\n2、第二条\n3、第三条");
        assert_eq!(codes(&d), ["IN-MD"]);
    }

    #[test]
    fn typed_numbers_are_found() {
        for (s, rest) in [
            ("一、总体思路", "总体思路"),
            ("（二）组织保障", "组织保障"),
            ("(3) 过程", "过程"),
            ("1. 目标", "目标"),
            ("2.3 方法", "方法"),
            ("1、目标", "目标"),
            ("第一章 概述", "概述"),
        ] {
            let n = typed_number_len(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(&s[n..], rest, "{s}");
        }
        for s in ["5G 网络建设", "2020年成果", "一体化管理", "三全管理模式"] {
            assert_eq!(typed_number_len(s), None, "{s}");
        }
    }

    #[test]
    fn cjk_delimiters() {
        assert_eq!(
            expand_text("服务的**“全链条”模式**。"),
            vec![
                text("服务的"),
                Inline::Strong {
                    c: vec![text("“全链条”模式")]
                },
                text("。")
            ]
        );
        assert_eq!(
            expand_text("万m^2^，"),
            vec![text("万m"), Inline::Sup { c: vec![text("2")] }, text("，")]
        );
        assert_eq!(
            expand_text("CO~2~排放"),
            vec![text("CO"), Inline::Sub { c: vec![text("2")] }, text("排放")]
        );
        assert_eq!(
            expand_text("3 ^ 4 and a ^ b"),
            vec![text("3 ^ 4 and a ^ b")]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(circled(2), "②");
    }

    #[test]
    fn widths() {
        assert_eq!(parse_width("width=60%"), Ok(Some(Width::Ratio(0.6))));
        assert_eq!(parse_width(""), Ok(None));
        assert!(parse_width("wide").is_err());
    }
}
