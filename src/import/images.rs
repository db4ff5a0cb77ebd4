//! A picture's format from its first bytes (never from its name), and the
//! lossless conversion of the formats the book does not take as they are.

pub enum Kind {
    Png,
    Jpeg,
    /// GIF, BMP, TIFF, WebP: converted to PNG.
    Convert(&'static str),
    /// EMF or WMF: vector drawings that cannot be converted here.
    Metafile(&'static str),
    Unknown,
}

pub fn sniff(b: &[u8]) -> Kind {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Kind::Convert("GIF")
    } else if b.starts_with(b"BM") {
        Kind::Convert("BMP")
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Kind::Convert("WebP")
    } else if b.len() > 44 && b[..4] == [1, 0, 0, 0] && &b[40..44] == b" EMF" {
        Kind::Metafile("EMF")
    } else if b.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || b.starts_with(&[1, 0, 9, 0]) {
        Kind::Metafile("WMF")
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        Kind::Metafile("TIFF")
    } else {
        Kind::Unknown
    }
}

/// The first frame as PNG, pixels unchanged.
pub fn to_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let img = image::load_from_memory(bytes).ok()?;
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .ok()?;
    Some(out)
}
