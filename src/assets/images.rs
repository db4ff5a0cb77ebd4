//! Images a material names (V3): PNG, JPEG, GIF, WebP or BMP that decodes
//! in full, of sane size. Decoding is cached by path, size and mtime so
//! `watch` pays once. Typst reads the first four itself; a BMP, or a picture
//! whose extension names another format (a WebP saved as `photo.jpg`, which
//! Typst would decode as JPEG because it trusts the extension), is served to
//! it converted to PNG (see [`world_path`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::diag::{Code, Diagnostic};
use crate::document::Block;
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
    fn collect<'a>(blocks: &'a [Block], out: &mut Vec<&'a crate::document::ImageSrc>) {
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
                    if p.cut_short {
                        diags.push(cut_short(&rel).at_opt(span.clone()));
                    }
                    *number += 1;
                    *n = *number;
                    *path = world_path(&rel, p.format);
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

/// The warning for a picture that ends inside its image data: it prints,
/// so it is not refused, but what prints may be half a picture.
pub fn cut_short(rel: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::BadImage,
        format!("图片 {rel} 的文件不完整：图像数据中途结束，打印出来下半部分可能是灰色的，或整张是模糊的"),
    )
    .help("多半是下载或复制时中断了。重新导出、下载或拷贝这张图片，用看图软件打开确认完整后再用；如果它看起来完整，可以不理会")
}

/// Largest picture accepted: 100 megapixels (a 12 000 × 8 000 scan).
const MAX_PIXELS: u64 = 100_000_000;

/// The picture formats a material may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    WebP,
    Bmp,
}

impl Format {
    fn of(f: image::ImageFormat) -> Option<Self> {
        Some(match f {
            image::ImageFormat::Png => Self::Png,
            image::ImageFormat::Jpeg => Self::Jpeg,
            image::ImageFormat::Gif => Self::Gif,
            image::ImageFormat::WebP => Self::WebP,
            image::ImageFormat::Bmp => Self::Bmp,
            _ => return None,
        })
    }

    /// The format Typst decodes it as, if Typst reads it itself.
    fn typst(self) -> Option<typst::visualize::ExchangeFormat> {
        use typst::visualize::ExchangeFormat;
        Some(match self {
            Self::Png => ExchangeFormat::Png,
            Self::Jpeg => ExchangeFormat::Jpg,
            Self::Gif => ExchangeFormat::Gif,
            Self::WebP => ExchangeFormat::Webp,
            Self::Bmp => return None,
        })
    }

    /// The extensions Typst takes for this format (lower case only, as
    /// Typst matches them); empty for a format Typst does not read.
    fn typst_extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Gif => &["gif"],
            Self::WebP => &["webp"],
            Self::Bmp => &[],
        }
    }
}

/// What a picture tells about itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Probe {
    /// Pixel size as the picture is shown: turned as its EXIF orientation
    /// says, as Typst turns it.
    pub width: u32,
    pub height: u32,
    /// The resolution saved in the file (PNG pHYs, JPEG JFIF, BMP header),
    /// which Word uses for an inserted picture's natural size.
    pub dpi: Option<f64>,
    pub format: Format,
    /// A JPEG that ends inside its image data, without its end marker: cut
    /// short by a download or a copy. Decoders show it without a word, its
    /// lower part grey (or all of it blurred, if progressive).
    pub cut_short: bool,
}

/// Why a picture cannot be used, and what to do.
#[derive(Clone, Debug)]
struct Refusal {
    why: String,
    help: &'static str,
}

impl From<String> for Refusal {
    fn from(why: String) -> Self {
        Self {
            why,
            help: "请用 PNG、JPEG、GIF、WebP 或 BMP 格式的图片；可用画图等软件打开后“另存为”PNG",
        }
    }
}

type Key = (PathBuf, u64, Option<SystemTime>);
type Probed = Result<Probe, Refusal>;

static CACHE: Mutex<Option<HashMap<Key, Probed>>> = Mutex::new(None);

/// The pixel size and resolution of a picture that decodes completely.
pub fn probe(path: &Path, max_side: u32) -> Result<Probe, Diagnostic> {
    let bad = |r: Refusal| Diagnostic::error(Code::BadImage, r.why).help(r.help);
    let meta =
        std::fs::metadata(path).map_err(|e| bad(Refusal::from(format!("无法打开图片：{e}"))))?;
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

fn decode(path: &Path, max_side: u32) -> Result<Probe, Refusal> {
    // Read once: the header, the full decode and the saved resolution all
    // come from these bytes.
    let bytes = std::fs::read(path).map_err(|e| format!("无法打开图片：{e}"))?;
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(&bytes[..]))
            .with_guessed_format()
            .map_err(|e| format!("无法打开图片：{e}"))
    };
    let header = reader()?;
    let format = match header.format() {
        Some(f) => Format::of(f)
            .ok_or_else(|| format!("不支持的图片格式 {f:?}（支持 PNG、JPEG、GIF、WebP、BMP）"))?,
        None if is_heic(&bytes) => {
            return Err(Refusal {
                why: "这是 iPhone 拍的 HEIC 格式照片，不能直接使用".into(),
                help: HEIC_HELP,
            });
        }
        None => {
            return Err("无法识别的图片格式（支持 PNG、JPEG、GIF、WebP、BMP）"
                .to_string()
                .into());
        }
    };
    let mut decoder = header
        .into_decoder()
        .map_err(|e| format!("图片已损坏，无法读取尺寸：{e}"))?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    // Typst turns a picture as its EXIF orientation says; the size that is
    // laid out (and checked for resolution) is the turned one.
    let turned = matches!(
        image::ImageDecoder::orientation(&mut decoder),
        Ok(image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH)
    );
    drop(decoder);
    if w == 0 || h == 0 || w > max_side || h > max_side || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(format!(
            "图片尺寸 {w}×{h} 像素不合理（每边不超过 {max_side}，总计不超过 1 亿像素）"
        )
        .into());
    }
    // Decode it all: a truncated file has a good header and a broken body.
    let broken = |e: &dyn std::fmt::Display| Refusal {
        why: format!("图片已损坏，无法完整读取：{e}"),
        help: "重新导出、下载或拍摄这张图片，确认能用看图软件完整打开后再用",
    };
    let dpi = saved_dpi(&bytes);
    let cut_short = format == Format::Jpeg && !jpeg_runs_to_its_end(&bytes);
    match format.typst() {
        // With Typst's own decoder, which memoizes what it decoded: the
        // compile that follows finds these pictures decoded, so a build
        // decodes each once, and what passes here is what Typst can lay out.
        Some(exchange) => {
            use typst::foundations::{Bytes, Smart};
            use typst::visualize::RasterImage;
            RasterImage::new(Bytes::new(bytes), exchange, Smart::Auto).map_err(|e| broken(&e))?;
        }
        None => {
            let mut full = reader()?;
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(MAX_PIXELS * 4 + (1 << 20));
            full.limits(limits);
            full.decode().map_err(|e| broken(&e))?;
        }
    }
    let (width, height) = if turned { (h, w) } else { (w, h) };
    Ok(Probe {
        width,
        height,
        dpi,
        format,
        cut_short,
    })
}

/// Whether a JPEG's segments and scans run to its end marker (EOI). The
/// decoders accept a file that stops inside a scan; this walk finds it.
/// Segments are skipped by their length (an EXIF thumbnail's own end
/// marker is inside one), a scan's data up to the next marker that is not
/// a stuffed byte or a restart; whatever follows the end marker (a phone's
/// motion photo) is not looked at.
fn jpeg_runs_to_its_end(b: &[u8]) -> bool {
    let mut i = 2; // after the start marker
    loop {
        // A marker: 0xFF, perhaps more 0xFF as fill, then its code.
        i += b
            .get(i..)
            .and_then(|r| r.iter().position(|&x| x == 0xFF))
            .unwrap_or(b.len());
        while b.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&code) = b.get(i) else {
            return false;
        };
        i += 1;
        match code {
            0xD9 => return true,
            // Markers without a length.
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            _ => {}
        }
        let Some(len) = b
            .get(i..i + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            return false;
        };
        i += len;
        if len < 2 || i > b.len() {
            return false;
        }
        if code == 0xDA {
            // The scan's data.
            loop {
                let Some(at) = b[i..].iter().position(|&x| x == 0xFF) else {
                    return false;
                };
                let mut j = i + at + 1;
                while b.get(j) == Some(&0xFF) {
                    j += 1;
                }
                match b.get(j) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7) => i = j + 1,
                    Some(_) => {
                        i = j - 1;
                        break;
                    }
                }
            }
        }
    }
}

const HEIC_HELP: &str = "HEIC 需要专利编码器才能解码，shenbao 读不了。在 Windows 上用“照片”应用打开这张照片，\
     点“…”→“另存为”，保存类型选 .jpg；或在 iPhone 上打开“设置 → 相机 → 格式”，选“兼容性最佳”，\
     以后拍的照片就是 JPEG（已拍的照片：“设置 → 照片 → 传输到 Mac 或 PC”选“自动”，传到电脑上就是 JPEG）";

/// Whether `bytes` begin like a picture of some format (usable or not), so
/// that a refusal can say what is wrong with the picture rather than that
/// it is none.
pub fn looks_like_picture(bytes: &[u8]) -> bool {
    image::guess_format(bytes).is_ok() || is_heic(bytes)
}

/// An HEIF picture (iPhone's HEIC): an ISO media file whose brand is one of
/// HEIF's.
fn is_heic(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
        )
}

/// Where the Typst world serves the picture at `rel` (relative to the
/// material's folder): as saved when Typst reads it so — its format is one
/// Typst decodes, and its extension, which Typst trusts before the content,
/// names no other — else converted to PNG below `/png/` (see [`to_png`]).
pub fn world_path(rel: &str, format: Format) -> String {
    let ext = Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    // The extensions Typst decides a format by (typst-library's
    // `determine_format_from_path`); any other makes it look at the content.
    const TYPST_EXTENSIONS: [&str; 8] = ["png", "jpg", "jpeg", "gif", "webp", "svg", "svgz", "pdf"];
    let as_saved = !format.typst_extensions().is_empty()
        && (!TYPST_EXTENSIONS.contains(&ext) || format.typst_extensions().contains(&ext));
    if as_saved {
        format!("/material/{rel}")
    } else {
        format!("{CONVERTED}{rel}.png")
    }
}

/// The folder of the Typst world holding converted pictures:
/// `/png/img/scan.bmp.png` is `img/scan.bmp` as PNG.
const CONVERTED: &str = "/png/";

/// The picture (relative to the material's folder) a world path below
/// `/png/` stands for.
pub fn converted_source(world: &str) -> Option<&str> {
    world.strip_prefix(CONVERTED)?.strip_suffix(".png")
}

/// The picture at `file` (`rel` in the material's folder) as the Typst
/// world serves it: its path there and its bytes.
pub fn as_served(file: &Path, rel: &str) -> Result<(String, Vec<u8>), String> {
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let format = image::guess_format(&bytes)
        .ok()
        .and_then(Format::of)
        .ok_or("无法识别的图片格式")?;
    let world = world_path(rel, format);
    if converted_source(&world).is_some() {
        Ok((world, to_png(&bytes)?))
    } else {
        Ok((world, bytes))
    }
}

/// The picture (relative to the material's folder) a world path set by
/// [`world_path`] stands for.
pub fn material_rel(world: &str) -> Option<&str> {
    world
        .strip_prefix("/material/")
        .or_else(|| converted_source(world))
}

/// A picture as PNG, losslessly: decoded (a GIF's first frame), turned
/// upright as its EXIF orientation says (PNG keeps no orientation here), and
/// encoded with every pixel as decoded.
pub fn to_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8 + (1 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = image::ImageDecoder::orientation(&mut decoder)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    picture.apply_orientation(orientation);
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// A picture's bytes as PNG or JPEG, for a file format that takes only
/// those (PPTX): as saved when it is one of them, else converted.
pub fn png_or_jpeg(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    match image::guess_format(&bytes).ok().and_then(Format::of) {
        Some(Format::Png | Format::Jpeg) => Ok(bytes),
        _ => to_png(&bytes).map_err(std::io::Error::other),
    }
}

/// The horizontal resolution saved in a PNG (pHYs, per metre), JPEG (JFIF
/// density) or BMP (per metre), if any and plausible.
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
    } else if bytes.starts_with(b"BM") && bytes.len() >= 46 {
        // BITMAPINFOHEADER (and its successors): horizontal pixels per metre.
        let ppm = u32::from_le_bytes([bytes[38], bytes[39], bytes[40], bytes[41]]);
        (ppm > 0).then(|| f64::from(ppm) * 0.0254)
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
    use super::{
        Format, converted_source, jpeg_runs_to_its_end, material_rel, saved_dpi, world_path,
    };

    /// Every cut of a progressive JPEG (the example's photo) is found, and
    /// the whole file is not; nor is a baseline JPEG as the image crate
    /// writes it, whole.
    #[test]
    fn a_jpeg_cut_anywhere_does_not_run_to_its_end() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/luoyang-bearing/img/workshop.jpg"
        );
        let whole = std::fs::read(path).unwrap();
        assert!(jpeg_runs_to_its_end(&whole));
        for cut in (3..whole.len() - 1).step_by(97) {
            assert!(!jpeg_runs_to_its_end(&whole[..cut]), "cut at {cut}");
        }
        let picture =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut baseline = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut baseline, 80)
            .encode_image(&picture)
            .unwrap();
        assert!(jpeg_runs_to_its_end(&baseline));
        assert!(!jpeg_runs_to_its_end(&baseline[..baseline.len() - 2]));
    }

    #[test]
    fn typst_gets_what_it_reads_by_the_extension() {
        assert_eq!(world_path("img/a.png", Format::Png), "/material/img/a.png");
        assert_eq!(world_path("img/a.JPG", Format::Jpeg), "/material/img/a.JPG");
        assert_eq!(world_path("a.webp", Format::WebP), "/material/a.webp");
        assert_eq!(world_path("a.gif", Format::Gif), "/material/a.gif");
        // Typst would decode these by the extension, or cannot at all.
        assert_eq!(world_path("img/a.bmp", Format::Bmp), "/png/img/a.bmp.png");
        assert_eq!(world_path("a.jpg", Format::WebP), "/png/a.jpg.png");
        assert_eq!(world_path("a.png", Format::Jpeg), "/png/a.png.png");
        assert_eq!(converted_source("/png/img/a.bmp.png"), Some("img/a.bmp"));
        assert_eq!(material_rel("/png/img/a.bmp.png"), Some("img/a.bmp"));
        assert_eq!(material_rel("/material/img/a.png"), Some("img/a.png"));
    }

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
        let mut bmp = b"BM".to_vec();
        bmp.resize(46, 0);
        bmp[38..42].copy_from_slice(&11811u32.to_le_bytes());
        assert_eq!(saved_dpi(&bmp).map(f64::round), Some(300.0));
        assert_eq!(saved_dpi(b"nothing"), None);
    }
}
