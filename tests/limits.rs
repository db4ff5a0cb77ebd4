//! Hostile or absurd input ends in a clear diagnostic, fast, writing nothing.

mod common;

use common::*;

fn with_abstract(markdown: &str) -> Fixture {
    let indented: String = markdown.lines().map(|l| format!("  {l}\n")).collect();
    Fixture::yaml(&SMALL_YAML.replacen(
        "abstract: |\n  摘要正文。\n",
        &format!("abstract: |\n  摘要正文。\n\n{indented}"),
        1,
    ))
}

/// A PNG whose header claims 100 000 × 100 000 pixels (CRC correct).
fn absurd_png() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    png
}

#[test]
fn absurd_truncated_and_svg_images_are_refused() {
    for (name, bytes) in [
        ("huge.png", absurd_png()),
        // A good header and half the image data.
        ("cut.png", {
            let whole =
                std::fs::read(root().join("examples/luoyang-bearing/img/pdca-model.png")).unwrap();
            whole[..whole.len() / 2].to_vec()
        }),
        (
            "svg.png",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>"#
                .to_vec(),
        ),
        (
            "a.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="/etc/passwd"/></svg>"#
                .to_vec(),
        ),
    ] {
        let f = with_abstract(&format!("![图](img/{name})"));
        f.write(&format!("img/{name}"), bytes);
        let err = f.reject("material.yaml");
        assert!(err.contains("error[IN-IMAGE]"), "{name}: {err}");
    }
}

#[test]
fn huge_text_file_is_refused() {
    let f = Fixture::yaml(SMALL_YAML);
    let mut big = SMALL_YAML.to_string();
    big.push_str(&format!("# {}\n", "填充".repeat(1_000_000)));
    f.write("material.yaml", big);
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-LIMIT]") && err.contains("5 MB"),
        "{err}"
    );
}

#[test]
fn ten_thousand_row_table_is_refused_without_layout() {
    let mut md = String::from("表：很长的表\n\n| a | b |\n| - | - |\n");
    for i in 0..10_000 {
        md.push_str(&format!("| {i} | x |\n"));
    }
    let f = with_abstract(&md);
    let start = std::time::Instant::now();
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-LIMIT]") && err.contains("10000 行"),
        "{err}"
    );
    // A hang guard, not a performance assertion.
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn deep_quote_nesting_is_refused() {
    let f = with_abstract(&format!("{}深", "> ".repeat(5000)));
    let err = f.reject("material.yaml");
    assert!(err.contains("error[IN-LIMIT]"), "{err}");
}

#[test]
fn nul_bytes_and_utf16_are_not_text() {
    let f = Fixture::new();
    f.write("material.yaml", b"company:\n  name: \x00\x00\n");
    let err = f.reject("material.yaml");
    assert!(err.contains("error[IN-ENCODING]"), "{err}");
}

/// File-level problems still name file:line:col: the first bad byte, or 1:1.
#[test]
fn file_level_problems_have_a_position() {
    let f = Fixture::new();
    f.write("material.yaml", "");
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-EMPTY]") && err.contains("material.yaml:1:1"),
        "{err}"
    );
    f.write("material.yaml", b"company:\n  name: \xff\xfe\xfd\n");
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-ENCODING]") && err.contains("material.yaml:2:9"),
        "{err}"
    );
    f.write("material.yaml", b"company:\n  name: a\x00b\n");
    let err = f.reject("material.yaml");
    assert!(
        err.contains("error[IN-ENCODING]") && err.contains("material.yaml:2:10"),
        "{err}"
    );
}

/// Issue 18: a build that runs away (one table cell of 60 000 characters,
/// whose layout time grows with the square of its length) ends at its
/// deadline with a clear message and writes nothing.
#[test]
fn a_runaway_build_ends_at_its_deadline() {
    let cell = "质".repeat(60_000);
    let f = with_abstract(&format!(
        "公司简介。\n\n表：极长的单元格\n\n| 项目 | 说明 |\n| --- | --- |\n| 一 | {cell} |\n"
    ));
    let start = std::time::Instant::now();
    let err = f.reject_with(|c| {
        c.args(["--draft", "--deadline", "2"]);
    });
    let took = start.elapsed();
    assert!(
        err.contains("OUT-DEADLINE") && err.contains("2 秒"),
        "{err}"
    );
    // The worker is stopped at the deadline, not left to finish.
    assert!(took.as_secs_f64() < 20.0, "took {took:?}");
}

/// A company name too long to name its folder (E1) says so in Chinese,
/// even as a draft (without `--draft`, V1 stops it first: the title starts
/// with the full name), and writes nothing.
#[test]
fn a_company_name_too_long_for_a_folder_is_said() {
    let long = format!("洛阳{}有限公司", "测试机械".repeat(30));
    let f = Fixture::yaml(&SMALL_YAML.replace("洛阳测试机械有限公司", &long));
    let err = f.reject_with(|cmd| {
        cmd.arg("--draft");
    });
    assert!(
        err.contains("error[OUT]") && err.contains("名字太长") && err.contains("E1"),
        "{err}"
    );
}
