//! 字数 as Word counts them (V2): each CJK character or CJK/full-width
//! punctuation mark is 1; each run of other non-space characters (a Latin
//! word, a number) is 1. Chinese punctuation that Unicode files under General
//! Punctuation (GB/T 15834: “ ” ‘ ’ — … ·) counts as CJK.

use crate::text::is_cjk;

/// Word's 字数 of a piece of text.
pub fn count(text: &str) -> usize {
    let mut n = 0;
    let mut in_run = false;
    for c in text.chars() {
        if is_cjk(c) {
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

/// Where a part's text starts, for diagnostics about the whole part (V2):
/// its first line that is not blank, without surrounding spaces.
pub fn first_text_line(text: &str) -> std::ops::Range<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let lead = line.len() - line.trim_start().len();
            return start + lead..start + lead + t.len();
        }
        start += line.len();
    }
    0..0
}

#[cfg(test)]
mod tests {
    use super::{count, first_text_line};

    #[test]
    fn first_text_line_skips_blank_lines() {
        assert_eq!(first_text_line("\n  \n  摘要。\n"), 6..15);
        assert_eq!(first_text_line("正文"), 0..6);
        assert_eq!(first_text_line(" \n"), 0..0);
    }

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
