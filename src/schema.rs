//! The JSON Schema of schema 1, for editors (VS Code's YAML extension
//! completes and validates keys with it).

use serde_json::{Value, json};

use crate::material::values;
use crate::material::values::{NATURES, SCALES};

fn text(desc: &str) -> Value {
    json!({"type": "string", "description": desc})
}

fn count(desc: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "description": desc})
}

fn part(desc: &str) -> Value {
    json!({
        "description": desc,
        "oneOf": [
            {"type": "string", "description": "直接写 Markdown"},
            {"type": "object", "additionalProperties": false, "required": ["file"],
             "properties": {"file": {"type": "string", "description": "Markdown 文件的相对路径，如 parts/implementation.md"}}}
        ]
    })
}

/// A 附表 list of objects with `props`, `required` among them.
fn list(desc: &str, props: Value, required: &[&str]) -> Value {
    json!({"type": "array", "description": desc,
        "items": {"type": "object", "additionalProperties": false, "required": required, "properties": props}})
}

fn person(desc: &str) -> Value {
    json!({"type": "object", "description": desc, "additionalProperties": false, "required": ["name"],
        "properties": {"name": text("姓名"), "title": text("职务")}})
}

/// One of the form's options: the pattern the check applies, the options
/// offered for completion.
fn option(options: &[&str], desc: &str) -> Value {
    json!({"type": "string", "pattern": values::option_pattern(options), "examples": options, "description": desc})
}

/// The schema. Every pattern comes from `material::values`, the functions
/// the checks call, so a value the editor accepts is one `shenbao check`
/// accepts, and the other way round.
pub fn schema() -> Value {
    let (phone_min, phone_max) = values::phone_range();
    // The profiles shipped in templates/profiles/, not a list kept here; a
    // custom one from --templates is valid too, so these are examples.
    let profiles = crate::resources::templates::Templates::new(None).profile_names();
    let year = json!({"type": "object", "additionalProperties": false,
    "properties": {
        "assets": {"type": "number", "description": "资产总额（万元）"},
        "revenue": {"type": "number", "description": "主营业务收入（万元）"},
        "profit": {"type": "number", "description": "利润总额（万元），须大于 0"}
    }});
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://shenbao.invalid/schema/1.json",
        "title": "shenbao 申报材料（schema 1）",
        "type": "object",
        "additionalProperties": false,
        "required": ["company", "contact", "benchmark", "date"],
        "properties": {
            "schema": {"const": 1, "description": "材料格式版本，目前只有 1"},
            "profile": {"type": "string", "examples": profiles,
                "description": format!("版式与规则配置，默认 {}；内置：{}（用 --templates 还可以有自定义的配置）", crate::profile::DEFAULT, profiles.join("、"))},
            "company": {
                "type": "object", "description": "企业信息", "additionalProperties": false, "required": ["name"],
                "properties": {
                    "name": text("企业全称，与公章一致"),
                    "address": text("单位地址，须在配置的地区内（洛阳市）"),
                    "nature": option(&NATURES, "企业性质"),
                    "scale": option(&SCALES, "企业类型，须与从业人员和营业收入相符"),
                    "employees": count("从业人员（人）"),
                    "industry": {"type": "string", "pattern": values::industry_pattern(), "examples": values::industry_examples(),
                        "description": "所属行业：GB/T 4754-2017 4 位小类代码加名称，如 3451 滚动轴承制造"},
                    "quality_head": person("质量管理机构负责人")
                }
            },
            "contact": {
                "type": "object", "description": "联系人", "additionalProperties": false, "required": ["name", "phone"],
                "properties": {
                    "name": text("姓名"),
                    "title": text("职务"),
                    "phone": {"description": "手机号，11 位，可用空格或短横线分组，如 139-3791-2345",
                        "anyOf": [{"type": "string", "pattern": values::phone_pattern()},
                                  {"type": "integer", "minimum": phone_min, "maximum": phone_max}]},
                    "email": {"type": "string", "pattern": values::email_pattern(), "description": "邮箱，如 name@example.com"}
                }
            },
            "finance": {"type": "object", "description": "近三年发展情况（万元），键为年份",
                "patternProperties": {"^[0-9]{4}$": year}, "additionalProperties": false},
            "patents": {"type": "object", "additionalProperties": false, "description": "专利（件）",
                "properties": {"applied": count("申请数"), "granted": count("授权数")}},
            "software_copyrights": count("软件著作权登记（件）"),
            "standards": {"type": "object", "additionalProperties": false, "description": "主导、参与标准制修订（项）",
                "properties": {"international": count("国际标准"), "national": count("国家标准"), "industry": count("行业标准"),
                    "local": count("地方标准"), "group": count("团体标准"), "enterprise": count("企业标准")}},
            "honors": count("近五年获省市级以上主要荣誉数（项）"),
            "details": {"type": "object", "additionalProperties": false,
                "description": "附表（申报表说明第3条）：列出后印在申报表之后，申报表上的数目须与之相符（A2-DETAIL）",
                "properties": {
                    "patents": list("专利", json!({"name": text("专利名称"), "number": text("专利号或申请号"),
                        "status": option(&values::PATENT_STATUSES, "申请（未授权）或授权"), "date": text("申请或授权日期")}), &["name", "status"]),
                    "software_copyrights": list("软件著作权", json!({"name": text("软件名称"), "number": text("登记号"), "date": text("登记日期")}), &["name"]),
                    "standards": list("主导、参与制修订的标准", json!({"name": text("标准名称"), "number": text("标准号，如 GB/T 307.1-2017"),
                        "level": option(&values::STANDARD_LEVELS, "级别"), "role": option(&values::STANDARD_ROLES, "主导或参与")}), &["name", "level"]),
                    "honors": list("省市级以上主要荣誉", json!({"name": text("荣誉名称"), "by": text("颁发单位"),
                        "year": {"type": "integer", "minimum": 1900, "maximum": 2999, "description": "获得年份；近五年（活动年份前五年）的计入荣誉数"}}), &["name", "year"])
                }},
            "benchmark": {"type": "object", "additionalProperties": false, "required": ["title"], "description": "质量标杆",
                "properties": {"title": text("标杆名称：40 字以内（按 Word 的字数统计，shenbao check 检查），公司全称+（典型方法技术）+（经验）"),
                    "brief": text("质量标杆简介（申报表用）")}},
            "attachments": {"type": "array", "description": "证实性材料：装订在正文之后，打印后加盖公章",
                "items": {"type": "object", "additionalProperties": false, "required": ["file", "title"],
                    "properties": {"file": text("材料文件夹里的 PDF（如从“信用中国”下载的查询报告，不能设打开密码）或 PNG、JPEG 图片"),
                        "title": text("名称，列在证实性材料目录里")}}},
            "date": {"type": "string", "pattern": values::date_pattern(), "description": "申报日期，如 2023-03-20"},
            "abstract": part("摘要（500 字以内）"),
            "overview": part("企业概况（500 字以内）"),
            "implementation": part("管理方法（技术）的推进实施与运行（8000 字以内）"),
            "effects": part("管理方法（技术）的实施效果（2000 字以内）")
        }
    })
}
