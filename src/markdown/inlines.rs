//! Inlines: a paragraph's events as the model's inlines — emphasis,
//! scripts, the few HTML tags a Word user types, soft breaks joined as Word
//! joins lines, and what CommonMark leaves as literal text read the way a
//! Chinese writer means it.

use super::*;

impl PartParser<'_, '_> {
    /// Reads inline events until `stop`; images are returned apart so that a
    /// paragraph holding only an image becomes a figure.
    pub(super) fn inlines_until(
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
    pub(super) fn close(&mut self, frame: Frame) -> Vec<Inline> {
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
}

/// Whether a `^…^` / `~…~` span is a real super- or subscript: a short run
/// of ASCII letters, digits and signs (`m^2^`, `CO~2~`, `Fe^3+^`), and for
/// `~` not right after a digit (`20~22` is a range).
pub(super) fn is_script(content: &[Inline], sub: bool, before: Option<char>) -> bool {
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
pub(super) fn is_inline(tag: &Tag) -> bool {
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
pub(super) enum Wrap {
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
    pub(super) fn wrap(self, c: Vec<Inline>) -> Vec<Inline> {
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
    pub(super) fn html(self) -> Option<&'static str> {
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
pub(super) fn inline_html(stack: &mut Vec<Frame>, t: &str, range: Range<usize>) {
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
pub(super) fn flush_literal(stack: &mut Vec<Frame>) {
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

pub(super) struct Frame {
    pub(super) wrap: Wrap,
    pub(super) content: Vec<Inline>,
    /// Where the span was typed (in the parsed text).
    pub(super) range: Range<usize>,
}

impl Frame {
    pub(super) fn new(wrap: Wrap, range: Range<usize>) -> Frame {
        Frame {
            wrap,
            content: Vec::new(),
            range,
        }
    }
}

pub(super) enum HtmlTag {
    Br,
    Open(Wrap),
    Close(Wrap),
}

/// The few HTML tags a Word user's Markdown carries.
pub(super) fn html_tag(t: &str) -> Option<HtmlTag> {
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

pub(super) struct ImageRef {
    pub(super) alt: Vec<Inline>,
    pub(super) dest: String,
    pub(super) title: String,
    pub(super) range: Range<usize>,
}

pub(super) fn text(s: &str) -> Inline {
    Inline::Text { v: s.to_string() }
}

pub(super) fn push_text(out: &mut Vec<Inline>, s: &str) {
    if let Some(Inline::Text { v }) = out.last_mut() {
        v.push_str(s);
    } else {
        out.push(text(s));
    }
}

/// A line break inside a paragraph is a space between Latin words and
/// nothing between CJK characters, as Word joins lines.
pub(super) fn join_soft_breaks(content: &mut [Inline]) {
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
pub(super) const GUARDS: [(char, char); 3] =
    [('*', '\u{FDD0}'), ('^', '\u{FDD1}'), ('~', '\u{FDD2}')];

pub(super) fn guard(c: char) -> char {
    GUARDS.iter().find(|(s, _)| *s == c).map_or(c, |(_, g)| *g)
}

pub(super) fn unguard(content: Vec<Inline>) -> Vec<Inline> {
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
pub(super) fn expand_delimiters(content: Vec<Inline>) -> Vec<Inline> {
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

pub(super) fn expand_text(v: &str) -> Vec<Inline> {
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
