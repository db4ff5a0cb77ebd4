//! `w:sym`: a character Word draws from a symbol font (Insert → Symbol),
//! stored as the font's own code, not as Unicode. The common ones of these
//! drafts map to the Unicode character that prints the same.

/// The Unicode character of a symbol-font code (`F0FE` in Wingdings → ☑).
pub fn map(font: &str, code: &str) -> Option<char> {
    let n = u32::from_str_radix(code.trim(), 16).ok()?;
    // Codes in the private area F000–F0FF address the font's 8-bit table.
    let low = if (0xF000..=0xF0FF).contains(&n) {
        n - 0xF000
    } else {
        n
    };
    let f = font.to_ascii_lowercase();
    let table: &[(u32, char)] = if f == "symbol" {
        SYMBOL
    } else if f == "wingdings" {
        WINGDINGS
    } else if f == "wingdings 2" {
        WINGDINGS2
    } else {
        &[]
    };
    if let Some(&(_, c)) = table.iter().find(|(k, _)| *k == low) {
        return Some(c);
    }
    if f == "symbol" && (0x41..=0x7A).contains(&low) {
        return greek(low);
    }
    // A code outside the private area is already Unicode (a CJK font's
    // symbol inserted by code).
    if !(0xF000..=0xF0FF).contains(&n) {
        return char::from_u32(n).filter(|c| !c.is_control());
    }
    if table.is_empty() && low >= 0x20 && !f.contains("wingdings") && !f.contains("webdings") {
        return char::from_u32(low).filter(|c| !c.is_control());
    }
    None
}

const SYMBOL: &[(u32, char)] = &[
    (0xB1, '±'),
    (0xB3, '≥'),
    (0xA3, '≤'),
    (0xB4, '×'),
    (0xB8, '÷'),
    (0xB0, '°'),
    (0xAE, '→'),
    (0xAC, '←'),
    (0xAD, '↑'),
    (0xAF, '↓'),
    (0xD6, '√'),
    (0xB9, '≠'),
    (0xBB, '≈'),
    (0xA5, '∞'),
    (0xB7, '•'),
    (0xD7, '·'),
    (0x2D, '−'),
    (0xA2, '′'),
    (0xB2, '″'),
    (0xE5, '∑'),
    (0xF2, '∫'),
    (0xB6, '∂'),
    (0xD1, '∇'),
    (0xCE, '∈'),
    (0xC6, '∅'),
];

const WINGDINGS: &[(u32, char)] = &[
    (0xFC, '✔'),
    (0xFB, '✘'),
    (0xFE, '☑'),
    (0xFD, '☒'),
    (0xA8, '□'),
    (0x6F, '□'),
    (0x71, '□'),
    (0x6E, '■'),
    (0x6C, '●'),
    (0xA1, '○'),
    (0x9F, '•'),
    (0xA7, '▪'),
    (0x75, '◆'),
    (0x76, '❖'),
    (0xD8, '➢'),
    (0xE8, '➔'),
    (0x4A, '☺'),
    (0xAB, '★'),
    (0x8C, '①'),
    (0x8D, '②'),
    (0x8E, '③'),
    (0x8F, '④'),
    (0x90, '⑤'),
];

const WINGDINGS2: &[(u32, char)] = &[
    (0x52, '☑'),
    (0x51, '☒'),
    (0x54, '☒'),
    (0xA3, '□'),
    (0x2A, '□'),
    (0x50, '✔'),
    (0x4F, '✘'),
];

fn greek(low: u32) -> Option<char> {
    // The Symbol font's letters: A–Z, a–z map to Greek in its own order.
    const UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    match low {
        0x41..=0x5A => UPPER.chars().nth((low - 0x41) as usize),
        0x61..=0x7A => LOWER.chars().nth((low - 0x61) as usize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn common_symbols() {
        assert_eq!(map("Wingdings", "F0FE"), Some('☑'));
        assert_eq!(map("Wingdings 2", "F052"), Some('☑'));
        assert_eq!(map("Wingdings", "F0A8"), Some('□'));
        assert_eq!(map("Symbol", "F0B1"), Some('±'));
        assert_eq!(map("Symbol", "F073"), Some('σ'));
        assert_eq!(map("Symbol", "F061"), Some('α'));
        assert_eq!(map("宋体", "2103"), Some('℃'));
        assert_eq!(map("Wingdings", "F041"), None);
    }
}
