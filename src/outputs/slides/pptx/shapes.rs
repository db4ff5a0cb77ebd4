//! A slide's shapes (text boxes, pictures, tables, rectangles, lines) with
//! their ids and positions, and the units and colours they are given in.

use super::*;

/// A slide's shapes, with the ids they take (the shape tree is id 1).
pub(super) struct Shapes {
    pub(super) xml: String,
    pub(super) next_id: u32,
}

impl Default for Shapes {
    fn default() -> Self {
        Self {
            xml: String::new(),
            next_id: 2,
        }
    }
}

impl Shapes {
    /// The next shape's `p:cNvPr`, named as PowerPoint names them ("文本 3"
    /// for id 4).
    pub(super) fn c_nv_pr(&mut self, kind: &str, descr: Option<&str>) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let descr = descr.map_or(String::new(), |d| format!(" descr=\"{}\"", escape(d)));
        format!("<p:cNvPr id=\"{id}\" name=\"{kind} {}\"{descr}/>", id - 1)
    }

    pub(super) fn text_box(&mut self, rect: Rect, anchor: &str, body: &str) {
        let c_nv_pr = self.c_nv_pr("文本", None);
        self.xml += &format!(
            "<p:sp><p:nvSpPr>{c_nv_pr}<p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr>\
             <p:spPr>{}{RECT_GEOM}<a:noFill/></p:spPr>\
             <p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" \
             rtlCol=\"0\" anchor=\"{anchor}\"><a:normAutofit/></a:bodyPr><a:lstStyle/>{body}</p:txBody></p:sp>",
            xfrm(rect, "a:xfrm", "")
        );
    }

    pub(super) fn picture(&mut self, rect: Rect, embed: &str, descr: &str) {
        let c_nv_pr = self.c_nv_pr("图片", Some(descr));
        self.xml += &format!(
            "<p:pic><p:nvPicPr>{c_nv_pr}<p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr>\
             <p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"{embed}\"/>\
             <a:stretch><a:fillRect/></a:stretch></p:blipFill>\
             <p:spPr>{}{RECT_GEOM}</p:spPr></p:pic>",
            xfrm(rect, "a:xfrm", "")
        );
    }

    pub(super) fn table(&mut self, rect: Rect, tbl: &str) {
        let c_nv_pr = self.c_nv_pr("表格", None);
        self.xml += &format!(
            "<p:graphicFrame><p:nvGraphicFramePr>{c_nv_pr}<p:cNvGraphicFramePr>\
             <a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>\
             {}<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">\
             {tbl}</a:graphicData></a:graphic></p:graphicFrame>",
            xfrm(rect, "p:xfrm", "")
        );
    }

    pub(super) fn rect(&mut self, rect: Rect, fill: &str) {
        let c_nv_pr = self.c_nv_pr("矩形", None);
        self.xml += &format!(
            "<p:sp><p:nvSpPr>{c_nv_pr}<p:cNvSpPr/><p:nvPr/></p:nvSpPr>\
             <p:spPr>{}{RECT_GEOM}{}<a:ln><a:noFill/></a:ln></p:spPr></p:sp>",
            xfrm(rect, "a:xfrm", ""),
            solid_fill(fill)
        );
    }

    /// A line from `a` to `b`. Its box must have a non-negative size, so a
    /// line drawn leftwards or upwards is the box's diagonal, flipped.
    pub(super) fn line(&mut self, a: (f64, f64), b: (f64, f64), width: f64, color: &str) {
        let c_nv_pr = self.c_nv_pr("直线", None);
        let rect = Rect {
            x: a.0.min(b.0),
            y: a.1.min(b.1),
            w: (b.0 - a.0).abs(),
            h: (b.1 - a.1).abs(),
        };
        let mut flips = String::new();
        if b.0 < a.0 {
            flips += " flipH=\"1\"";
        }
        if b.1 < a.1 {
            flips += " flipV=\"1\"";
        }
        self.xml += &format!(
            "<p:cxnSp><p:nvCxnSpPr>{c_nv_pr}<p:cNvCxnSpPr/><p:nvPr/></p:nvCxnSpPr>\
             <p:spPr>{}<a:prstGeom prst=\"line\"><a:avLst/></a:prstGeom>\
             <a:ln w=\"{}\">{}</a:ln></p:spPr></p:cxnSp>",
            xfrm(rect, "a:xfrm", &flips),
            emu(width).max(0),
            solid_fill(color)
        );
    }
}

pub(super) const RECT_GEOM: &str = "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>";

/// A position and size (`a:xfrm`, or `p:xfrm` for a graphic frame).
pub(super) fn xfrm(rect: Rect, tag: &str, attrs: &str) -> String {
    format!(
        "<{tag}{attrs}><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></{tag}>",
        emu(rect.x),
        emu(rect.y),
        emu(rect.w).max(0),
        emu(rect.h).max(0)
    )
}

pub(super) fn solid_fill(color: &str) -> String {
    format!(
        "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
        rgb(color)
    )
}

// ---------------------------------------------------------------------------
// Units and escaping.

/// Points to EMU, rounded to the nearest unit.
pub(super) fn emu(pt: f64) -> i64 {
    (pt * EMU_PER_PT).round() as i64
}

/// `#RRGGBB` → `RRGGBB` as `a:srgbClr` takes it; black for anything else
/// (a broken colour should not make the file unreadable).
pub(super) fn rgb(color: &str) -> String {
    let hex = color.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        hex.to_ascii_uppercase()
    } else {
        "000000".to_string()
    }
}

/// `#RRGGBB` moved `amount` (0–1) of the way to white, channel by channel
/// (Typst's `lighten` on an RGB colour).
pub(super) fn lighten(color: &str, amount: f64) -> String {
    let hex = rgb(color);
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0));
        (c + (255.0 - c) * amount).round() as u8
    };
    format!("#{:02X}{:02X}{:02X}", channel(0), channel(2), channel(4))
}
