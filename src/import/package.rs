//! A .docx as a package: a zip of XML parts and media, read with bounds.
//!
//! A .docx can come from anywhere, so nothing here trusts it: the number of
//! entries, each part's and the whole package's decompressed size are bounded
//! (a zip bomb ends with a clear error, not an exhausted machine), and XML is
//! parsed by roxmltree with DTDs refused, so no entity is ever expanded or
//! fetched.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::ImportError;

/// Bounds on what one .docx may hold. A real draft of 30 pages with pictures
/// is a few MB; these leave room for phone photos and for 20 000 paragraphs.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest decompressed part (XML or picture).
    pub part_bytes: u64,
    /// Largest decompressed total of the parts read.
    pub total_bytes: u64,
    /// Most entries in the zip.
    pub entries: usize,
    /// Most XML nodes in one part.
    pub xml_nodes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            part_bytes: 128 << 20,
            total_bytes: 512 << 20,
            entries: 20_000,
            xml_nodes: 20_000_000,
        }
    }
}

pub struct Package {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    limits: Limits,
    read_so_far: u64,
}

/// A relationship of a part: where it points and what it is.
#[derive(Clone, Debug)]
pub struct Rel {
    pub kind: String,
    /// The package path of the target (`word/media/image1.png`), or the
    /// address of an external target.
    pub target: String,
    pub external: bool,
}

impl Package {
    pub fn open(bytes: Vec<u8>, limits: Limits) -> Result<Package, ImportError> {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(ImportError::Legacy);
        }
        if !bytes.starts_with(b"PK") {
            return Err(ImportError::NotDocx("文件不是 zip 格式".into()));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ImportError::NotDocx(format!("zip 结构损坏（{e}）")))?;
        if zip.len() > limits.entries {
            return Err(ImportError::Limit(format!(
                "文件包含 {} 个部件，超过上限 {}",
                zip.len(),
                limits.entries
            )));
        }
        Ok(Package {
            zip,
            limits,
            read_so_far: 0,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The bytes of a part, or `None` when the package has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let limit = self
            .limits
            .part_bytes
            .min(self.limits.total_bytes.saturating_sub(self.read_so_far));
        let mut file = self
            .zip
            .by_index(index)
            .map_err(|e| ImportError::NotDocx(format!("无法读取部件 {name}（{e}）")))?;
        if file.size() > limit {
            return Err(too_big(name, file.size()));
        }
        let mut out = Vec::with_capacity(file.size().min(limit) as usize);
        // The declared size can lie: read at most one byte past the limit.
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| ImportError::NotDocx(format!("部件 {name} 已损坏（{e}）")))?;
        if out.len() as u64 > limit {
            return Err(too_big(name, out.len() as u64));
        }
        self.read_so_far += out.len() as u64;
        Ok(Some(out))
    }

    /// A part read as UTF-8 (or UTF-16 with a BOM) XML text.
    pub fn read_xml_text(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        xml_text(name, bytes).map(Some)
    }

    /// The relationships of `part` (`word/document.xml` →
    /// `word/_rels/document.xml.rels`), keyed by id.
    pub fn rels(&mut self, part: &str) -> Result<HashMap<String, Rel>, ImportError> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(text) = self.read_xml_text(&rels_name)? else {
            return Ok(HashMap::new());
        };
        let doc = parse(&rels_name, &text, self.limits)?;
        let mut out = HashMap::new();
        for r in doc.root_element().children().filter(|n| n.is_element()) {
            let (Some(id), Some(target)) = (attr(r, "Id"), attr(r, "Target")) else {
                continue;
            };
            let external = attr(r, "TargetMode") == Some("External");
            let target = if external {
                target.to_string()
            } else {
                resolve(dir, target)
            };
            let kind = attr(r, "Type").unwrap_or("").to_string();
            out.insert(
                id.to_string(),
                Rel {
                    kind,
                    target,
                    external,
                },
            );
        }
        Ok(out)
    }

    /// The main document part, as the package's own relationships name it.
    pub fn main_part(&mut self) -> Result<String, ImportError> {
        let rels = self.rels("")?;
        let named = rels
            .values()
            .find(|r| r.kind.ends_with("/officeDocument") && !r.external)
            .map(|r| r.target.clone());
        match named {
            Some(t) if self.has(&t) => Ok(t),
            _ if self.has("word/document.xml") => Ok("word/document.xml".into()),
            _ => Err(ImportError::NotDocx(
                "文件里没有 Word 正文（word/document.xml）".into(),
            )),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }
}

fn too_big(name: &str, size: u64) -> ImportError {
    ImportError::Limit(format!(
        "部件 {name} 解压后有 {} MB，超过上限",
        size.div_ceil(1 << 20)
    ))
}

/// Decodes an XML part: UTF-8 (BOM or not) or UTF-16 with a BOM.
fn xml_text(name: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    let bad = || ImportError::NotDocx(format!("部件 {name} 不是可读的文本"));
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).map_err(|_| bad());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).map_err(|_| bad());
    }
    let mut text = String::from_utf8(bytes).map_err(|_| bad())?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..3);
    }
    Ok(text)
}

/// Parses XML with DTDs refused: an entity declaration (the way to read a
/// local file or fetch an address) is an error, never expanded.
pub fn parse<'a>(
    name: &str,
    text: &'a str,
    limits: Limits,
) -> Result<roxmltree::Document<'a>, ImportError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.xml_nodes,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ImportError::NotDocx(format!(
            "部件 {name} 含有 DTD 声明（Word 不会写出它，可能是被篡改的文件）"
        )),
        roxmltree::Error::NodesLimitReached => {
            ImportError::Limit(format!("部件 {name} 的 XML 节点过多"))
        }
        e => ImportError::NotDocx(format!("部件 {name} 的 XML 已损坏（{e}）")),
    })
}

/// A relationship target resolved against the folder of its source part.
fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// An attribute by its local name, whatever its namespace: Word writes
/// `w:val`, the Strict schema another namespace, converters sometimes none.
pub fn attr<'a>(node: roxmltree::Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_part() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(
            resolve("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("word", "/word/media/a.png"), "word/media/a.png");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn a_dtd_is_refused_not_expanded() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        let err = parse("word/document.xml", xml, Limits::default()).unwrap_err();
        assert!(matches!(err, ImportError::NotDocx(m) if m.contains("DTD")));
    }

    #[test]
    fn not_a_zip_and_legacy_doc() {
        assert!(matches!(
            Package::open(b"hello".to_vec(), Limits::default()),
            Err(ImportError::NotDocx(_))
        ));
        assert!(matches!(
            Package::open(vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0], Limits::default()),
            Err(ImportError::Legacy)
        ));
    }
}
