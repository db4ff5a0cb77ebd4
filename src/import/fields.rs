//! The front matter the import fills: schema-1 keys (dotted paths) with
//! their values as read and where each was found.

use std::collections::BTreeMap;

use super::report::At;

/// A value read from the draft, as text, and where.
#[derive(Clone, Debug)]
pub struct Found {
    pub value: String,
    pub at: Option<At>,
}

/// Every front-matter key the import may fill, in the order they are
/// written, with the name the 申报表 or the cover gives it.
pub const KEYS: &[(&str, &str)] = &[
    ("profile", "版式"),
    ("company.name", "申报单位（企业名称）"),
    ("company.address", "单位地址"),
    ("company.nature", "企业性质"),
    ("company.scale", "企业类型"),
    ("company.employees", "从业人员"),
    ("company.industry", "所属行业类别"),
    ("company.quality_head.name", "质量管理机构负责人姓名"),
    ("company.quality_head.title", "质量管理机构负责人职务"),
    ("contact.name", "联系人"),
    ("contact.title", "联系人职务"),
    ("contact.phone", "联系方式（手机）"),
    ("contact.email", "联系人邮箱"),
    ("finance", "近三年发展情况"),
    ("patents.applied", "申请专利数"),
    ("patents.granted", "授权专利数"),
    ("software_copyrights", "软件著作权登记数"),
    ("standards.international", "国际标准数"),
    ("standards.national", "国家标准数"),
    ("standards.industry", "行业标准数"),
    ("standards.local", "地方标准数"),
    ("standards.group", "团体标准数"),
    ("standards.enterprise", "企业标准数"),
    ("honors", "近五年获省市级以上主要荣誉数"),
    ("benchmark.title", "标杆名称"),
    ("benchmark.brief", "质量标杆简介"),
    ("date", "申报日期"),
    ("details", "附表"),
];

/// Keys a material cannot build without.
pub const REQUIRED: &[&str] = &[
    "company.name",
    "contact.name",
    "contact.phone",
    "benchmark.title",
    "date",
];

/// The Chinese name of a key (`finance.2021.revenue` → 近三年发展情况).
pub fn label(key: &str) -> &'static str {
    KEYS.iter()
        .find(|(k, _)| *k == key || key.starts_with(&format!("{k}.")))
        .map(|(_, l)| *l)
        .unwrap_or("")
}

#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub map: BTreeMap<String, Found>,
}

impl Fields {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|f| f.value.as_str())
    }

    pub fn set(&mut self, key: &str, value: String, at: Option<At>) {
        self.map.insert(key.to_string(), Found { value, at });
    }
}
