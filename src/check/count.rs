//! 字数 as Word counts them (V2): each CJK character or CJK/full-width
//! punctuation mark is 1; each run of other non-space characters (a Latin
//! word, a number) is 1. Chinese punctuation that Unicode files under General
//! Punctuation (GB/T 15834: “ ” ‘ ’ — … ·) counts as CJK.

use crate::markdown::{Block, plain_text};

pub fn is_cjk_unit(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x1100..=0x11FF        // Hangul Jamo
        | 0x2E80..=0x2FDF      // CJK radicals, Kangxi
        | 0x2FF0..=0x303F      // ideographic description, CJK symbols and punctuation
        | 0x3040..=0x31FF      // kana, bopomofo, …
        | 0x3200..=0x4DBF      // enclosed CJK, compatibility, Ext A
        | 0x4E00..=0x9FFF      // URO
        | 0xA960..=0xA97F | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF      // compatibility ideographs
        | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F // vertical and compatibility forms
        | 0xFF00..=0xFFEF      // full-width forms
        | 0x20000..=0x3FFFF)   // Ext B and beyond
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–')
}

/// Word's 字数 of a piece of text.
pub fn count(text: &str) -> usize {
    let mut n = 0;
    let mut in_run = false;
    for c in text.chars() {
        if is_cjk_unit(c) {
            n += 1;
            in_run = false;
        } else if c.is_whitespace() || c.is_control() {
            in_run = false;
        } else if !in_run {
            n += 1;
            in_run = true;
        }
    }
    n
}

/// The text of blocks as printed, without markup or the tool's numbering,
/// one block per line.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Para { content } => {
                out.push_str(&plain_text(content));
            }
            Block::List { items, .. } => {
                for item in items {
                    out.push_str(&blocks_text(item));
                }
            }
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                out.push_str(&plain_text(caption));
                for cell in header.iter().chain(rows.iter().flatten()) {
                    out.push('\n');
                    out.push_str(&plain_text(cell));
                }
            }
            Block::Figure { caption, .. } => out.push_str(&plain_text(caption)),
            Block::Code { text } => out.push_str(text),
            Block::Quote { blocks } => out.push_str(&blocks_text(blocks)),
            Block::Rule => {}
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn spec_examples() {
        assert_eq!(count("2020—2022年"), 4);
        assert_eq!(count("ISO 9001认证"), 4);
        assert_eq!(count("“八个零”"), 5);
        assert_eq!(count("Cpk≥1.67，"), 2);
        assert_eq!(count(""), 0);
        assert_eq!(count("a b  c"), 3);
    }
}
