//! Where a piece of text sits in a user file: the map from a part's
//! Markdown back to the bytes the writer typed, so every diagnostic points
//! at the writer's own line.

use std::ops::Range;

use crate::diag::{FileIdx, Sources, Span};

/// Where a piece of text sits in a user file.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: FileIdx,
    pub kind: OriginKind,
}

#[derive(Clone, Debug)]
pub enum OriginKind {
    /// The text is a verbatim slice of the file starting at this byte.
    Slice { start: usize },
    /// A YAML block scalar: line k of the text is line k of the file after
    /// `start`, indented by `indent` bytes.
    Block { start: usize, indent: usize },
    /// A flow or quoted scalar: every position maps to its start.
    Point { at: usize },
}

impl Origin {
    pub fn span(&self, sources: &Sources, text: &str, range: Range<usize>) -> Span {
        let file_text = sources.text(self.file);
        let map = |o: usize| -> usize {
            match self.kind {
                OriginKind::Slice { start } => (start + o).min(file_text.len()),
                OriginKind::Point { at } => at,
                OriginKind::Block { start, indent } => {
                    let o = o.min(text.len());
                    let line = text[..o].matches('\n').count();
                    let col = o - text[..o].rfind('\n').map_or(0, |i| i + 1);
                    let mut line_start = start;
                    for _ in 0..line {
                        match file_text[line_start..].find('\n') {
                            Some(i) => line_start += i + 1,
                            None => return file_text.len(),
                        }
                    }
                    let line_end = file_text[line_start..]
                        .find('\n')
                        .map_or(file_text.len(), |i| line_start + i);
                    (line_start + indent + col).min(line_end)
                }
            }
        };
        // Never split a character: codespan slices the file at these offsets.
        let floor = |mut x: usize| {
            while !file_text.is_char_boundary(x) {
                x -= 1;
            }
            x
        };
        let (a, b) = (floor(map(range.start)), floor(map(range.end)));
        Span {
            file: self.file,
            range: a..b.max(a),
        }
    }
}
