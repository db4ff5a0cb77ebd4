//! The content rules of SPEC §8 (V1–V7), run on a material that was read and
//! parsed. Every problem is reported, not just the first.

pub mod count;
mod details;
pub mod figures;
pub mod glyphs;

use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, Sources, Span};
use crate::document::Block;
use crate::material::Date;
use crate::material::industry;
use crate::material::values::{self, NATURES, SCALES};
use crate::material::{Loaded, PartKind};
use crate::profile::{Limits, Profile};
use crate::source::yaml::yaml_span;

/// The 字数 limit of a part (V2) in `limits`, the profile's.
pub fn limit(kind: PartKind, limits: &Limits) -> usize {
    match kind {
        PartKind::Abstract => limits.abstract_,
        PartKind::Overview => limits.overview,
        PartKind::Implementation => limits.implementation,
        PartKind::Effects => limits.effects,
    }
}

/// One counted text and its 字数 limit: the title (V1) or a part (V2). The
/// same numbers feed the diagnostics' `data`, `shenbao count` and its JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Length {
    /// What is counted, as the writer knows it (标杆名称, 摘要, …).
    pub part: &'static str,
    /// Its key in the material (`benchmark.title`, `abstract`, …).
    pub key: &'static str,
    pub count: usize,
    pub limit: usize,
    /// V2 warns above this share of the limit, in per cent.
    pub warn_percent: usize,
}

impl Length {
    pub fn over(&self) -> bool {
        self.count > self.limit
    }

    /// Near the limit (V2 warns): above the profile's `warn_percent` of it.
    pub fn near(&self) -> bool {
        !self.over() && self.count * 100 > self.limit * self.warn_percent
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "part": self.part,
            "key": self.key,
            "count": self.count,
            "limit": self.limit,
        })
    }
}

/// The title's 字数 and each part's, in the material's order.
pub fn lengths(loaded: &Loaded, parts: &[(PartKind, Vec<Block>)], limits: &Limits) -> Vec<Length> {
    let title = loaded.material.benchmark.title.value.trim();
    let mut out = vec![Length {
        part: "标杆名称",
        key: "benchmark.title",
        count: count::count(title),
        limit: limits.title,
        warn_percent: 100,
    }];
    out.extend(parts.iter().map(|(kind, blocks)| Length {
        part: kind.title(),
        key: kind.key(),
        count: count::count(&crate::document::blocks_text(blocks)),
        limit: limit(*kind, limits),
        warn_percent: limits.warn_percent,
    }));
    out
}

pub struct Checker<'a> {
    pub loaded: &'a Loaded,
    pub profile: &'a Profile,
    pub parts: &'a [(PartKind, Vec<Block>)],
    pub sources: &'a Sources,
}

impl Checker<'_> {
    fn span<T>(&self, v: &Spanned<T>) -> Span {
        yaml_span(self.sources, self.loaded.file, &v.referenced)
    }

    pub fn run(&self, diags: &mut Vec<Diagnostic>) {
        self.material(diags);
        self.v1_title(diags);
        self.v2_lengths(diags);
        for (_, blocks) in self.parts {
            figures::check(blocks, self.profile, diags);
        }
        self.v4_contact(diags);
        self.v5_eligibility(diags);
        self.v6_scale(diags);
        self.v7_industry(diags);
        self.enums(diags);
        self.details(diags);
    }

    /// The schema version and the date: values the model reads as text.
    fn material(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        if let Some(schema) = &m.schema
            && schema.value != 1
        {
            diags.push(
                Diagnostic::error(
                    Code::BadValue,
                    format!("不支持的 schema 版本 {}", schema.value),
                )
                .at(self.span(schema))
                .help("本版本 shenbao 只支持 schema: 1"),
            );
        }
        if Date::parse(&m.date.value).is_none() {
            diags.push(
                Diagnostic::error(
                    Code::BadValue,
                    format!("申报日期“{}”不是有效日期", m.date.value),
                )
                .at(self.span(&m.date))
                .help("写成 2023-03-20 的形式（年-月-日）"),
            );
        }
        for part in &self.loaded.parts {
            let empty = self
                .parts
                .iter()
                .any(|(kind, blocks)| *kind == part.kind && blocks.is_empty());
            if empty {
                diags.push(
                    Diagnostic::error(
                        Code::MissingKey,
                        format!("“{}”部分是空的", part.kind.title()),
                    )
                    .at(part.origin.span(self.sources, &part.text, 0..0))
                    .help("请填写这一部分的内容"),
                );
            }
        }
    }

    fn v1_title(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let title = m.benchmark.title.value.trim();
        let company = m.company.name.value.trim();
        let span = self.span(&m.benchmark.title);
        let length = &lengths(self.loaded, &[], &self.profile.limits)[0];
        let (n, max) = (length.count, length.limit);
        if length.over() {
            diags.push(
                Diagnostic::error(
                    Code::TitleRule,
                    format!("标杆名称有 {n} 字，超过 {max} 字的上限 {} 字", n - max),
                )
                .at(span.clone())
                .data(length.json())
                .help("精简“典型方法技术”部分；命名规则：公司全称+（典型方法技术）+（经验）"),
            );
        }
        if !title.starts_with(company) {
            diags.push(
                Diagnostic::error(Code::TitleRule, "标杆名称没有以公司全称开头")
                    .at(span.clone())
                    .help(format!(
                        "命名规则：公司全称+（典型方法技术）+（经验），应以“{company}”开头"
                    )),
            );
        }
        if !title.ends_with("经验") {
            diags.push(
                Diagnostic::error(Code::TitleRule, "标杆名称没有以“经验”结尾")
                    .at(span)
                    .help("命名规则：公司全称+（典型方法技术）+（经验），如“××公司实施六西格玛设计的经验”"),
            );
        }
    }

    fn v2_lengths(&self, diags: &mut Vec<Diagnostic>) {
        for ((kind, _), length) in self
            .parts
            .iter()
            .zip(&lengths(self.loaded, self.parts, &self.profile.limits)[1..])
        {
            let (n, max) = (length.count, length.limit);
            let part = self.loaded.parts.iter().find(|p| p.kind == *kind);
            // The part's first line of text, not the blank line after its
            // heading or `|`.
            let span = part.map(|p| {
                let first = count::first_text_line(&p.text);
                p.origin.span(self.sources, &p.text, first)
            });
            if length.over() {
                diags.push(
                    Diagnostic::error(Code::LengthRule, format!("“{}”有 {n} 字，超过 {max} 字的上限 {} 字", kind.title(), n - max))
                        .at_opt(span)
                        .data(length.json())
                        .help(format!("删减 {} 字以上（按 Word 的字数统计：汉字和中文标点各算 1 字，连续的英文或数字算 1 字）", n - max)),
                );
            } else if length.near() {
                diags.push(
                    Diagnostic::warning(
                        Code::LengthRule,
                        format!(
                            "“{}”有 {n} 字，接近 {max} 字的上限（还剩 {} 字）",
                            kind.title(),
                            max - n
                        ),
                    )
                    .at_opt(span)
                    .data(length.json())
                    .help("修改时注意不要超出上限"),
                );
            }
        }
    }

    fn v4_contact(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let phone = &m.contact.phone.value.0;
        let mobile = values::is_mobile(phone);
        if !mobile {
            diags.push(
                Diagnostic::error(Code::ContactRule, format!("联系方式“{phone}”不是手机号"))
                    .at(self.span(&m.contact.phone))
                    .help("通知要求联系方式为手机号：11 位数字，以 13–19 开头，如 13812345678；不要填座机"),
            );
        }
        if let Some(email) = &m.contact.email {
            let e = email.value.trim();
            let ok = values::is_email(e);
            if !ok {
                diags.push(
                    Diagnostic::error(Code::ContactRule, format!("邮箱“{e}”格式不对"))
                        .at(self.span(email))
                        .help("写成 name@example.com 的形式，用英文字符"),
                );
            }
        }
        if let (Some(date), Some(deadline)) = (
            Date::parse(&m.date.value),
            Date::parse(&self.profile.deadline),
        ) && date > deadline
        {
            diags.push(
                Diagnostic::warning(
                    Code::ContactRule,
                    format!(
                        "申报日期 {} 晚于申报截止日期 {}",
                        date.chinese(),
                        deadline.chinese()
                    ),
                )
                .at(self.span(&m.date))
                .help("确认日期是否写错；通知要求在截止日期前报送"),
            );
        }
    }

    fn v5_eligibility(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let p = self.profile;
        match &m.company.address {
            Some(addr) => {
                let a = addr.value.as_str();
                let inside =
                    a.contains(&p.region) || p.districts.iter().any(|d| a.contains(d.as_str()));
                if !inside {
                    diags.push(
                        Diagnostic::error(
                            Code::Eligibility,
                            format!(
                                "单位地址不在{}（申报条件：{}内注册的独立法人企业）",
                                p.region, p.region
                            ),
                        )
                        .at(self.span(addr))
                        .help(format!(
                            "地址写全，如“{}××区××路×号”；注册地不在{}的企业不能申报",
                            p.region, p.region
                        )),
                    );
                }
            }
            None => diags.push(
                Diagnostic::error(
                    Code::Eligibility,
                    "缺少单位地址 company.address（用于核对注册地）",
                )
                .at(self.span(&m.company.name))
                .help(format!(
                    "在 company 下添加 address: {}××区××路×号",
                    p.region
                )),
            ),
        }
        let years: Vec<i32> = (1..=3).rev().map(|k| p.campaign_year - k).collect();
        // Point a missing year at the finance block if there is one.
        let anchor = m
            .finance
            .values()
            .find_map(|f| {
                f.profit
                    .as_ref()
                    .or(f.revenue.as_ref())
                    .or(f.assets.as_ref())
            })
            .map(|v| self.span(v))
            .unwrap_or(Span {
                file: self.loaded.file,
                range: 0..0,
            });
        for y in &years {
            let Ok(key) = u16::try_from(*y) else { continue };
            match m.finance.get(&key).and_then(|f| f.profit.as_ref()) {
                None => diags.push(
                    Diagnostic::error(
                        Code::Eligibility,
                        format!("缺少 {y} 年的利润总额（近三年须连续盈利）"),
                    )
                    .at(anchor.clone())
                    .help(format!(
                        "在 finance 下写 {y}: {{assets: …, revenue: …, profit: …}}（单位：万元）"
                    )),
                ),
                Some(profit) if profit.value <= 0.0 => diags.push(
                    Diagnostic::error(
                        Code::Eligibility,
                        format!(
                            "{y} 年利润总额为 {} 万元，不满足“近三年连续保持盈利”",
                            profit.value
                        ),
                    )
                    .at(self.span(profit))
                    .help("申报条件要求近三年利润总额均大于 0；请核对年度审计报告"),
                ),
                _ => {}
            }
        }
    }

    fn v6_scale(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let (Some(scale), Some(employees)) = (&m.company.scale, &m.company.employees) else {
            return;
        };
        let last = u16::try_from(self.profile.campaign_year - 1).ok();
        let Some(revenue) = last
            .and_then(|y| m.finance.get(&y))
            .and_then(|f| f.revenue.as_ref())
            .map(|r| r.value)
        else {
            return;
        };
        let by_people = match employees.value {
            1000.. => 0,
            300.. => 1,
            20.. => 2,
            _ => 3,
        };
        let by_revenue = if revenue >= 40000.0 {
            0
        } else if revenue >= 2000.0 {
            1
        } else if revenue >= 300.0 {
            2
        } else {
            3
        };
        let tier = SCALES[by_people.max(by_revenue)];
        if SCALES.contains(&scale.value.trim()) && scale.value.trim() != tier {
            diags.push(
                Diagnostic::error(Code::ScaleRule, format!("企业类型填的是“{}”，但从业人员 {} 人、营业收入 {revenue} 万元按划分标准是“{tier}”", scale.value.trim(), employees.value))
                    .at(self.span(scale))
                    .help("大型：≥1000 人且 ≥40000 万元；中型：≥300 人且 ≥2000 万元；小型：≥20 人且 ≥300 万元；其余为微型（任一项不达标即降一档）"),
            );
        }
    }

    fn v7_industry(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let Some(industry) = &m.company.industry else {
            return;
        };
        let v = industry.value.trim();
        let span = self.span(industry);
        // A section letter in front (`C3451`) is a common slip: read past it.
        let v = match v.strip_prefix(|c: char| c.is_ascii_uppercase()) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
                diags.push(
                    Diagnostic::warning(Code::IndustryRule, "行业代码前的门类字母不用写")
                        .at(span.clone())
                        .help(format!("写成“{}”", rest.trim())),
                );
                rest
            }
            _ => v,
        };
        let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
        let name = v[digits.len()..].trim();
        if digits.len() != 4 {
            let hint = match industry::by_name(name) {
                Some(c) => format!(
                    "“{}”的小类代码是 {}，请写成“{} {}”",
                    c.name, c.code, c.code, c.name
                ),
                None => {
                    "写成“4位小类代码 名称”，如“3451 滚动轴承制造”（见 GB/T 4754-2017）".to_string()
                }
            };
            diags.push(
                Diagnostic::error(
                    Code::IndustryRule,
                    format!("所属行业“{v}”不是 4 位小类代码加名称"),
                )
                .at(span)
                .help(hint),
            );
            return;
        }
        match industry::by_code(&digits) {
            Some(class) if name == class.name => {}
            Some(class) if name.is_empty() => diags.push(
                Diagnostic::error(
                    Code::IndustryRule,
                    format!("所属行业只写了代码 {digits}，缺少名称"),
                )
                .at(span)
                .help(format!("写成“{} {}”", class.code, class.name)),
            ),
            Some(class) => {
                // The name may be right and the code wrong.
                let help = match industry::by_name(name) {
                    Some(other) => format!(
                        "“{name}”的代码是 {}，请写成“{} {}”；若代码 {digits} 是对的，则写成“{} {}”",
                        other.code, other.code, other.name, class.code, class.name
                    ),
                    None => format!(
                        "写成“{} {}”；若名称对而代码错，请核对 GB/T 4754-2017",
                        class.code, class.name
                    ),
                };
                diags.push(
                    Diagnostic::error(
                        Code::IndustryRule,
                        format!("行业代码 {digits} 的名称是“{}”，不是“{name}”", class.name),
                    )
                    .at(span)
                    .help(help),
                );
            }
            None => {
                let suggestion = industry::by_name(name)
                    .map(|c| {
                        format!(
                            "“{}”的代码是 {}，请写成“{} {}”",
                            c.name, c.code, c.code, c.name
                        )
                    })
                    .or_else(|| {
                        let near = industry::near_names(name);
                        (!near.is_empty()).then(|| {
                            format!(
                                "相近的小类：{}",
                                near.iter()
                                    .map(|c| format!("{} {}", c.code, c.name))
                                    .collect::<Vec<_>>()
                                    .join("；")
                            )
                        })
                    })
                    .unwrap_or_else(|| "请按 GB/T 4754-2017 填写到小类（4 位代码）".to_string());
                diags.push(
                    Diagnostic::error(
                        Code::IndustryRule,
                        format!("{digits} 不是 GB/T 4754-2017 的小类代码"),
                    )
                    .at(span)
                    .help(suggestion),
                );
            }
        }
    }

    fn enums(&self, diags: &mut Vec<Diagnostic>) {
        let c = &self.loaded.material.company;
        self.one_of("企业性质", c.nature.as_ref(), &NATURES, diags);
        self.one_of("企业类型", c.scale.as_ref(), &SCALES, diags);
    }

    /// A value that must be one of the form's options.
    fn one_of(
        &self,
        what: &str,
        value: Option<&Spanned<String>>,
        options: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(v) = value else { return };
        if !values::is_option(&v.value, options) {
            diags.push(
                Diagnostic::error(
                    Code::NotAnOption,
                    format!("{what}“{}”不是申报表的选项", v.value.trim()),
                )
                .at(self.span(v))
                .help(format!("只能是：{}", options.join("、"))),
            );
        }
    }
}
