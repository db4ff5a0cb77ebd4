//! Units, the profile's sizes, and the template parts' `{{name}}` values.

pub(crate) use crate::outputs::ooxml::escape;
use crate::profile::Profile;

/// Points to twentieths of a point (twips), WordprocessingML's unit.
pub fn pt_twips(pt: f64) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

pub fn mm_twips(mm: f64) -> u32 {
    pt_twips(mm * 72.0 / 25.4)
}

/// Points to half points (`w:sz`).
pub fn half_points(pt: f64) -> u32 {
    (pt * 2.0).round() as u32
}

/// A page's size and margins in mm.
#[derive(Clone, Copy)]
pub struct PageSetup {
    pub width_mm: f64,
    pub height_mm: f64,
    pub top_mm: f64,
    pub bottom_mm: f64,
    pub left_mm: f64,
    pub right_mm: f64,
}

impl PageSetup {
    pub fn of(p: &Profile) -> PageSetup {
        let g = &p.page;
        PageSetup {
            width_mm: g.width_mm,
            height_mm: g.height_mm,
            top_mm: g.margin_top_mm,
            bottom_mm: g.margin_bottom_mm,
            left_mm: g.margin_left_mm,
            right_mm: g.margin_right_mm,
        }
    }

    /// The 申报表's own margins, as templates/form/form.typ sets them.
    pub fn form(p: &Profile) -> PageSetup {
        PageSetup {
            top_mm: 25.4,
            bottom_mm: 25.4,
            left_mm: 25.0,
            right_mm: 25.0,
            ..PageSetup::of(p)
        }
    }

    pub fn text_width_pt(&self) -> f64 {
        (self.width_mm - self.left_mm - self.right_mm) * 72.0 / 25.4
    }

    /// `w:pgSz` and `w:pgMar` (header and footer distances as Word's
    /// defaults for A4: 1.5 cm and 1.75 cm).
    pub fn xml(&self) -> String {
        format!(
            "<w:pgSz w:w=\"{}\" w:h=\"{}\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" \
             w:left=\"{}\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>",
            mm_twips(self.width_mm),
            mm_twips(self.height_mm),
            mm_twips(self.top_mm),
            mm_twips(self.right_mm),
            mm_twips(self.bottom_mm),
            mm_twips(self.left_mm),
        )
    }
}

/// The profile's sizes in pt, by role.
pub struct Sizes {
    pub body: f64,
    pub title: f64,
    pub abstract_: f64,
    pub caption: f64,
    pub table: f64,
    pub footnote: f64,
    pub page_number: f64,
    pub cover_title: f64,
    pub cover_field: f64,
    pub cover_pitch: f64,
    pub form_title: f64,
    pub form_cell: f64,
    pub form_note: f64,
    pub form_title_font: &'static str,
    pub line_spacing: f64,
    pub caption_gap: f64,
    pub page: PageSetup,
}

impl Sizes {
    pub fn of(p: &Profile) -> Sizes {
        let pt = |name: &str, fallback: f64| p.size_pt(name).unwrap_or(fallback);
        Sizes {
            body: pt(&p.body_size.value, 12.0),
            title: pt(&p.title_size.value, 18.0),
            abstract_: pt(&p.abstract_heading_size.value, 14.0),
            caption: pt(&p.caption_size.value, 10.5),
            table: pt(&p.table_size.value, 12.0),
            footnote: pt(p.footnote_size.as_ref().map_or("小五", |s| &s.value), 9.0),
            page_number: pt(&p.page_number_size.value, 10.5),
            cover_title: pt(&p.cover.title_size.value, 36.0),
            cover_field: pt(&p.cover.field_size.value, 16.0),
            cover_pitch: p.cover.field_pitch_pt,
            form_title: pt(&p.form.title_size.value, 22.0),
            form_cell: pt(&p.form.cell_size.value, 10.5),
            form_note: pt(&p.form.note_size.value, 9.0),
            form_title_font: role_face(&p.form.title_role.value),
            line_spacing: p.line_spacing,
            caption_gap: p.caption_gap_pt,
            page: PageSetup::of(p),
        }
    }

    pub fn text_width_pt(&self) -> f64 {
        self.page.text_width_pt()
    }

    pub fn text_width_twips(&self) -> u32 {
        pt_twips(self.text_width_pt())
    }

    /// One character of body text, in twips.
    pub fn indent_char(&self) -> u32 {
        pt_twips(self.body)
    }

    /// The `{{name}}` values of the template parts.
    pub fn values(&self) -> Vec<(&'static str, String)> {
        let hp = |pt: f64| half_points(pt).to_string();
        vec![
            ("body", hp(self.body)),
            ("title", hp(self.title)),
            ("abstract", hp(self.abstract_)),
            ("caption", hp(self.caption)),
            ("table", hp(self.table)),
            ("footnote", hp(self.footnote)),
            ("page_number", hp(self.page_number)),
            ("cover_title", hp(self.cover_title)),
            ("cover_field", hp(self.cover_field)),
            ("form_title", hp(self.form_title)),
            ("form_cell", hp(self.form_cell)),
            ("form_note", hp(self.form_note)),
            ("form_title_font", self.form_title_font.to_string()),
            // One empty line of cells under the form's title, as the PDF.
            (
                "form_title_after",
                pt_twips(0.8 * self.form_cell * self.line_spacing).to_string(),
            ),
            ("indent", (2 * self.indent_char()).to_string()),
            ("cover_pitch", pt_twips(self.cover_pitch).to_string()),
            ("caption_gap", pt_twips(self.caption_gap).to_string()),
        ]
    }
}

/// The real face of a font role (SPEC §3), whatever face the PDF used.
/// A fixed-layout, centred table's properties and column grid, widths in
/// points: the start every table of the Word files shares (body and form).
pub fn table_start(widths: &[f64]) -> String {
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/>\
         <w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        widths.iter().map(|w| pt_twips(*w)).sum::<u32>()
    );
    for w in widths {
        x += &format!("<w:gridCol w:w=\"{}\"/>", pt_twips(*w));
    }
    x + "</w:tblGrid>"
}

pub fn role_face(role: &str) -> &'static str {
    match role {
        "hei" => "黑体",
        "song" => "宋体",
        _ => "华文中宋",
    }
}

/// A template part with its `{{name}}` values filled in; a name it does not
/// know is an error, so a typo in a restyled part is not silently written.
pub fn fill(text: &str, values: &[(&'static str, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "有未闭合的 {{".to_string())?;
        let name = after[..end].trim();
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("未知的值 {{{{{name}}}}}"))?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(pt_twips(12.0), 240);
        assert_eq!(mm_twips(210.0), 11906);
        assert_eq!(mm_twips(297.0), 16838);
        assert_eq!(mm_twips(25.4), 1440);
        assert_eq!(half_points(10.5), 21);
    }

    #[test]
    fn fills_values_and_refuses_unknown_names() {
        let v = vec![("body", "24".to_string())];
        assert_eq!(
            fill("<w:sz w:val=\"{{body}}\"/>", &v).unwrap(),
            "<w:sz w:val=\"24\"/>"
        );
        assert!(fill("{{bodyy}}", &v).unwrap_err().contains("bodyy"));
        assert!(fill("{{body", &v).is_err());
    }
}
