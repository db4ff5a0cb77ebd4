//! `county.yaml`: the county office's details for the 汇总表 (Annex 4), kept
//! in the folder that holds the county's enterprises. Read like a material:
//! unknown keys and bad values are reported with file, line and column.

use std::path::Path;

use serde::Deserialize;

use super::model::Text;
use crate::diag::{Diagnostic, Sources};
use crate::source::decode::read_text;
use crate::source::yaml::parse_typed;

/// The file name looked for in a county's folder.
pub const FILE: &str = "county.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct County {
    /// 县区名称, as on the office's seal line.
    #[serde(default)]
    pub county: Option<Text>,
    /// 县区工信部门联系人.
    #[serde(default)]
    pub contact: Option<CountyContact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountyContact {
    #[serde(default)]
    pub name: Option<Text>,
    #[serde(default)]
    pub phone: Option<super::model::Phone>,
}

/// What the 汇总表 prints of the county: empty strings are left blank for
/// the pen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountyLines {
    pub county: String,
    pub contact: String,
    pub phone: String,
}

/// Reads `dir/county.yaml` when it exists. `None` with a diagnostic when it
/// exists but cannot be read.
pub fn load(dir: &Path, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<County> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Some(County::default());
    }
    let text = match read_text(&path, sources, diags) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file = sources.add(&path, text);
    match parse_typed::<County>(sources.text(file), file, sources) {
        Ok(c) => Some(c),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

impl County {
    pub fn lines(&self) -> CountyLines {
        let text = |t: Option<&Text>| t.map(|t| t.value.trim().to_string()).unwrap_or_default();
        CountyLines {
            county: text(self.county.as_ref()),
            contact: text(self.contact.as_ref().and_then(|c| c.name.as_ref())),
            phone: self
                .contact
                .as_ref()
                .and_then(|c| c.phone.as_ref())
                .map(|p| p.0.trim().to_string())
                .unwrap_or_default(),
        }
    }
}

/// The county's 推荐意见 (W1, W3): written by the county office when it
/// recommends a material, printed in the 申报表's county box with the
/// county's name and the date; the seal stays for the stamp.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Opinion {
    pub text: String,
    pub county: String,
    /// `2023年3月25日`.
    pub date: String,
}
