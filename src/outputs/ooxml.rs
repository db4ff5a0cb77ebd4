//! Office Open XML packages, shared by the deck's PPTX and the Word files
//! (`outputs::docx`): the parts, their content types and relationships,
//! the deterministic zip, and XML text escaping. Nothing here knows a deck
//! or a document.

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Relationship types of the package's own parts.
const REL_OFFICE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub const REL_CORE: &str =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";

/// The parts in the order they are written (`[Content_Types].xml` is made
/// from them and goes first).
#[derive(Default)]
pub struct Package {
    parts: Vec<Part>,
}

struct Part {
    name: String,
    data: Vec<u8>,
    /// XML is deflated; pictures (already compressed) are stored.
    deflate: bool,
}

impl Package {
    pub fn xml(&mut self, name: impl Into<String>, xml: String) {
        self.parts.push(Part {
            name: name.into(),
            data: xml.into_bytes(),
            deflate: true,
        });
    }

    /// An XML part and, if it has any, its relationships
    /// (`dir/_rels/name.xml.rels`).
    pub fn part(&mut self, name: &str, xml: String, rels: &Rels) {
        self.xml(name, xml);
        if !rels.0.is_empty() {
            let (dir, file) = name.rsplit_once('/').unwrap_or(("", name));
            self.xml(format!("{dir}/_rels/{file}.rels"), rels.xml());
        }
    }

    pub fn binary(&mut self, name: String, data: Vec<u8>) {
        self.parts.push(Part {
            name,
            data,
            deflate: false,
        });
    }

    /// `[Content_Types].xml`: a default for each extension the package
    /// uses, an override for each XML part of a more specific type.
    fn content_types(&self) -> String {
        let mut xml = format!(
            "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        );
        for (ext, kind) in DEFAULT_TYPES {
            let used = self
                .parts
                .iter()
                .any(|p| p.name.rsplit_once('.').is_some_and(|(_, e)| e == ext));
            if used {
                xml += &format!("<Default Extension=\"{ext}\" ContentType=\"{kind}\"/>");
            }
        }
        for part in &self.parts {
            if let Some(kind) = override_type(&part.name) {
                xml += &format!(
                    "<Override PartName=\"/{}\" ContentType=\"{kind}\"/>",
                    escape(&part.name)
                );
            }
        }
        xml + "</Types>"
    }

    pub fn finish(self) -> Result<Vec<u8>, String> {
        let fail = |e: &dyn std::fmt::Display| format!("打包失败：{e}");
        // A fixed time (the DOS epoch, 1980-01-01) and mode, not the clock's:
        // the same deck must give the same bytes.
        let options = SimpleFileOptions::default()
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        let types = Part {
            name: "[Content_Types].xml".into(),
            data: self.content_types().into_bytes(),
            deflate: true,
        };
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for part in std::iter::once(&types).chain(&self.parts) {
            let method = if part.deflate {
                CompressionMethod::Deflated
            } else {
                CompressionMethod::Stored
            };
            zip.start_file(part.name.as_str(), options.compression_method(method))
                .map_err(|e| fail(&e))?;
            zip.write_all(&part.data).map_err(|e| fail(&e))?;
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

/// Content types by extension.
const DEFAULT_TYPES: [(&str, &str); 4] = [
    (
        "rels",
        "application/vnd.openxmlformats-package.relationships+xml",
    ),
    ("xml", "application/xml"),
    ("png", "image/png"),
    ("jpeg", "image/jpeg"),
];

/// The content type of an XML part that its extension does not give, from
/// its name with the number taken off (`ppt/slides/slide3.xml` → slide).
fn override_type(name: &str) -> Option<&'static str> {
    let stem = name
        .strip_suffix(".xml")?
        .trim_end_matches(|c: char| c.is_ascii_digit());
    Some(match stem {
        "docProps/core" => "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app" => "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "ppt/theme/theme" | "word/theme/theme" => {
            "application/vnd.openxmlformats-officedocument.theme+xml"
        }
        // The Word files' parts (outputs::docx) share this package writer.
        "word/document" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        }
        "word/styles" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
        }
        "word/numbering" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
        }
        "word/settings" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
        }
        "word/fontTable" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
        }
        "word/footnotes" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
        }
        "word/footer" => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
        }
        "ppt/presentation" => {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
        }
        "ppt/presProps" => {
            "application/vnd.openxmlformats-officedocument.presentationml.presProps+xml"
        }
        "ppt/viewProps" => {
            "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"
        }
        "ppt/tableStyles" => {
            "application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml"
        }
        "ppt/slideMasters/slideMaster" => {
            "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"
        }
        "ppt/slideLayouts/slideLayout" => {
            "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"
        }
        "ppt/notesMasters/notesMaster" => {
            "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml"
        }
        "ppt/slides/slide" => {
            "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
        }
        "ppt/notesSlides/notesSlide" => {
            "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
        }
        _ => return None,
    })
}

/// A part's relationships, numbered `rId1`, `rId2`, … in the order added.
#[derive(Default)]
pub struct Rels(Vec<(String, String)>);

impl Rels {
    /// Adds a relationship of type `kind` to `target` (relative to the
    /// part) and returns its id.
    pub fn add(&mut self, kind: impl Into<String>, target: impl Into<String>) -> String {
        self.0.push((kind.into(), target.into()));
        format!("rId{}", self.0.len())
    }

    pub fn xml(&self) -> String {
        let mut xml = format!(
            "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        );
        for (i, (kind, target)) in self.0.iter().enumerate() {
            xml += &format!(
                "<Relationship Id=\"rId{}\" Type=\"{kind}\" Target=\"{}\"/>",
                i + 1,
                escape(target)
            );
        }
        xml + "</Relationships>"
    }
}

/// The relationship type of an Office part (`slide`, `theme`, …).
pub fn office(kind: &str) -> String {
    format!("{REL_OFFICE}/{kind}")
}

/// `docProps/core.xml`: title and author (the enterprise); no dates, which would change the
/// bytes on every run.
pub fn core_props(title: &str, company: &str) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language>\
         </cp:coreProperties>",
        escape(title),
        escape(company)
    )
}

/// Text as XML character data or an attribute value: the five markup
/// characters escaped, and characters XML 1.0 cannot hold at all (most
/// control characters, U+FFFE, U+FFFF) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t'
            | '\n'
            | '\r'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'.. => out.push(c),
            _ => {}
        }
    }
    out
}

/// A template part with its comments (which document it for maintainers)
/// and a byte-order mark removed: the package gets only the markup.
pub fn strip_comments(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml.trim_start_matches('\u{feff}');
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find("-->") {
            Some(end) => rest[start + end + 3..].trim_start_matches(['\r', '\n']),
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_illegal_characters() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("申报\u{0}\u{8}\u{b}\u{c}\u{1f}\u{fffe}书"), "申报书");
        assert_eq!(escape("\t\n\r😀"), "\t\n\r😀");
    }

    #[test]
    fn strips_template_comments() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<!-- a\n note -->\n<a:x/><!--b--><a:y/>";
        assert_eq!(strip_comments(xml), "<?xml version=\"1.0\"?>\n<a:x/><a:y/>");
    }
}
