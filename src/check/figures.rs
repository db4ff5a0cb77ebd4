//! V3: every table and figure has a caption, and every picture prints at a
//! resolution that will not blur (300 dpi advised, 150 dpi at least) at the
//! width layout gives it.

use crate::diag::{Code, Diagnostic};
use crate::document::Block;
use crate::document::plain_text;
use crate::layout::figure_width;
use crate::profile::Profile;

/// A picture's printed width (pt) and its resolution there (dpi), from its
/// pixels, its saved resolution and the width asked for.
pub fn printed(
    profile: &Profile,
    px_width: u32,
    px_height: u32,
    dpi: Option<f64>,
    width: Option<crate::document::Width>,
) -> (f64, f64) {
    let w = figure_width(profile, (px_width, px_height), dpi, width);
    (w, f64::from(px_width) / (w / 72.0))
}

pub fn check(blocks: &[Block], profile: &Profile, diags: &mut Vec<Diagnostic>) {
    for b in blocks {
        match b {
            Block::Table { caption, span, .. } if caption.is_empty() => diags.push(
                Diagnostic::error(Code::MissingCaption, "表格没有表题")
                    .at_opt(span.clone())
                    .help("在表格正上方单独写一段“表：表题”，例如：表：2020—2022年主要质量指标"),
            ),
            Block::Figure {
                caption,
                span,
                number,
                px_width,
                px_height,
                dpi,
                width,
                ..
            } => {
                if plain_text(caption).trim().is_empty() {
                    diags.push(
                        Diagnostic::error(Code::MissingCaption, "插图没有图题")
                            .at_opt(span.clone())
                            .help("把图题写在方括号里：![质量管理组织架构图](img/org.png)"),
                    );
                }
                let (_, printed) = printed(profile, *px_width, *px_height, *dpi, *width);
                // Rounded down for the message, so 299.7 dpi never reads
                // "300 dpi, below 300".
                let shown = printed.floor();
                if printed < 150.0 {
                    diags.push(
                        Diagnostic::error(
                            Code::ImageResolution,
                            format!("图{number} 印出来只有 {shown} dpi，低于 150 dpi，会模糊"),
                        )
                        .at_opt(span.clone())
                        .help("换一张更清晰（像素更多）的图片，或把宽度设小一些，如 \"width=50%\""),
                    );
                } else if printed < 300.0 {
                    diags.push(
                        Diagnostic::warning(
                            Code::ImageResolution,
                            format!("图{number} 印出来是 {shown} dpi，低于建议的 300 dpi"),
                        )
                        .at_opt(span.clone())
                        .help("如有更清晰的原图，建议替换"),
                    );
                }
            }
            Block::List { items, .. } => items.iter().for_each(|it| check(it, profile, diags)),
            Block::Quote { blocks } => check(blocks, profile, diags),
            _ => {}
        }
    }
}
