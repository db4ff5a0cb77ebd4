//! A2-DETAIL: the form's counts agree with the 附表 lists behind them (the
//! form's note 3: 详细情况及印证材料请另附表). A list is optional; where one
//! is given, 申请数 counts every listed patent and 授权数 the granted ones,
//! 软件著作权 every entry, each standards level its entries, and 近五年荣誉
//! the honours of the five years before the campaign year. Each listed
//! status and level must be one the form knows.

use serde_saphyr::Spanned;

use super::Checker;
use crate::diag::{Code, Diagnostic};
use crate::material::values::{self, PATENT_STATUSES, STANDARD_LEVELS, STANDARD_ROLES};

impl Checker<'_> {
    pub(super) fn details(&self, diags: &mut Vec<Diagnostic>) {
        let m = &self.loaded.material;
        let Some(d) = &m.details else { return };
        let year = self.profile.campaign_year;
        if let Some(list) = &d.patents {
            for p in &list.value {
                self.option("专利状态", &p.status, &PATENT_STATUSES, diags);
            }
            let applied = list.value.len();
            let granted = list
                .value
                .iter()
                .filter(|p| p.status.value.trim() == "授权")
                .count();
            let counts = m.patents.map(|p| (p.applied as usize, p.granted as usize));
            let (a, g) = counts.unwrap_or((0, 0));
            if counts.is_none() || a != applied || g != granted {
                diags.push(
                    Diagnostic::error(
                        Code::FormDetails,
                        format!(
                            "申报表的专利数（申请 {a}、授权 {g}）与附表所列不符：附表列了 {applied} 件，其中授权 {granted} 件"
                        ),
                    )
                    .at(self.span(list))
                    .help(format!(
                        "申请数计所有列出的专利，授权数只计 status: 授权 的；写成 patents: {{applied: {applied}, granted: {granted}}}，或补全附表"
                    )),
                );
            }
        }
        if let Some(list) = &d.software_copyrights {
            let n = list.value.len();
            if m.software_copyrights != Some(n as u32) {
                let have = m
                    .software_copyrights
                    .map_or("未填".to_string(), |c| c.to_string());
                diags.push(
                    Diagnostic::error(
                        Code::FormDetails,
                        format!("申报表的软件著作权登记数（{have}）与附表所列的 {n} 件不符"),
                    )
                    .at(self.span(list))
                    .help(format!("写成 software_copyrights: {n}，或补全附表")),
                );
            }
        }
        if let Some(list) = &d.standards {
            for s in &list.value {
                self.option("标准级别", &s.level, &STANDARD_LEVELS, diags);
                if let Some(role) = &s.role {
                    self.option("主导或参与", role, &STANDARD_ROLES, diags);
                }
            }
            let counted: Vec<usize> = STANDARD_LEVELS
                .iter()
                .map(|l| {
                    list.value
                        .iter()
                        .filter(|s| s.level.value.trim() == *l)
                        .count()
                })
                .collect();
            let given: Vec<usize> = m.standards.map_or(vec![0; 6], |s| {
                [
                    s.international,
                    s.national,
                    s.industry,
                    s.local,
                    s.group,
                    s.enterprise,
                ]
                .iter()
                .map(|&n| n as usize)
                .collect()
            });
            if m.standards.is_none() || counted != given {
                let show = |v: &[usize]| {
                    STANDARD_LEVELS
                        .iter()
                        .zip(v)
                        .map(|(l, n)| format!("{l}{n}"))
                        .collect::<Vec<_>>()
                        .join("、")
                };
                diags.push(
                    Diagnostic::error(
                        Code::FormDetails,
                        format!(
                            "申报表的标准数（{}）与附表所列（{}）不符",
                            show(&given),
                            show(&counted)
                        ),
                    )
                    .at(self.span(list))
                    .help(format!(
                        "按附表写成 standards: {{international: {}, national: {}, industry: {}, local: {}, group: {}, enterprise: {}}}",
                        counted[0], counted[1], counted[2], counted[3], counted[4], counted[5]
                    )),
                );
            }
        }
        if let Some(list) = &d.honors {
            let window = (year - 5)..=(year - 1);
            let recent = list
                .value
                .iter()
                .filter(|h| window.contains(&h.year.value))
                .count();
            for h in list
                .value
                .iter()
                .filter(|h| !window.contains(&h.year.value))
            {
                diags.push(
                    Diagnostic::warning(
                        Code::FormDetails,
                        format!(
                            "荣誉“{}”是 {} 年的，不在近五年（{}—{} 年）内，不计入申报表的荣誉数",
                            h.name.value.trim(),
                            h.year.value,
                            window.start(),
                            window.end()
                        ),
                    )
                    .at(self.span(&h.year))
                    .help("附表照样列出；核对年份是否写对"),
                );
            }
            if m.honors != Some(recent as u32) {
                let have = m.honors.map_or("未填".to_string(), |c| c.to_string());
                diags.push(
                    Diagnostic::error(
                        Code::FormDetails,
                        format!(
                            "申报表的近五年荣誉数（{have}）与附表不符：附表里 {}—{} 年的荣誉有 {recent} 项",
                            window.start(),
                            window.end()
                        ),
                    )
                    .at(self.span(list))
                    .help(format!("写成 honors: {recent}，或核对附表的年份")),
                );
            }
        }
    }

    fn option(
        &self,
        what: &str,
        v: &Spanned<String>,
        options: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) {
        if !values::is_option(&v.value, options) {
            diags.push(
                Diagnostic::error(
                    Code::FormDetails,
                    format!("{what}“{}”不是附表的选项", v.value.trim()),
                )
                .at(self.span(v))
                .help(format!("只能是：{}", options.join("、"))),
            );
        }
    }
}
