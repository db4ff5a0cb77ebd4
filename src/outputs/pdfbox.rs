//! TrimBox and BleedBox for the print shop's files (issue 11): Typst sets
//! only the MediaBox, so the boxes are added afterwards as an incremental
//! update (ISO 32000 §7.5.6) — each page object rewritten with the boxes,
//! appended with its own cross-reference section, the original bytes kept
//! as they are. Only for PDFs typst-pdf wrote: a classic cross-reference
//! table and page objects outside object streams (checked; `None`
//! otherwise).

use std::fmt::Write as _;

/// A box in PDF points: [x0 y0 x1 y1].
pub type PdfBox = [f64; 4];

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn number_after(hay: &[u8], key: &[u8]) -> Option<String> {
    let at = find(hay, key, 0)? + key.len();
    let rest = std::str::from_utf8(&hay[at..]).ok()?;
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ' ' || c == 'R'))
        .unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// `pdf` with every page's TrimBox and BleedBox set to `trim` and `bleed`.
pub fn set_boxes(pdf: &[u8], trim: PdfBox, bleed: PdfBox) -> Option<Vec<u8>> {
    if find(pdf, b"/ObjStm", 0).is_some() {
        return None;
    }
    let trailer_at = rfind(pdf, b"trailer")?;
    let trailer = &pdf[trailer_at..];
    let size: usize = number_after(trailer, b"/Size")?.parse().ok()?;
    let root = number_after(trailer, b"/Root")?;
    let info = number_after(trailer, b"/Info");
    let id = find(trailer, b"/ID", 0).and_then(|i| {
        let end = find(trailer, b"]", i)?;
        Some(String::from_utf8_lossy(&trailer[i..=end]).into_owned())
    });
    let startxref = rfind(pdf, b"startxref")?;
    let prev: usize = std::str::from_utf8(&pdf[startxref + 9..])
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;

    let fmt = |b: PdfBox| format!("[{} {} {} {}]", b[0], b[1], b[2], b[3]);
    let boxes = format!("/TrimBox{}/BleedBox{}", fmt(trim), fmt(bleed));
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut entries: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(i) = find(pdf, b"/Type/Page", at) {
        at = i + 10;
        // `/Type/Pages` is the page tree, not a page.
        if pdf.get(i + 10) == Some(&b's') {
            continue;
        }
        let obj = rfind(&pdf[..i], b" 0 obj")?;
        let num_start = pdf[..obj]
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |p| p + 1);
        let num: usize = std::str::from_utf8(&pdf[num_start..obj])
            .ok()?
            .parse()
            .ok()?;
        let dict = find(pdf, b"<<", obj)?;
        let end = find(pdf, b"endobj", dict)?;
        let mut body = pdf[dict..end].to_vec();
        body.splice(2..2, boxes.bytes());
        entries.push((num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(&body);
        if !body.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.extend_from_slice(b"endobj\n");
    }
    if entries.is_empty() {
        return None;
    }
    let xref_at = out.len();
    let mut x = String::from("xref\n");
    for (num, offset) in &entries {
        let _ = write!(x, "{num} 1\n{offset:010} 00000 n\r\n");
    }
    let _ = write!(x, "trailer\n<</Size {size}/Root {root}");
    if let Some(info) = info {
        let _ = write!(x, "/Info {info}");
    }
    if let Some(id) = id {
        x.push_str(&id);
    }
    let _ = write!(x, "/Prev {prev}>>\nstartxref\n{xref_at}\n%%EOF\n");
    out.extend_from_slice(x.as_bytes());
    Some(out)
}
