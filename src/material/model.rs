//! Schema 1 (SPEC §10): the material as the writer types it.
//!
//! Every struct rejects unknown keys, and every value the checks or messages
//! point at is `Spanned`, so a diagnostic can name its line and column.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

pub type Text = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Optional schema version; only 1 exists.
    #[serde(default)]
    pub schema: Option<Spanned<u32>>,
    #[serde(default)]
    pub profile: Option<Text>,
    pub company: Company,
    pub contact: Contact,
    /// 万元, keyed by year.
    #[serde(default)]
    pub finance: BTreeMap<u16, Finance>,
    #[serde(default)]
    pub patents: Option<Patents>,
    #[serde(default)]
    pub software_copyrights: Option<u32>,
    #[serde(default)]
    pub standards: Option<Standards>,
    #[serde(default)]
    pub honors: Option<u32>,
    /// The 附表 (the form's note 3): the patents, copyrights, standards and
    /// honours behind the counts above, when the writer lists them.
    #[serde(default)]
    pub details: Option<Details>,
    pub benchmark: Benchmark,
    pub date: Spanned<String>,
    /// 证实性材料: files of the material's folder bound after the body.
    #[serde(default)]
    pub attachments: Option<Vec<Attachment>>,
    #[serde(rename = "abstract", default)]
    pub abstract_: Option<Spanned<PartSource>>,
    #[serde(default)]
    pub overview: Option<Spanned<PartSource>>,
    #[serde(default)]
    pub implementation: Option<Spanned<PartSource>>,
    #[serde(default)]
    pub effects: Option<Spanned<PartSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub name: Text,
    #[serde(default)]
    pub address: Option<Text>,
    #[serde(default)]
    pub nature: Option<Text>,
    #[serde(default)]
    pub scale: Option<Text>,
    #[serde(default)]
    pub employees: Option<Spanned<u32>>,
    #[serde(default)]
    pub industry: Option<Text>,
    #[serde(default)]
    pub quality_head: Option<Person>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: Text,
    #[serde(default)]
    pub title: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Text,
    #[serde(default)]
    pub title: Option<Text>,
    pub phone: Spanned<Phone>,
    #[serde(default)]
    pub email: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    #[serde(default)]
    pub assets: Option<Spanned<f64>>,
    #[serde(default)]
    pub revenue: Option<Spanned<f64>>,
    #[serde(default)]
    pub profit: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Patents {
    #[serde(default)]
    pub applied: u32,
    #[serde(default)]
    pub granted: u32,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Standards {
    #[serde(default)]
    pub international: u32,
    #[serde(default)]
    pub national: u32,
    #[serde(default)]
    pub industry: u32,
    #[serde(default)]
    pub local: u32,
    #[serde(default)]
    pub group: u32,
    #[serde(default)]
    pub enterprise: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// A PDF (the 信用中国 report as downloaded) or a PNG/JPEG picture.
    pub file: Text,
    /// What it is, for the 证实性材料 list.
    pub title: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Details {
    #[serde(default)]
    pub patents: Option<Spanned<Vec<PatentItem>>>,
    #[serde(default)]
    pub software_copyrights: Option<Spanned<Vec<SoftwareItem>>>,
    #[serde(default)]
    pub standards: Option<Spanned<Vec<StandardItem>>>,
    #[serde(default)]
    pub honors: Option<Spanned<Vec<HonorItem>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatentItem {
    pub name: Text,
    /// 专利号 or 申请号.
    #[serde(default)]
    pub number: Option<Text>,
    /// 申请 (applied, pending) or 授权 (granted).
    pub status: Text,
    #[serde(default)]
    pub date: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftwareItem {
    pub name: Text,
    /// 登记号.
    #[serde(default)]
    pub number: Option<Text>,
    #[serde(default)]
    pub date: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardItem {
    pub name: Text,
    /// 标准号, e.g. GB/T 307.1-2017.
    #[serde(default)]
    pub number: Option<Text>,
    /// 国际, 国家, 行业, 地方, 团体 or 企业.
    pub level: Text,
    /// 主导 or 参与.
    #[serde(default)]
    pub role: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HonorItem {
    pub name: Text,
    /// 颁发单位.
    #[serde(default)]
    pub by: Option<Text>,
    pub year: Spanned<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    pub title: Text,
    #[serde(default)]
    pub brief: Option<Text>,
}

/// A phone number written with or without quotes (YAML reads `13812345678`
/// unquoted as an integer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(pub String);

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Phone;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a phone number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Phone, E> {
                Ok(Phone(v.trim().to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Phone, E> {
                Ok(Phone(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Phone, E> {
                Ok(Phone(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A part is Markdown written inline, or `{file: part.md}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartSource {
    Inline(String),
    File(String),
}

impl<'de> Deserialize<'de> for PartSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PartSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("Markdown text or {file: part.md}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PartSource, E> {
                Ok(PartSource::Inline(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PartSource, A::Error> {
                let mut file = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "file" {
                        if file.is_some() {
                            return Err(de::Error::duplicate_field("file"));
                        }
                        file = Some(map.next_value::<String>()?);
                    } else {
                        return Err(de::Error::unknown_field(&key, &["file"]));
                    }
                }
                file.map(PartSource::File)
                    .ok_or_else(|| de::Error::missing_field("file"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The four parts after the title, in order (B5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartKind {
    Abstract,
    Overview,
    Implementation,
    Effects,
}

impl PartKind {
    pub const ALL: [PartKind; 4] = [
        PartKind::Abstract,
        PartKind::Overview,
        PartKind::Implementation,
        PartKind::Effects,
    ];

    /// The YAML key.
    pub fn key(self) -> &'static str {
        match self {
            PartKind::Abstract => "abstract",
            PartKind::Overview => "overview",
            PartKind::Implementation => "implementation",
            PartKind::Effects => "effects",
        }
    }

    /// The heading printed in the body, without its number.
    pub fn title(self) -> &'static str {
        match self {
            PartKind::Abstract => "摘要",
            PartKind::Overview => "企业概况",
            PartKind::Implementation => "管理方法（技术）的推进实施与运行",
            PartKind::Effects => "管理方法（技术）的实施效果",
        }
    }

    /// Recognises a level-1 heading of the Markdown form, tolerant of typed
    /// numbers, half-width brackets and spaces.
    pub fn from_heading(text: &str) -> Option<PartKind> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.contains("摘要") {
            Some(PartKind::Abstract)
        } else if t.contains("概况") {
            Some(PartKind::Overview)
        } else if t.contains("推进") || t.contains("运行") {
            Some(PartKind::Implementation)
        } else if t.contains("效果") {
            Some(PartKind::Effects)
        } else {
            None
        }
    }
}
