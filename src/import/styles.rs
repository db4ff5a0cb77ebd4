//! styles.xml: what each paragraph style means for the import, with the
//! `basedOn` chain followed (a writer's "我的标题" based on 标题 2 is a
//! heading of level 2).

use std::collections::HashMap;

use roxmltree::Node;

use super::package::attr;
use super::word::{Vert, is_on, local};

/// What the import needs of a paragraph or character style.
#[derive(Clone, Debug, Default)]
pub struct Style {
    pub name: String,
    pub based_on: Option<String>,
    /// `w:outlineLvl` (0 = 标题 1), when the style sets one.
    pub outline: Option<u8>,
    /// 1-based heading level from a built-in heading name (`heading 2`,
    /// `标题 2`), when the style is one.
    pub heading: Option<u8>,
    pub bold: Option<bool>,
    pub centered: Option<bool>,
    pub num: Option<(String, u8)>,
    pub kind: StyleKind,
    /// A character style's raise (superscript, subscript).
    pub vert: Option<Vert>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StyleKind {
    #[default]
    Body,
    Title,
    Caption,
    Toc,
}

#[derive(Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
    default_para: Option<String>,
}

/// The resolved properties of a style after its chain.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub name: String,
    /// 0-based outline level (0 = the level of 标题 1).
    pub outline: Option<u8>,
    pub bold: bool,
    pub centered: bool,
    pub num: Option<(String, u8)>,
    pub kind: StyleKind,
}

impl Styles {
    pub fn parse(root: Node) -> Styles {
        let mut styles = Styles::default();
        for s in root.children().filter(|n| local(*n) == "style") {
            let Some(id) = attr(s, "styleId") else {
                continue;
            };
            let mut style = Style::default();
            for c in s.children().filter(|n| n.is_element()) {
                match local(c) {
                    "name" => style.name = attr(c, "val").unwrap_or("").to_string(),
                    "basedOn" => style.based_on = attr(c, "val").map(str::to_string),
                    "pPr" => {
                        for p in c.children().filter(|n| n.is_element()) {
                            match local(p) {
                                "outlineLvl" => {
                                    style.outline = attr(p, "val").and_then(|v| v.parse().ok())
                                }
                                "jc" => style.centered = Some(attr(p, "val") == Some("center")),
                                "numPr" => style.num = super::word::num_pr(p),
                                _ => {}
                            }
                        }
                    }
                    "rPr" => {
                        if let Some(b) = c.children().find(|n| local(*n) == "b") {
                            style.bold = Some(is_on(b));
                        }
                        if let Some(v) = c.children().find(|n| local(*n) == "vertAlign") {
                            style.vert = Some(Vert::from_val(attr(v, "val")));
                        }
                    }
                    _ => {}
                }
            }
            let lower = style.name.to_lowercase();
            style.heading = heading_level(&lower);
            style.kind = if lower == "title" || lower == "标题" || lower == "subtitle" {
                StyleKind::Title
            } else if lower.contains("caption") || lower.contains("题注") {
                // Word's 题注, and converters' own (pandoc's "Image Caption",
                // "Table Caption").
                StyleKind::Caption
            } else if lower.starts_with("toc ")
                || lower.starts_with("目录 ")
                || lower == "toc heading"
                || lower == "目录标题"
                || lower == "contents heading"
                || lower.starts_with("contents ")
            {
                StyleKind::Toc
            } else {
                StyleKind::Body
            };
            if attr(s, "type") == Some("paragraph")
                && attr(s, "default").is_some_and(super::word::truthy)
            {
                styles.default_para = Some(id.to_string());
            }
            styles.by_id.insert(id.to_string(), style);
        }
        styles
    }

    /// A paragraph style's properties with its chain applied; `None` is the
    /// default paragraph style.
    pub fn resolve(&self, id: Option<&str>) -> Resolved {
        let mut out = Resolved::default();
        let mut next = id.map(str::to_string).or_else(|| self.default_para.clone());
        let (mut bold, mut centered, mut outline, mut heading, mut kind, mut num) =
            (None, None, None, None, None, None);
        // A chain that loops (a damaged file) ends after a few steps.
        for _ in 0..16 {
            let Some(id) = next.take() else { break };
            let Some(s) = self.by_id.get(&id) else { break };
            if out.name.is_empty() {
                out.name = s.name.clone();
            }
            bold = bold.or(s.bold);
            centered = centered.or(s.centered);
            outline = outline.or(s.outline);
            heading = heading.or(s.heading);
            num = num.or_else(|| s.num.clone());
            if kind.is_none() && s.kind != StyleKind::Body {
                kind = Some(s.kind);
            }
            next = s.based_on.clone();
        }
        out.bold = bold.unwrap_or(false);
        out.centered = centered.unwrap_or(false);
        // A built-in heading name wins over an outline level a converter
        // left at 9 ("body text").
        out.outline = heading.map(|h| h - 1).or(outline).filter(|&l| l < 9);
        out.kind = kind.unwrap_or_default();
        out.num = num;
        out
    }

    /// Whether a character style makes its runs bold (and how it raises them).
    pub fn char_props(&self, id: &str) -> (Option<bool>, Option<Vert>) {
        let (mut bold, mut vert) = (None, None);
        let mut next = Some(id.to_string());
        for _ in 0..16 {
            let Some(id) = next.take() else { break };
            let Some(s) = self.by_id.get(&id) else { break };
            bold = bold.or(s.bold);
            vert = vert.or(s.vert);
            next = s.based_on.clone();
        }
        (bold, vert)
    }
}

/// `heading 2`, `Heading 2`, `标题 2` → 2.
fn heading_level(lower_name: &str) -> Option<u8> {
    let rest = lower_name
        .strip_prefix("heading")
        .or_else(|| lower_name.strip_prefix("标题"))?;
    let n: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&n).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names_in_english_and_chinese() {
        assert_eq!(heading_level("heading 2"), Some(2));
        assert_eq!(heading_level("标题 3"), Some(3));
        assert_eq!(heading_level("标题"), None);
        assert_eq!(heading_level("headings"), None);
    }

    #[test]
    fn based_on_chain_gives_the_level() {
        let xml = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="mine"><w:name w:val="我的标题"/><w:basedOn w:val="2"/></w:style>
<w:style w:type="paragraph" w:styleId="loop"><w:name w:val="loop"/><w:basedOn w:val="loop"/></w:style>
</w:styles>"#;
        let doc = roxmltree::Document::parse(xml).unwrap();
        let s = Styles::parse(doc.root_element());
        let r = s.resolve(Some("mine"));
        assert_eq!(r.outline, Some(1));
        assert!(r.bold);
        assert_eq!(s.resolve(None).outline, None);
        assert_eq!(s.resolve(Some("loop")).outline, None);
    }
}
