//! Images a material names (V3): PNG or JPEG that decodes in full, of sane
//! size. Decoding is cached by path, size and mtime so `watch` pays once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::diag::{Code, Diagnostic};
use crate::markdown::Block;
use crate::source::jail::Confined;

/// Largest picture side accepted, in pixels.
pub const MAX_SIDE: u32 = 30_000;

/// Finds and opens every figure's picture inside `root`, filling in its
/// path in the Typst world, pixel size and saved resolution. A picture that
/// cannot be used is reported at the figure (its Markdown) and the figure
/// dropped; the figures after it are numbered on, so 图N stays continuous
/// (B7). Returns the pictures' files (for `watch` and `--emit-typst`).
pub fn settle(
    parts: &mut [(crate::material::PartKind, Vec<Block>)],
    root: &Confined,
    diags: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    prefetch(parts, root);
    let mut files = Vec::new();
    let mut number = 0;
    for (_, blocks) in parts.iter_mut() {
        settle_blocks(blocks, root, diags, &mut files, &mut number);
    }
    files
}

/// Decodes the pictures of the document side by side (decoding whole
/// pictures is most of a `check`), filling the probe cache that `settle`
/// then reads in document order. Problems are left for `settle` to report.
fn prefetch(parts: &[(crate::material::PartKind, Vec<Block>)], root: &Confined) {
    fn collect<'a>(blocks: &'a [Block], out: &mut Vec<&'a crate::markdown::ImageSrc>) {
        for b in blocks {
            match b {
                Block::Figure { src, .. } => out.push(src),
                Block::List { items, .. } => items.iter().for_each(|it| collect(it, out)),
                Block::Quote { blocks } => collect(blocks, out),
                _ => {}
            }
        }
    }
    let mut srcs = Vec::new();
    for (_, blocks) in parts {
        collect(blocks, &mut srcs);
    }
    let mut files: Vec<PathBuf> = srcs
        .iter()
        .filter_map(|s| root.resolve(&s.base, &s.dest).ok())
        .collect();
    files.sort();
    files.dedup();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if workers < 2 {
        return;
    }
    crate::parallel::each(&files, workers, |_, file| {
        let _ = probe(file, MAX_SIDE);
    });
}

fn settle_blocks(
    blocks: &mut Vec<Block>,
    root: &Confined,
    diags: &mut Vec<Diagnostic>,
    files: &mut Vec<PathBuf>,
    number: &mut usize,
) {
    blocks.retain_mut(|b| match b {
        Block::Figure {
            number: n,
            src,
            path,
            px_width,
            px_height,
            dpi,
            span,
            ..
        } => {
            let found = root
                .resolve(&src.base, &src.dest)
                .and_then(|real| Ok((probe(&real, MAX_SIDE)?, real)))
                .and_then(|(p, real)| {
                    let rel = root.relative(&real).ok_or_else(|| {
                        Diagnostic::error(Code::FileMissing, "图片不在材料文件夹里")
                    })?;
                    Ok((p, real, rel))
                });
            match found {
                Ok((p, real, rel)) => {
                    *number += 1;
                    *n = *number;
                    *path = format!("/material/{rel}");
                    (*px_width, *px_height, *dpi) = (p.width, p.height, p.dpi);
                    files.push(real);
                    true
                }
                Err(d) => {
                    diags.push(d.at_opt(span.clone()));
                    false
                }
            }
        }
        Block::List { items, .. } => {
            for it in items.iter_mut() {
                settle_blocks(it, root, diags, files, number);
            }
            true
        }
        Block::Quote { blocks } => {
            settle_blocks(blocks, root, diags, files, number);
            true
        }
        _ => true,
    });
}

/// Largest picture accepted: 100 megapixels (a 12 000 × 8 000 scan).
const MAX_PIXELS: u64 = 100_000_000;

type Key = (PathBuf, u64, Option<SystemTime>);
type Probed = Result<Probe, String>;

/// What a picture tells about itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Probe {
    pub width: u32,
    pub height: u32,
    /// The resolution saved in the file (PNG pHYs, JPEG JFIF), which Word
    /// uses for an inserted picture's natural size.
    pub dpi: Option<f64>,
}
static CACHE: Mutex<Option<HashMap<Key, Probed>>> = Mutex::new(None);

/// The pixel size and resolution of a PNG or JPEG that decodes completely.
pub fn probe(path: &Path, max_side: u32) -> Result<Probe, Diagnostic> {
    let bad = |why: String| {
        Diagnostic::error(Code::BadImage, why)
            .help("请用 PNG 或 JPEG 格式的图片；可用画图等软件打开后“另存为”PNG")
    };
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("无法打开图片：{e}")))?;
    let key = (path.to_path_buf(), meta.len(), meta.modified().ok());
    if let Some(hit) = CACHE
        .lock()
        .expect("poisoned")
        .as_ref()
        .and_then(|c| c.get(&key).cloned())
    {
        return hit.map_err(bad);
    }
    let result = decode(path, max_side);
    CACHE
        .lock()
        .expect("poisoned")
        .get_or_insert_with(HashMap::new)
        .insert(key, result.clone());
    result.map_err(bad)
}

fn decode(path: &Path, max_side: u32) -> Result<Probe, String> {
    // Read once: the header, the full decode and the saved resolution all
    // come from these bytes.
    let bytes = std::fs::read(path).map_err(|e| format!("无法打开图片：{e}"))?;
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(&bytes[..]))
            .with_guessed_format()
            .map_err(|e| format!("无法打开图片：{e}"))
    };
    let header = reader()?;
    match header.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(f) => return Err(format!("不支持的图片格式 {f:?}（只支持 PNG 和 JPEG）")),
        None => return Err("无法识别的图片格式（不是 PNG 或 JPEG）".into()),
    }
    let (w, h) = header
        .into_dimensions()
        .map_err(|e| format!("图片已损坏，无法读取尺寸：{e}"))?;
    if w == 0 || h == 0 || w > max_side || h > max_side || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(format!(
            "图片尺寸 {w}×{h} 像素不合理（每边不超过 {max_side}，总计不超过 1 亿像素）"
        ));
    }
    // Decode it all: a truncated file has a good header and a broken body.
    let broken = |e: &dyn std::fmt::Display| format!("图片已损坏，无法完整读取：{e}");
    if bytes.starts_with(b"\x89PNG") {
        // As stored (palette indices, 16-bit samples): every byte of the
        // image data is still read and checked, without the cost of turning
        // it into RGB, which nothing here looks at.
        let limits = png::Limits {
            bytes: (MAX_PIXELS * 8) as usize,
        };
        let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(&bytes[..]), limits);
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut frames = decoder.read_info().map_err(|e| broken(&e))?;
        let size = frames
            .output_buffer_size()
            .ok_or_else(|| broken(&"图片太大"))?;
        let mut buf = vec![0; size];
        frames.next_frame(&mut buf).map_err(|e| broken(&e))?;
        frames.finish().map_err(|e| broken(&e))?;
    } else {
        let mut full = reader()?;
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 4 + (1 << 20));
        full.limits(limits);
        full.decode().map_err(|e| broken(&e))?;
    }
    Ok(Probe {
        width: w,
        height: h,
        dpi: saved_dpi(&bytes),
    })
}

/// The horizontal resolution saved in a PNG (pHYs, per metre) or JPEG (JFIF
/// density), if any and plausible.
fn saved_dpi(bytes: &[u8]) -> Option<f64> {
    let be16 = |b: &[u8]| u16::from_be_bytes([b[0], b[1]]);
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let dpi = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut pos = 8;
        let mut found = None;
        while pos + 8 <= bytes.len() {
            let len = be32(&bytes[pos..]) as usize;
            let kind = &bytes[pos + 4..pos + 8];
            if kind == b"IDAT" || kind == b"IEND" {
                break;
            }
            if kind == b"pHYs" && len >= 9 && pos + 17 <= bytes.len() {
                let ppu = f64::from(be32(&bytes[pos + 8..]));
                if bytes[pos + 16] == 1 {
                    found = Some(ppu * 0.0254);
                }
                break;
            }
            pos = pos.checked_add(12 + len)?;
        }
        found
    } else if bytes.starts_with(&[0xFF, 0xD8]) && bytes.len() > 18 && &bytes[6..11] == b"JFIF\0" {
        let density = f64::from(be16(&bytes[14..]));
        match bytes[13] {
            1 => Some(density),
            2 => Some(density * 2.54),
            _ => None,
        }
    } else {
        None
    };
    dpi.filter(|d| (36.0..=2400.0).contains(d))
}

#[cfg(test)]
mod tests {
    use super::saved_dpi;

    #[test]
    fn png_and_jpeg_resolution() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&[0, 0, 0, 9]);
        png.extend_from_slice(b"pHYs");
        png.extend_from_slice(&11811u32.to_be_bytes());
        png.extend_from_slice(&11811u32.to_be_bytes());
        png.extend_from_slice(&[1, 0, 0, 0, 0]);
        assert_eq!(saved_dpi(&png).map(f64::round), Some(300.0));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 72, 0, 72, 0, 0,
        ];
        assert_eq!(saved_dpi(&jpeg), Some(72.0));
        assert_eq!(saved_dpi(b"nothing"), None);
    }
}
