//! Small text helpers shared by the reader and the checks.

/// A character Word counts as one 字 on its own and that needs no space
/// around it: CJK ideographs, kana, Hangul, CJK and full-width punctuation,
/// and the Chinese marks Unicode files under General Punctuation
/// (GB/T 15834: “ ” ‘ ’ — … ·).
pub fn is_cjk(c: char) -> bool {
    CJK_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c)) || CJK_MARKS.contains(c)
}

/// The blocks of [`is_cjk`], also written into the pattern of a long
/// unbreakable run (`layout::long_run_pattern`), so both agree.
pub const CJK_RANGES: &[(char, char)] = &[
    ('\u{1100}', '\u{11FF}'),   // Hangul Jamo
    ('\u{2E80}', '\u{2FDF}'),   // CJK radicals, Kangxi
    ('\u{2FF0}', '\u{303F}'),   // ideographic description, CJK symbols and punctuation
    ('\u{3040}', '\u{31FF}'),   // kana, bopomofo, …
    ('\u{3200}', '\u{4DBF}'),   // enclosed CJK, compatibility, Ext A
    ('\u{4E00}', '\u{9FFF}'),   // URO
    ('\u{A960}', '\u{A97F}'),   // Hangul Jamo Extended-A
    ('\u{AC00}', '\u{D7FF}'),   // Hangul syllables
    ('\u{F900}', '\u{FAFF}'),   // compatibility ideographs
    ('\u{FE10}', '\u{FE1F}'),   // vertical forms
    ('\u{FE30}', '\u{FE4F}'),   // compatibility forms
    ('\u{FF00}', '\u{FFEF}'),   // full-width forms
    ('\u{20000}', '\u{3FFFF}'), // Ext B and beyond
];

/// The Chinese marks Unicode files under General Punctuation.
pub const CJK_MARKS: &str = "“”‘’—…·–";

/// The candidate closest to `word` by edit distance, if it is close enough to
/// be a typo (`abstarct` → `abstract`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Characters that print nothing and need no glyph: zero-width spaces and
/// joiners, bidi marks and isolates (U+2066–2069), variation selectors, the
/// BOM and the soft hyphen.
pub fn is_ignorable(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF | 0xAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typo() {
        let keys = ["abstract", "overview", "implementation", "effects"];
        assert_eq!(closest("abstarct", keys), Some("abstract"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}
