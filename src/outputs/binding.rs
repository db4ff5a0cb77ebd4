//! How the book binds (SPEC §7 P1–P3): the paper given on the command line,
//! the sheets and the spine's width for a page count. The print shop's files
//! (`print`) and `inspect` both read it.

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::profile::Print;

/// Millimetres in PDF points, rounded to 0.001 pt.
pub fn mm_to_pt(mm: f64) -> f64 {
    (mm * 72.0 / 25.4 * 1000.0).round() / 1000.0
}

/// Paper given on the command line; the profile's defaults otherwise.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// The book's paper by weight (g/m²), looked up in the profile's table.
    pub paper_gsm: Option<u32>,
    /// Or its caliper directly, in mm.
    pub caliper_mm: Option<f64>,
    pub cover_gsm: Option<u32>,
    pub bleed_mm: Option<f64>,
}

/// How the book binds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Binding {
    pub pages: usize,
    /// Sheets printed duplex: two pages a sheet.
    pub sheets: usize,
    /// The paper's weight in g/m², when the paper was given by weight
    /// (`--paper`, or the profile's default); None for `--caliper`.
    pub paper_gsm: Option<u32>,
    /// One sheet's thickness.
    pub caliper_mm: f64,
    pub cover_caliper_mm: f64,
    pub glue_mm: f64,
    /// sheets × caliper + 2 × cover caliper + glue.
    pub spine_mm: f64,
    /// Narrower than the profile's minimum: too thin for legible text.
    pub too_thin: bool,
    /// The profile's narrowest spine that still takes legible text.
    pub spine_min_mm: f64,
}

fn caliper(print: &Print, gsm: u32, what: &str) -> Result<f64, Diagnostic> {
    print.calipers_mm.get(&gsm).copied().ok_or_else(|| {
        let known: Vec<String> = print.calipers_mm.keys().map(|k| k.to_string()).collect();
        Diagnostic::error(Code::Output, format!("不知道 {gsm} g/m² 的{what}有多厚"))
            .help(format!(
                "可用的克重：{}；或用 --caliper 直接给出纸张厚度（毫米），或在配置的 print.calipers_mm 里补上",
                known.join("、")
            ))
    })
}

/// The binding of a book of `pages` pages (blank pages for right-hand
/// starts already counted: the book holds them).
pub fn binding(pages: usize, print: &Print, opts: &PrintOptions) -> Result<Binding, Diagnostic> {
    let (caliper_mm, paper_gsm) = match (opts.caliper_mm, opts.paper_gsm) {
        (Some(c), _) if c > 0.0 && c < 2.0 => (c, None),
        (Some(c), _) => {
            return Err(
                Diagnostic::error(Code::Output, format!("纸张厚度 {c} mm 不合理"))
                    .help("--caliper 以毫米计，普通复印纸约 0.1"),
            );
        }
        (None, gsm) => {
            let gsm = gsm.unwrap_or(print.paper_gsm);
            (caliper(print, gsm, "纸")?, Some(gsm))
        }
    };
    let cover_caliper_mm = caliper(print, opts.cover_gsm.unwrap_or(print.cover_gsm), "封面纸")?;
    let sheets = pages.div_ceil(2);
    let spine_mm = sheets as f64 * caliper_mm + 2.0 * cover_caliper_mm + print.glue_mm;
    Ok(Binding {
        pages,
        sheets,
        caliper_mm,
        cover_caliper_mm,
        glue_mm: print.glue_mm,
        spine_mm: (spine_mm * 100.0).round() / 100.0,
        paper_gsm,
        too_thin: spine_mm < print.spine_min_mm,
        spine_min_mm: print.spine_min_mm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_and_spine() {
        let print = Print::default();
        let b = binding(64, &print, &PrintOptions::default()).unwrap();
        assert_eq!(b.sheets, 32);
        // 32 × 0.1 + 2 × 0.22 + 0.5
        assert!((b.spine_mm - 4.14).abs() < 1e-9, "{}", b.spine_mm);
        let b = binding(
            5,
            &print,
            &PrintOptions {
                caliper_mm: Some(0.12),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(b.sheets, 3);
        assert!(
            binding(
                5,
                &print,
                &PrintOptions {
                    paper_gsm: Some(90),
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
