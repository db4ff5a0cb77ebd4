//! Pages as a front end shows them: a content hash per page (a preview
//! fetches again only the pages whose hash changed) and a PNG of a page.

use std::hash::Hash;

use sha2::{Digest, Sha256};
use typst::layout::{Frame, FrameItem};
use typst_layout::Page;

/// What the page shows, as a SHA-256 in hex: every glyph, shape and
/// picture with its place (fonts and pictures by their bytes), the size and
/// the fill. Equal pages give equal hashes in every process, so a browser
/// can keep a page image across server restarts.
///
/// Not Typst's own hash of the frame: that includes the introspection tags
/// of the elements on the page, whose content may carry the whole render
/// data (a `context` block of the cover sees the body's text), so every
/// page would change with every edit.
pub fn hash(page: &Page) -> String {
    let mut h = Sha256Hasher(Sha256::new());
    page.fill.hash(&mut h);
    visible(&page.frame, &mut h);
    let digest = h.0.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn visible(frame: &Frame, h: &mut Sha256Hasher) {
    frame.size().hash(h);
    for (point, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                0u8.hash(h);
                point.hash(h);
                g.transform.hash(h);
                g.clip.hash(h);
                visible(&g.frame, h);
            }
            FrameItem::Text(t) => {
                1u8.hash(h);
                point.hash(h);
                t.font.hash(h);
                t.size.hash(h);
                t.fill.hash(h);
                t.stroke.hash(h);
                t.text.hash(h);
                for g in &t.glyphs {
                    (g.id, g.x_advance, g.x_offset, g.y_advance, g.y_offset).hash(h);
                }
            }
            FrameItem::Shape(shape, _) => {
                2u8.hash(h);
                point.hash(h);
                shape.hash(h);
            }
            FrameItem::Image(image, size, _) => {
                3u8.hash(h);
                point.hash(h);
                image.hash(h);
                size.hash(h);
            }
            // Links and tags draw nothing.
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
}

/// A PNG of the page at `pixel_per_pt` (1.0 = 72 dpi), white behind.
pub fn png(page: &Page, pixel_per_pt: f32) -> Result<Vec<u8>, String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(pixel_per_pt)),
        render_bleed: false,
    };
    typst_render::render(page, &options)
        .encode_png()
        .map_err(|e| e.to_string())
}

/// Feeds `Hash` into SHA-256: the stream Typst's types write is the same
/// in every process (no pointers, no random keys), unlike `DefaultHasher`'s
/// result, whose keys may change between Rust releases.
struct Sha256Hasher(Sha256);

impl std::hash::Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        // Never used: the digest is taken from the inner state.
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
