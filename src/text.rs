//! Small text helpers shared by the reader and the checks.

/// A character Word counts as one 字 on its own and that needs no space
/// around it: CJK ideographs, kana, Hangul, CJK and full-width punctuation,
/// and the Chinese marks Unicode files under General Punctuation
/// (GB/T 15834: “ ” ‘ ’ — … ·).
pub fn is_cjk(c: char) -> bool {
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
