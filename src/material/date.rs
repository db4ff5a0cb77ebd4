//! The date a material is submitted (申报日期), as writers type it.

/// A calendar date as the material gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `2023-03-20`, `2023/3/20`, `2023.3.20` or `2023年3月20日`;
    /// `None` for anything that is not a real date.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let nums: Vec<&str> = s
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        if nums.len() != 3 || s.ends_with(['-', '/', '.']) {
            return None;
        }
        let year: i32 = nums[0].trim().parse().ok()?;
        let month: u32 = nums[1].trim().parse().ok()?;
        let day: u32 = nums[2].trim().parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2999).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// `2023年3月20日`: no zero padding (C4).
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2023-03-20").map(Date::chinese).as_deref(),
            Some("2023年3月20日")
        );
        assert_eq!(
            Date::parse("2023年3月5日").map(Date::chinese).as_deref(),
            Some("2023年3月5日")
        );
        assert_eq!(Date::parse("2023/2/29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("明天"), None);
    }
}
