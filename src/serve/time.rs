//! Times as the server writes them: RFC 3339 in UTC, to the second.

pub fn iso(secs: u64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .ok()
        .and_then(|t| {
            t.format(&::time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_dates() {
        assert_eq!(super::iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso(1_679_270_400), "2023-03-20T00:00:00Z");
    }
}
