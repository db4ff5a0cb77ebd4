//! Footnotes: each mark filled with its definition, a mark without one
//! printed as typed (with a warning), a definition without a mark kept.

use super::*;

impl PartParser<'_, '_> {
    /// Fills each footnote mark with its definition; a mark without one is
    /// printed as typed, with a warning.
    pub(super) fn resolve_footnotes(&mut self, blocks: &mut Vec<Block>) {
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
pub(super) fn for_each_inline_list(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    pub(super) fn inner(content: &mut Vec<Inline>, f: &mut dyn FnMut(&mut Vec<Inline>)) {
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
pub(super) fn literal_marks(content: &mut [Inline]) {
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
pub(super) fn flatten(blocks: &[Block]) -> Vec<Inline> {
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
