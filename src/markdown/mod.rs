//! Markdown parts → the document model (`document::model`, B5–B7).
//!
//! The model is data: it reaches Typst as JSON and is rendered as content, so
//! nothing a writer types can run as Typst code.
//!
//! Every character the writer typed reaches the model: what CommonMark would
//! swallow (a reference line, a `~` range, `3*6m`) is read the way a Chinese
//! Word user means it (`dialect`), or reported.

pub mod dialect;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::document::{Block, Counters, ImageSrc, Inline, Width, plain_text};
use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};

use crate::diag::{Code, Diagnostic, Sources};
use crate::material::PartText;
use crate::text::is_cjk;

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

    /// Reads inline events until `stop`; images are returned apart so that a
    /// paragraph holding only an image becomes a figure.
    fn inlines_until(
        &mut self,
        stop: &dyn Fn(&TagEnd) -> bool,
        stop_at_block: bool,
    ) -> (Vec<Inline>, Vec<ImageRef>) {
        let mut stack: Vec<Frame> = vec![Frame::new(Wrap::Root, 0..0)];
        let mut images = Vec::new();
        while let Some((event, range)) = self.next() {
            let depth = stack.len();
            let top = &mut stack.last_mut().expect("stack never empty").content;
            match event {
                Event::End(ref e) if depth == 1 && stop(e) => {
                    // In a tight list item the caller's block loop owns the end.
                    if stop_at_block {
                        self.pos -= 1;
                    }
                    break;
                }
                // A block inside a tight item after its text: leave it to the block loop.
                Event::Start(
                    Tag::Paragraph
                    | Tag::List(_)
                    | Tag::Table(_)
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::Heading { .. }
                    | Tag::HtmlBlock
                    | Tag::FootnoteDefinition(_),
                ) if stop_at_block && depth == 1 => {
                    self.pos -= 1;
                    break;
                }
                // A sign the writer escaped (`\*`) is kept out of
                // `expand_delimiters`' reach until it has run.
                Event::Text(t) if self.escaped(range.start) => {
                    let mut chars = t.chars();
                    let first = chars.next().map(guard).into_iter();
                    push_text(top, &first.chain(chars).collect::<String>())
                }
                Event::Text(t) => push_text(top, &t),
                Event::Code(t) => top.push(Inline::Code { v: t.to_string() }),
                Event::InlineHtml(t) | Event::Html(t) => inline_html(&mut stack, &t, range),
                Event::InlineMath(t) | Event::DisplayMath(t) => push_text(top, &t),
                Event::SoftBreak => push_text(top, "\n"),
                Event::HardBreak => top.push(Inline::Br),
                Event::FootnoteReference(label) => top.push(Inline::FootnoteRef {
                    label: label.to_string(),
                }),
                Event::TaskListMarker(done) => push_text(top, if done { "☑ " } else { "□ " }),
                Event::Start(Tag::Strong) => stack.push(Frame::new(Wrap::Strong, range)),
                Event::Start(Tag::Emphasis) => stack.push(Frame::new(Wrap::Emph, range)),
                Event::Start(Tag::Strikethrough) => stack.push(Frame::new(Wrap::Strike, range)),
                Event::Start(Tag::Superscript) => stack.push(Frame::new(Wrap::Sup, range)),
                Event::Start(Tag::Subscript) => stack.push(Frame::new(Wrap::Sub, range)),
                Event::Start(Tag::Link { link_type, .. }) => {
                    if matches!(
                        link_type,
                        LinkType::Inline | LinkType::Autolink | LinkType::Email
                    ) {
                        // A link prints its text; the address is markup.
                        stack.push(Frame::new(Wrap::Link, range));
                    } else {
                        // `[1]` against a `[1]: …` line: print it as typed.
                        self.skip_to_end();
                        push_text(top, self.source(range));
                    }
                }
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => {
                    // The alt text is the caption; read it to the image's end.
                    let (alt, _) = self.inlines_until(&|e| matches!(e, TagEnd::Image), false);
                    images.push(ImageRef {
                        alt,
                        dest: dest_url.to_string(),
                        title: title.to_string(),
                        range,
                    });
                }
                Event::End(
                    TagEnd::Strong
                    | TagEnd::Emphasis
                    | TagEnd::Strikethrough
                    | TagEnd::Superscript
                    | TagEnd::Subscript
                    | TagEnd::Link,
                ) if stack.len() > 1 => {
                    // An HTML tag left open inside the span prints as typed.
                    while stack.len() > 2 && stack.last().is_some_and(|f| f.wrap.html().is_some()) {
                        flush_literal(&mut stack);
                    }
                    let frame = stack.pop().expect("len > 1");
                    let closed = self.close(frame);
                    let parent = &mut stack.last_mut().expect("stack never empty").content;
                    for i in closed {
                        match i {
                            Inline::Text { v } => push_text(parent, &v),
                            other => parent.push(other),
                        }
                    }
                }
                _ => {}
            }
        }
        // Unclosed HTML tags: the writer's `<sup>` prints as typed.
        while stack.len() > 1 {
            flush_literal(&mut stack);
        }
        let mut content = stack.pop().map(|f| f.content).unwrap_or_default();
        join_soft_breaks(&mut content);
        (unguard(expand_delimiters(content)), images)
    }

    /// The inlines a closed span becomes. A `~` or `^` span that is not a
    /// short ASCII run (`20~22℃，湿度45~60%`) and a `*` between digits
    /// (`3*6m和2.4*6m`) are the writer's text, delimiters and all.
    fn close(&mut self, frame: Frame) -> Vec<Inline> {
        let typed = self.source(frame.range.clone());
        let before = self.prepared.text[..frame.range.start].chars().next_back();
        let literal = |delim: &str, content: Vec<Inline>| {
            let mut out = vec![text(delim)];
            out.extend(content);
            out.push(text(delim));
            out
        };
        match frame.wrap {
            Wrap::Sup | Wrap::Sub => {
                let delim = if frame.wrap == Wrap::Sup { "^" } else { "~" };
                if is_script(&frame.content, frame.wrap == Wrap::Sub, before) {
                    frame.wrap.wrap(frame.content)
                } else {
                    literal(delim, frame.content)
                }
            }
            Wrap::Emph => {
                let delim = &typed[..typed.chars().next().map_or(0, char::len_utf8)];
                let after_open = typed.get(delim.len()..).and_then(|t| t.chars().next());
                let close = typed.len().saturating_sub(delim.len());
                let before_close = typed.get(..close).and_then(|t| t.chars().next_back());
                let after = self.prepared.text[frame.range.end..].chars().next();
                let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
                if delim == "*"
                    && ((digit(before) && digit(after_open))
                        || (digit(before_close) && digit(after)))
                {
                    return literal(delim, frame.content);
                }
                self.ctx.diags.push(
                    Diagnostic::warning(
                        Code::MarkdownStructure,
                        format!("“{}”是斜体写法，中文字体没有斜体，按正文印出", typed.trim()),
                    )
                    .at(self.span(frame.range.clone()))
                    .help("要强调请用加粗 **文字**；若 * 或 _ 是文字本身，写成 \\* 或 \\_"),
                );
                frame.content
            }
            w => w.wrap(frame.content),
        }
    }

    /// Fills each footnote mark with its definition; a mark without one is
    /// printed as typed, with a warning.
    fn resolve_footnotes(&mut self, blocks: &mut Vec<Block>) {
        let mut missing = Vec::new();
        let mut used = HashSet::new();
        for_each_inline_list(blocks, &mut |content| {
            for inline in content.iter_mut() {
                if let Inline::FootnoteRef { label } = inline {
                    let label = std::mem::take(label);
                    *inline = match self.footnotes.get(&label) {
                        Some((def, _)) => {
                            used.insert(label);
                            Inline::Footnote { c: def.clone() }
                        }
                        None => {
                            missing.push(label.to_string());
                            text(&format!("[^{label}]"))
                        }
                    };
                }
            }
        });
        // A definition whose only mark sat inside another footnote: printed
        // at the end of the part as typed, never lost.
        let mut orphans: Vec<_> = self
            .footnotes
            .iter()
            .filter(|(l, _)| !used.contains(*l))
            .map(|(label, (def, range))| (range.start, label, def))
            .collect();
        orphans.sort_by_key(|o| o.0);
        for (_, label, def) in orphans {
            let mut content = vec![text(&format!("[^{label}]: "))];
            content.extend(def.iter().cloned());
            blocks.push(Block::Para { content });
        }
        for label in missing {
            self.ctx.diags.push(
                Diagnostic::warning(
                    Code::MarkdownStructure,
                    format!("脚注“[^{label}]”没有内容，按原样印出"),
                )
                .help(format!(
                    "在段落之后另起一行写脚注内容：[^{label}]: 脚注文字"
                )),
            );
        }
    }
}

/// Calls `f` on every inline list of the blocks, footnotes included.
fn for_each_inline_list(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    fn inner(content: &mut Vec<Inline>, f: &mut dyn FnMut(&mut Vec<Inline>)) {
        for c in content.iter_mut().filter_map(Inline::children_mut) {
            inner(c, f);
        }
        f(content);
    }
    for b in blocks.iter_mut() {
        match b {
            Block::Heading { content, .. } | Block::Para { content } => inner(content, f),
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                inner(caption, f);
                header.iter_mut().for_each(|c| inner(c, f));
                rows.iter_mut().flatten().for_each(|c| inner(c, f));
            }
            Block::Figure { caption, .. } => inner(caption, f),
            Block::List { items, .. } => {
                items.iter_mut().for_each(|it| for_each_inline_list(it, f))
            }
            Block::Quote { blocks } => for_each_inline_list(blocks, f),
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// Footnote marks printed as typed (`[^2]`), wherever they are nested.
fn literal_marks(content: &mut [Inline]) {
    for i in content.iter_mut() {
        match i {
            Inline::FootnoteRef { label } => *i = text(&format!("[^{label}]")),
            other => {
                if let Some(c) = other.children_mut() {
                    literal_marks(c);
                }
            }
        }
    }
}

/// A footnote's blocks as one run of text: paragraphs joined by line breaks.
fn flatten(blocks: &[Block]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for b in blocks {
        if !out.is_empty() {
            out.push(Inline::Br);
        }
        match b {
            Block::Para { content } | Block::Heading { content, .. } => {
                out.extend(content.iter().cloned())
            }
            Block::List { items, .. } => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(Inline::Br);
                    }
                    out.extend(flatten(item));
                }
            }
            Block::Quote { blocks } => out.extend(flatten(blocks)),
            Block::Code { text: t } => out.push(text(t)),
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                out.extend(caption.iter().cloned());
                for row in std::iter::once(header).chain(rows.iter()) {
                    out.push(Inline::Br);
                    for cell in row {
                        out.extend(cell.iter().cloned());
                        out.push(text(" "));
                    }
                }
            }
            Block::Figure { caption, .. } => out.extend(caption.iter().cloned()),
            Block::Rule => {}
        }
    }
    out
}

/// Whether a `^…^` / `~…~` span is a real super- or subscript: a short run
/// of ASCII letters, digits and signs (`m^2^`, `CO~2~`, `Fe^3+^`), and for
/// `~` not right after a digit (`20~22` is a range).
fn is_script(content: &[Inline], sub: bool, before: Option<char>) -> bool {
    let [Inline::Text { v }] = content else {
        return false;
    };
    let n = v.chars().count();
    (1..=20).contains(&n)
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '−' | '.' | '\''))
        && !(sub && before.is_some_and(|c| c.is_ascii_digit()))
}

/// Inline tags that may open a tight list item's text.
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Strong
            | Tag::Emphasis
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// How a span of inlines is wrapped when its closing tag arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wrap {
    Root,
    Strong,
    Emph,
    Strike,
    Sup,
    Sub,
    Link,
    /// `<sup>…</sup>` and `<sub>…</sub>` typed as HTML.
    HtmlSup,
    HtmlSub,
}

impl Wrap {
    /// The inlines of a closed span: wrapped, or as they are for a link.
    fn wrap(self, c: Vec<Inline>) -> Vec<Inline> {
        vec![match self {
            Wrap::Strong => Inline::Strong { c },
            Wrap::Emph => Inline::Emph { c },
            Wrap::Strike => Inline::Strike { c },
            Wrap::Sup | Wrap::HtmlSup => Inline::Sup { c },
            Wrap::Sub | Wrap::HtmlSub => Inline::Sub { c },
            Wrap::Root | Wrap::Link => return c,
        }]
    }

    /// The opening tag as typed, for an HTML tag never closed.
    fn html(self) -> Option<&'static str> {
        match self {
            Wrap::HtmlSup => Some("<sup>"),
            Wrap::HtmlSub => Some("<sub>"),
            _ => None,
        }
    }
}

/// `<br>` breaks a line (how GFM writers break one in a table cell),
/// `<sup>`/`<sub>` open and close a span; any other HTML is the writer's
/// text, printed as typed.
fn inline_html(stack: &mut Vec<Frame>, t: &str, range: Range<usize>) {
    match html_tag(t) {
        Some(HtmlTag::Open(w)) => stack.push(Frame::new(w, range)),
        Some(HtmlTag::Close(w)) if stack.last().is_some_and(|f| f.wrap == w) => {
            let frame = stack.pop().expect("matched above");
            let parent = &mut stack.last_mut().expect("root stays").content;
            parent.extend(w.wrap(frame.content));
        }
        tag => {
            let top = &mut stack.last_mut().expect("root stays").content;
            if let Some(HtmlTag::Br) = tag {
                top.push(Inline::Br);
            } else {
                push_text(top, t);
            }
        }
    }
}

/// Pops the top frame into its parent as the writer typed it.
fn flush_literal(stack: &mut Vec<Frame>) {
    let Some(frame) = stack.pop() else { return };
    let Some(parent) = stack.last_mut().map(|f| &mut f.content) else {
        return;
    };
    if let Some(open) = frame.wrap.html() {
        push_text(parent, open);
    }
    for i in frame.content {
        match i {
            Inline::Text { v } => push_text(parent, &v),
            other => parent.push(other),
        }
    }
}

struct Frame {
    wrap: Wrap,
    content: Vec<Inline>,
    /// Where the span was typed (in the parsed text).
    range: Range<usize>,
}

impl Frame {
    fn new(wrap: Wrap, range: Range<usize>) -> Frame {
        Frame {
            wrap,
            content: Vec::new(),
            range,
        }
    }
}

enum HtmlTag {
    Br,
    Open(Wrap),
    Close(Wrap),
}

/// The few HTML tags a Word user's Markdown carries.
fn html_tag(t: &str) -> Option<HtmlTag> {
    let t = t.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "<br>" | "<br/>" | "<br />" => HtmlTag::Br,
        "<sup>" => HtmlTag::Open(Wrap::HtmlSup),
        "</sup>" => HtmlTag::Close(Wrap::HtmlSup),
        "<sub>" => HtmlTag::Open(Wrap::HtmlSub),
        "</sub>" => HtmlTag::Close(Wrap::HtmlSub),
        _ => return None,
    })
}

struct ImageRef {
    alt: Vec<Inline>,
    dest: String,
    title: String,
    range: Range<usize>,
}

fn text(s: &str) -> Inline {
    Inline::Text { v: s.to_string() }
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if let Some(Inline::Text { v }) = out.last_mut() {
        v.push_str(s);
    } else {
        out.push(text(s));
    }
}

/// A line break inside a paragraph is a space between Latin words and
/// nothing between CJK characters, as Word joins lines.
fn join_soft_breaks(content: &mut [Inline]) {
    for inline in content.iter_mut() {
        match inline {
            Inline::Text { v } if v.contains('\n') => {
                let mut out = String::with_capacity(v.len());
                let chars: Vec<char> = v.chars().collect();
                for (i, &c) in chars.iter().enumerate() {
                    if c == '\n' {
                        let prev = out.trim_end().chars().last();
                        let next = chars[i + 1..].iter().find(|c| !c.is_whitespace()).copied();
                        let cjk = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
                        if !cjk && prev.is_some() && next.is_some() {
                            out.push(' ');
                        }
                    } else {
                        out.push(c);
                    }
                }
                *v = out;
            }
            other => {
                if let Some(c) = other.children_mut() {
                    join_soft_breaks(c);
                }
            }
        }
    }
}

/// Escaped `*`, `^` and `~` travel as Unicode noncharacters (never found
/// in interchange text) through `expand_delimiters`, which would otherwise
/// read them as markup again.
const GUARDS: [(char, char); 3] = [('*', '\u{FDD0}'), ('^', '\u{FDD1}'), ('~', '\u{FDD2}')];

fn guard(c: char) -> char {
    GUARDS.iter().find(|(s, _)| *s == c).map_or(c, |(_, g)| *g)
}

fn unguard(content: Vec<Inline>) -> Vec<Inline> {
    content
        .into_iter()
        .map(|mut i| {
            match &mut i {
                Inline::Text { v } if v.contains(|c| GUARDS.iter().any(|(_, g)| *g == c)) => {
                    *v = v
                        .chars()
                        .map(|c| GUARDS.iter().find(|(_, g)| *g == c).map_or(c, |(s, _)| *s))
                        .collect();
                }
                other => {
                    if let Some(c) = other.children_mut() {
                        *c = unguard(std::mem::take(c));
                    }
                }
            }
            i
        })
        .collect()
}

/// CommonMark's flanking rules refuse `**` next to CJK punctuation
/// (`的**“八个零”**管理`) and pulldown-cmark's `^`/`~` need word boundaries
/// (`万m^2^`, `CO~2~`); what they leave as literal text is read here the
/// way a Chinese writer means it.
fn expand_delimiters(content: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::new();
    for inline in content {
        match inline {
            Inline::Text { v } => {
                for piece in expand_text(&v) {
                    match piece {
                        Inline::Text { v } => push_text(&mut out, &v),
                        other => out.push(other),
                    }
                }
            }
            Inline::Strong { c } => out.push(Inline::Strong {
                c: expand_delimiters(c),
            }),
            Inline::Emph { c } => out.push(Inline::Emph {
                c: expand_delimiters(c),
            }),
            Inline::Strike { c } => out.push(Inline::Strike {
                c: expand_delimiters(c),
            }),
            other => out.push(other),
        }
    }
    out
}

fn expand_text(v: &str) -> Vec<Inline> {
    for (i, c) in v.char_indices() {
        let found = if v[i..].starts_with("**") {
            v[i + 2..].find("**").and_then(|j| {
                let inner = &v[i + 2..i + 2 + j];
                let ok = !inner.is_empty()
                    && !inner.starts_with(char::is_whitespace)
                    && !inner.ends_with(char::is_whitespace);
                ok.then(|| {
                    (
                        Inline::Strong {
                            c: expand_text(inner),
                        },
                        i + 2 + j + 2,
                    )
                })
            })
        } else if c == '^' || (c == '~' && !v[i..].starts_with("~~") && !v[..i].ends_with('~')) {
            v[i + 1..].find(c).and_then(|j| {
                let inner = &v[i + 1..i + 1 + j];
                let ok = is_script(&[text(inner)], c == '~', v[..i].chars().next_back());
                let inline = if c == '^' {
                    Inline::Sup {
                        c: vec![text(inner)],
                    }
                } else {
                    Inline::Sub {
                        c: vec![text(inner)],
                    }
                };
                ok.then_some((inline, i + 1 + j + 1))
            })
        } else {
            None
        };
        if let Some((inline, end)) = found {
            let mut out = Vec::new();
            if i > 0 {
                out.push(text(&v[..i]));
            }
            out.push(inline);
            out.extend(expand_text(&v[end..]));
            return out;
        }
    }
    if v.is_empty() {
        Vec::new()
    } else {
        vec![text(v)]
    }
}

/// Strips a number the writer typed at the start of a heading (`一、`,
/// `（二）`, `1.`, `2.3`, `（1）`, `①`, `第一章`); returns what was stripped.
fn strip_typed_number(content: &mut [Inline]) -> Option<String> {
    let Some(Inline::Text { v }) = content.first_mut() else {
        return None;
    };
    let n = typed_number_len(v)?;
    let typed = v[..n].trim().to_string();
    *v = v[n..].trim_start().to_string();
    Some(typed)
}

fn typed_number_len(s: &str) -> Option<usize> {
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
fn table_caption(content: &[Inline]) -> Option<(Vec<Inline>, bool)> {
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
fn strip_caption_number(content: &mut [Inline], kind: char) -> Option<String> {
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

fn parse_width(title: &str) -> Result<Option<Width>, ()> {
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
fn finish(pending: Vec<Pending>, p: &mut PartParser) -> Vec<Block> {
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
fn not_a_table_cause(after: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::origin::{Origin, OriginKind};

    /// Parses `md` as the 推进实施 part of a material. The parser reads no
    /// file, so the folder need not exist.
    fn parse(md: &str) -> (Vec<Block>, Vec<Diagnostic>) {
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
