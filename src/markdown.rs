//! Markdown parts → the small document model the templates render (B5–B7).
//!
//! The model is data: it reaches Typst as JSON and is rendered as content, so
//! nothing a writer types can run as Typst code.

use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::{Code, Diagnostic, Sources};
use crate::material::PartText;
use crate::paths::Confined;
use crate::text::is_cjk;

/// The Markdown dialect of schema 1: GFM tables, `^sup^`, `~sub~`, `~~strike~~`.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_STRIKETHROUGH
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Inline {
    Text { v: String },
    Strong { c: Vec<Inline> },
    Emph { c: Vec<Inline> },
    Strike { c: Vec<Inline> },
    Sup { c: Vec<Inline> },
    Sub { c: Vec<Inline> },
    Code { v: String },
    Br,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// `level` 1 = （一）, 2 = 1., 3 = （1）, 4 = ①.
    Heading {
        level: u8,
        number: String,
        content: Vec<Inline>,
    },
    Para {
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Table {
        number: usize,
        caption: Vec<Inline>,
        aligns: Vec<&'static str>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Figure {
        number: usize,
        caption: Vec<Inline>,
        /// Path in the Typst world (`/material/…`).
        path: String,
        px_width: u32,
        px_height: u32,
        /// Resolution saved in the file, for the natural size.
        #[serde(skip)]
        dpi: Option<f64>,
        /// Width asked for in the title (`"width=60%"`), as a ratio of the text width or in pt.
        width: Option<Width>,
        /// The printed width, settled by `render::place_figures`.
        width_pt: f64,
        #[serde(skip)]
        span: Option<crate::diag::Span>,
    },
    Code {
        text: String,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Rule,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Width {
    Ratio(f64),
    Pt(f64),
}

/// Numbering that runs through the whole document (B7) and per part (B5).
#[derive(Default)]
pub struct Counters {
    pub tables: usize,
    pub figures: usize,
}

/// Everything a part needs to be parsed: where its text came from and where
/// its files may be.
pub struct Ctx<'a> {
    pub sources: &'a Sources,
    pub root: &'a Confined,
    pub counters: &'a mut Counters,
    pub diags: &'a mut Vec<Diagnostic>,
    /// Largest image dimension accepted (pixels per side).
    pub max_image_px: u32,
}

/// Parses one part into blocks.
pub fn parse_part(part: &PartText, ctx: &mut Ctx) -> Vec<Block> {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&part.text, options())
        .into_offset_iter()
        .collect();
    let mut p = PartParser {
        part,
        ctx,
        events,
        pos: 0,
        headings: [0; 4],
        depth: 0,
    };
    p.skip_own_title();
    let pending = p.blocks_until(|_| false);
    finish(pending, &mut p)
}

struct PartParser<'p, 'a> {
    part: &'p PartText,
    ctx: &'p mut Ctx<'a>,
    events: Vec<(Event<'p>, Range<usize>)>,
    pos: usize,
    headings: [usize; 4],
    /// Nesting of lists and quotes, bounded so hostile input cannot exhaust the stack.
    depth: usize,
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
    fn span(&self, range: Range<usize>) -> crate::diag::Span {
        self.part
            .origin
            .span(self.ctx.sources, &self.part.text, range)
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
                Event::Start(tag) => self.block(tag, range, &mut out),
                Event::Rule => out.push(Pending::Block(Block::Rule)),
                Event::Html(h) | Event::InlineHtml(h) => {
                    // Raw HTML is printed literally: it is the writer's text.
                    out.push(Pending::Block(Block::Para {
                        content: vec![text(h.trim_end())],
                    }));
                }
                // Inline content directly in a tight list item.
                Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => {
                    self.pos -= 1;
                    let (content, images) = self.inlines_until(&stop, true);
                    self.push_para(content, images, range, &mut out);
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
            // Anything else (footnotes, definition lists are off): skip it.
            _ => self.skip_to_end(),
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
            if plain.contains("![") && plain.contains("](") {
                self.ctx.diags.push(
                    Diagnostic::warning(
                        Code::MarkdownStructure,
                        "这里像是一张图片，但没有被识别，按文字印出",
                    )
                    .at(self.span(range.clone()))
                    .help("图片路径里不能有空格：把文件改名，或写成 ![图题](<img/我的 图.png>)"),
                );
            }
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
        if plain_text(&caption).trim().is_empty() {
            self.ctx.diags.push(
                Diagnostic::error(Code::MissingCaption, "插图没有图题")
                    .at(span.clone())
                    .help("把图题写在方括号里：![质量管理组织架构图](img/org.png)"),
            );
        }
        let real = match self.ctx.root.resolve(&self.part.base_dir, &image.dest) {
            Ok(p) => p,
            Err(d) => {
                self.ctx.diags.push(d.at(span));
                return None;
            }
        };
        let probe = match crate::images::probe(&real, self.ctx.max_image_px) {
            Ok(probe) => probe,
            Err(d) => {
                self.ctx.diags.push(d.at(span));
                return None;
            }
        };
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
        let rel = self.ctx.root.relative(&real)?;
        Some(Block::Figure {
            number: self.ctx.counters.figures,
            caption,
            path: format!("/material/{rel}"),
            px_width: probe.width,
            px_height: probe.height,
            dpi: probe.dpi,
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
        while let Some((event, _)) = self.next() {
            match event {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => rows.push(Vec::new()),
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
        Block::Table {
            number: 0,
            caption: Vec::new(),
            aligns,
            header,
            rows,
        }
    }

    /// Reads inline events until `stop`; images are returned apart so that a
    /// paragraph holding only an image becomes a figure.
    fn inlines_until(
        &mut self,
        stop: &dyn Fn(&TagEnd) -> bool,
        stop_at_block: bool,
    ) -> (Vec<Inline>, Vec<ImageRef>) {
        let mut stack: Vec<(Option<Wrap>, Vec<Inline>)> = vec![(None, Vec::new())];
        let mut images = Vec::new();
        while let Some((event, range)) = self.next() {
            let depth = stack.len();
            let top = &mut stack.last_mut().expect("stack never empty").1;
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
                    | Tag::HtmlBlock,
                ) if stop_at_block && depth == 1 => {
                    self.pos -= 1;
                    break;
                }
                Event::Text(t) => push_text(top, &t),
                Event::Code(t) => top.push(Inline::Code { v: t.to_string() }),
                // `<br>` is how GFM writers break a line in a table cell;
                // any other HTML is printed as typed.
                Event::InlineHtml(t) | Event::Html(t)
                    if matches!(
                        t.trim().to_ascii_lowercase().as_str(),
                        "<br>" | "<br/>" | "<br />"
                    ) =>
                {
                    top.push(Inline::Br)
                }
                Event::InlineHtml(t) | Event::Html(t) => push_text(top, &t),
                Event::InlineMath(t) | Event::DisplayMath(t) => push_text(top, &t),
                Event::SoftBreak => push_text(top, "\n"),
                Event::HardBreak => top.push(Inline::Br),
                Event::FootnoteReference(t) => push_text(top, &t),
                Event::TaskListMarker(done) => push_text(top, if done { "☑ " } else { "□ " }),
                Event::Start(Tag::Strong) => {
                    stack.push((Some(|c| Inline::Strong { c }), Vec::new()))
                }
                Event::Start(Tag::Emphasis) => {
                    stack.push((Some(|c| Inline::Emph { c }), Vec::new()))
                }
                Event::Start(Tag::Strikethrough) => {
                    stack.push((Some(|c| Inline::Strike { c }), Vec::new()))
                }
                Event::Start(Tag::Superscript) => {
                    stack.push((Some(|c| Inline::Sup { c }), Vec::new()))
                }
                Event::Start(Tag::Subscript) => {
                    stack.push((Some(|c| Inline::Sub { c }), Vec::new()))
                }
                Event::Start(Tag::Link { .. }) => stack.push((None, Vec::new())),
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
                    let (wrap, c) = stack.pop().expect("len > 1");
                    let parent = &mut stack.last_mut().expect("stack never empty").1;
                    match wrap {
                        Some(f) => parent.push(f(c)),
                        None => {
                            for i in c {
                                match i {
                                    Inline::Text { v } => push_text(parent, &v),
                                    other => parent.push(other),
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        while stack.len() > 1 {
            let (wrap, c) = stack.pop().expect("len > 1");
            let parent = &mut stack.last_mut().expect("stack never empty").1;
            match wrap {
                Some(f) => parent.push(f(c)),
                None => parent.extend(c),
            }
        }
        let mut content = stack.pop().map(|(_, c)| c).unwrap_or_default();
        join_soft_breaks(&mut content);
        (expand_delimiters(content), images)
    }
}

/// How a span of inlines is wrapped when its closing tag arrives.
type Wrap = fn(Vec<Inline>) -> Inline;

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
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Sup { c }
            | Inline::Sub { c } => join_soft_breaks(c),
            _ => {}
        }
    }
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
                let ok = !inner.is_empty()
                    && inner.chars().count() <= 20
                    && !inner.contains(char::is_whitespace);
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

pub fn plain_text(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text { v } | Inline::Code { v } => s.push_str(v),
            Inline::Strong { c }
            | Inline::Emph { c }
            | Inline::Strike { c }
            | Inline::Sup { c }
            | Inline::Sub { c } => s.push_str(&plain_text(c)),
            Inline::Br => s.push('\n'),
        }
    }
    s
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
    } else if ('①'..='⑳').contains(&first) {
        1
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
                        ..
                    }) = iter.next()
                    {
                        p.ctx.counters.tables += 1;
                        out.push(Block::Table {
                            number: p.ctx.counters.tables,
                            caption,
                            aligns,
                            header,
                            rows,
                        });
                    }
                } else {
                    p.ctx.diags.push(
                        Diagnostic::warning(
                            Code::MissingCaption,
                            "这段以“表：”开头，但下面没有紧跟表格，按普通段落排版",
                        )
                        .at(p.span(range))
                        .help("表题段落之后紧接着写表格（中间最多一个空行）"),
                    );
                    out.push(Block::Para { content: para });
                }
            }
            Pending::Table { block, range } => {
                p.ctx.diags.push(
                    Diagnostic::error(Code::MissingCaption, "表格没有表题")
                        .at(p.span(range.start..range.start))
                        .help(
                            "在表格正上方单独写一段“表：表题”，例如：表：2020—2022年主要质量指标",
                        ),
                );
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
                    });
                }
            }
        }
    }
    out
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
