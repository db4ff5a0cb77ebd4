//! F3: every character that will be printed has a glyph in a font we load.

use crate::diag::{Code, Diagnostic, Sources, Span};
use crate::fonts::Fonts;
use crate::material::{self, Loaded};

/// F3: every character that will be printed has a glyph in some font we
/// load; a missing one is named with its place, never a tofu box.
pub fn check(loaded: &Loaded, fonts: &Fonts, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let m = &loaded.material;
    let mut texts: Vec<(&str, Span)> = Vec::new();
    let scalar = |t: &serde_saphyr::Spanned<String>| -> (String, Span) {
        (
            t.value.clone(),
            material::read::yaml_span(sources, loaded.file, 0, &t.referenced),
        )
    };
    let owned: Vec<(String, Span)> = vec![
        scalar(&m.benchmark.title),
        scalar(&m.company.name),
        scalar(&m.contact.name),
    ];
    for (t, s) in &owned {
        texts.push((t.as_str(), s.clone()));
    }
    let mut reported = 0;
    let mut check = |text: &str, at: &dyn Fn(std::ops::Range<usize>) -> Span| {
        for (i, c) in text.char_indices() {
            if c.is_control() || c.is_whitespace() || is_ignorable(c) || fonts.covers(c) {
                continue;
            }
            if reported < 20 {
                diags.push(
                    Diagnostic::error(Code::MissingGlyph, format!("字符“{c}”（U+{:04X}）在所用字体中都没有字形，印出来会是方框", c as u32))
                        .at(at(i..i + c.len_utf8()))
                        .help("换用常用字或同义词；若确需此字，请用 --font-path 指定含有该字的字体（如 SimSun-ExtB、思源宋体完整版）"),
                );
            }
            reported += 1;
        }
    };
    for (t, s) in &texts {
        let s = s.clone();
        check(t, &move |_| s.clone());
    }
    for part in &loaded.parts {
        check(&part.text, &|r| part.origin.span(sources, &part.text, r));
    }
    if reported > 20 {
        diags.push(Diagnostic::error(
            Code::MissingGlyph,
            format!("共有 {reported} 处字符缺字形，只列出前 20 处"),
        ));
    }
}

/// Characters that print nothing and need no glyph.
fn is_ignorable(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF | 0xAD)
}
