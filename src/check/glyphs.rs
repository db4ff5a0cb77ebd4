//! F3: every character that will be printed has a glyph in the fallback
//! chain of the role that prints it (real font, Noto substitute, DejaVu
//! Sans; see `fonts.rs`): the material's text, and the text the templates
//! and the profile add.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, FileIdx, Sources, Span};
use crate::material::Loaded;
use crate::resources::fonts::{Fonts, Role};
use crate::resources::templates::Templates;
use crate::text::is_ignorable;

/// At most this many F3 places are listed per source (material, templates).
const LISTED: usize = 20;

/// The roles material text is printed in. Body parts may be bold anywhere
/// (headings, `**…**`, table headers), so both chains must have the glyph.
const BODY: &[Role] = &[Role::Song, Role::SongBold];
/// The article title and the cover fields.
const HEI: &[Role] = &[Role::Hei];

/// F3 for the material: a character no face of its role's chain has is
/// named with its place, never printed as a tofu box.
pub fn check(loaded: &Loaded, fonts: &Fonts, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let m = &loaded.material;
    let scalar = |t: &serde_saphyr::Spanned<String>| -> (String, Span) {
        (
            t.value.clone(),
            crate::source::yaml::yaml_span(sources, loaded.file, &t.referenced),
        )
    };
    // Printed in 黑体: the title (cover field and article title), the
    // company and the contact (cover fields).
    let scalars: Vec<(String, Span)> = vec![
        scalar(&m.benchmark.title),
        scalar(&m.company.name),
        scalar(&m.contact.name),
    ];
    let mut reported = 0;
    let mut check = |text: &str, roles: &[Role], at: &dyn Fn(Range<usize>) -> Span| {
        for (i, c) in unprintable(text, roles, fonts) {
            if reported < LISTED {
                diags.push(
                    Diagnostic::error(Code::MissingGlyph, format!("字符“{c}”（U+{:04X}）在所用字体中都没有字形，印出来会是方框", c as u32))
                        .at(at(i..i + c.len_utf8()))
                        .help("换用常用字或同义词；若确需此字，请用 --font-path 指定含有该字的字体（如 SimSun-ExtB、思源宋体完整版）"),
                );
            }
            reported += 1;
        }
    };
    for (t, s) in &scalars {
        check(t, HEI, &|_| s.clone());
    }
    for part in &loaded.parts {
        check(&part.text, BODY, &|r| {
            part.origin.span(sources, &part.text, r)
        });
    }
    if reported > LISTED {
        diags.push(Diagnostic::error(
            Code::MissingGlyph,
            format!("共有 {reported} 处字符缺字形，只列出前 {LISTED} 处"),
        ));
    }
}

/// F3 for the writer's 答辩 deck (`slides.md`, set in 黑体 throughout):
/// every character no face of the 黑体 chain has, at its place.
pub fn check_slides(text: &str, file: FileIdx, fonts: &Fonts, diags: &mut Vec<Diagnostic>) {
    let mut reported = 0;
    for (i, c) in unprintable(text, HEI, fonts) {
        if reported < LISTED {
            diags.push(
                Diagnostic::error(
                    Code::MissingGlyph,
                    format!(
                        "字符“{c}”（U+{:04X}）在所用字体中都没有字形，印出来会是方框",
                        c as u32
                    ),
                )
                .at(Span {
                    file,
                    range: i..i + c.len_utf8(),
                })
                .help("换用常用字或同义词；若确需此字，请用 --font-path 指定含有该字的字体"),
            );
        }
        reported += 1;
    }
    if reported > LISTED {
        diags.push(Diagnostic::error(
            Code::MissingGlyph,
            format!("slides.md 共有 {reported} 处字符缺字形，只列出前 {LISTED} 处"),
        ));
    }
}

/// F3 for the text the templates add (labels such as 表、图、草稿、：) and
/// the profile (cover title lines…): every non-ASCII character outside
/// comments of the Typst files in use and of the profile `profile`, from
/// `--templates` or embedded. Template text may be set in any role, so every
/// role's chain must have it. Reported against the template file, for its
/// maintainer.
pub fn check_templates(
    templates: &Templates,
    profile: &str,
    fonts: &Fonts,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let profile_file = format!("profiles/{profile}.yaml");
    let names = Templates::typst_files()
        .map(String::from)
        .chain([profile_file]);
    let mut reported = 0;
    for name in names {
        let Some((path, text)) = templates.text(&name) else {
            continue;
        };
        let mut hits = Vec::new();
        let mut scan = |offset: usize, piece: &str| {
            for (i, c) in unprintable(piece, &Role::ALL, fonts) {
                hits.push((offset + i, c));
            }
        };
        if name.ends_with(".typ") {
            typst_text(&typst::syntax::parse(&text), 0, &mut scan);
        } else {
            yaml_text(&text, &mut scan);
        }
        if hits.is_empty() {
            continue;
        }
        let file = source_of(sources, &path, text);
        for (i, c) in hits {
            if reported < LISTED {
                diags.push(
                    Diagnostic::error(
                        Code::MissingGlyph,
                        format!(
                            "模板文字“{c}”（U+{:04X}）在所用字体中都没有字形，印出来会是方框",
                            c as u32
                        ),
                    )
                    .at(Span {
                        file,
                        range: i..i + c.len_utf8(),
                    })
                    .help(format!(
                        "这是模板或配置（{name}）里的文字，不是材料的问题：请模板维护者换用随附字体中有的字符；若确需此字，请用 --font-path 指定含有该字的字体"
                    )),
                );
            }
            reported += 1;
        }
    }
    if reported > LISTED {
        diags.push(Diagnostic::error(
            Code::MissingGlyph,
            format!("模板和配置中共有 {reported} 处字符缺字形，只列出前 {LISTED} 处"),
        ));
    }
}

/// The characters of `text` (with their byte offsets) that some role of
/// `roles` cannot print.
fn unprintable<'a>(
    text: &'a str,
    roles: &'a [Role],
    fonts: &'a Fonts,
) -> impl Iterator<Item = (usize, char)> + 'a {
    text.char_indices().filter(move |&(_, c)| {
        !(c.is_ascii() || c.is_control() || c.is_whitespace() || is_ignorable(c))
            && roles.iter().any(|&r| !fonts.covers(r, c))
    })
}

/// The file in `sources` for `path`, added when it is not there yet (the
/// profile is; the Typst files are added only when one has a problem).
fn source_of(sources: &mut Sources, path: &Path, text: String) -> FileIdx {
    let path: PathBuf = path.to_path_buf();
    (0..sources.len())
        .find(|&i| sources.path(i) == path && sources.text(i) == text)
        .unwrap_or_else(|| sources.add(&path, text))
}

/// Every piece of a Typst file that is not a comment, with its offset.
fn typst_text(node: &typst::syntax::SyntaxNode, offset: usize, out: &mut dyn FnMut(usize, &str)) {
    use typst::syntax::SyntaxKind;
    if matches!(
        node.kind(),
        SyntaxKind::LineComment | SyntaxKind::BlockComment
    ) {
        return;
    }
    if node.children().len() == 0 {
        out(offset, node.leaf_text());
        return;
    }
    let mut at = offset;
    for child in node.children() {
        typst_text(child, at, out);
        at += child.len();
    }
}

/// Every line of a YAML file without its comment (`#` at the start or after
/// a space, outside quotes), with its offset.
fn yaml_text(text: &str, out: &mut dyn FnMut(usize, &str)) {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut end = line.len();
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => {
                    end = i;
                    break;
                }
                None => {}
            }
            prev = c;
        }
        out(start, &line[..end]);
        start += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_comments_are_skipped() {
        let mut seen = String::new();
        yaml_text(
            "a: \"x # y\" # 注释\n# 整行\nb: ['#', 𠮷] # z\n",
            &mut |_, s| seen.push_str(s),
        );
        assert_eq!(seen, "a: \"x # y\" b: ['#', 𠮷] ");
    }

    #[test]
    fn typst_comments_are_skipped_and_offsets_kept() {
        let text = "// 注释𠮷\n#let a = \"表\" /* 块𠮷 */\n图";
        let mut pieces = Vec::new();
        typst_text(&typst::syntax::parse(text), 0, &mut |o, s| {
            pieces.push((o, s.to_string()))
        });
        for (o, s) in &pieces {
            assert_eq!(&text[*o..*o + s.len()], s);
        }
        let all: String = pieces.iter().map(|p| p.1.as_str()).collect();
        assert!(all.contains('表') && all.contains('图'), "{all}");
        assert!(!all.contains('𠮷') && !all.contains("注释"), "{all}");
    }
}
