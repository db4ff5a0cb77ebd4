//! Images a material names (V3): PNG or JPEG that decodes in full, of sane
//! size. Decoding is cached by path, size and mtime so `watch` pays once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::diag::{Code, Diagnostic};

/// Largest picture accepted: 100 megapixels (a 12 000 × 8 000 scan).
const MAX_PIXELS: u64 = 100_000_000;

type Key = (PathBuf, u64, Option<SystemTime>);
type Probed = Result<(u32, u32), String>;
static CACHE: Mutex<Option<HashMap<Key, Probed>>> = Mutex::new(None);

/// The pixel size of a PNG or JPEG that decodes completely.
pub fn probe(path: &Path, max_side: u32) -> Result<(u32, u32), Diagnostic> {
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

fn decode(path: &Path, max_side: u32) -> Result<(u32, u32), String> {
    let reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("无法打开图片：{e}"))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(f) => return Err(format!("不支持的图片格式 {f:?}（只支持 PNG 和 JPEG）")),
        None => return Err("无法识别的图片格式（不是 PNG 或 JPEG）".into()),
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("图片已损坏，无法读取尺寸：{e}"))?;
    if w == 0 || h == 0 || w > max_side || h > max_side || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(format!(
            "图片尺寸 {w}×{h} 像素不合理（每边不超过 {max_side}，总计不超过 1 亿像素）"
        ));
    }
    // Decode it all: a truncated file has a good header and a broken body.
    let mut reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("无法打开图片：{e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + (1 << 20));
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| format!("图片已损坏，无法完整读取：{e}"))?;
    Ok((w, h))
}
