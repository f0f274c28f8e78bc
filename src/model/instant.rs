//! Instants written fast: a 100k-item week writes some 330,000 of them.

/// Serializes an instant as chrono does (RFC 3339 in UTC, `Z`), writing the usual whole
/// second of a year 0–9999 without the formatting machinery: a 100k-item week writes
/// some 330,000 of them. Anything else goes through chrono.
pub(crate) fn serialize<S: serde::Serializer>(
    t: &Option<chrono::DateTime<chrono::Utc>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    use serde::Serialize;
    match t {
        Some(t) if t.nanosecond() == 0 && (0..=9999).contains(&t.year()) => {
            let mut b = *b"0000-00-00T00:00:00Z";
            digits(&mut b[0..4], t.year() as u32);
            digits(&mut b[5..7], t.month());
            digits(&mut b[8..10], t.day());
            digits(&mut b[11..13], t.hour());
            digits(&mut b[14..16], t.minute());
            digits(&mut b[17..19], t.second());
            s.serialize_some(std::str::from_utf8(&b).unwrap_or_default())
        }
        other => other.serialize(s),
    }
}

/// Reads an instant as [`serialize`] writes it, the usual whole second (`…T15:14:00Z`)
/// without chrono's parser (a stored week of 100,000 items reads as many); anything else
/// as chrono reads RFC 3339.
pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<chrono::DateTime<chrono::Utc>>, D::Error> {
    use serde::Deserialize;
    let Some(s) = Option::<std::borrow::Cow<'de, str>>::deserialize(d)? else { return Ok(None) };
    if let Some(t) = quick(s.as_bytes()) {
        return Ok(Some(t));
    }
    chrono::DateTime::parse_from_rfc3339(&s)
        .map(|t| Some(t.with_timezone(&chrono::Utc)))
        .map_err(|e| serde::de::Error::custom(format!("`{s}` is not an RFC 3339 instant: {e}")))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, exactly.
fn quick(b: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |a, &c| c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0')))
    };
    let date = chrono::NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)?;
    let time = chrono::NaiveTime::from_hms_opt(n(11..13)?, n(14..16)?, n(17..19)?)?;
    Some(date.and_time(time).and_utc())
}

/// Writes `n` into `out` as decimal digits, zero-padded to its length.
fn digits(out: &mut [u8], mut n: u32) {
    for d in out.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    /// The quick path writes what chrono writes; the rest is chrono's.
    #[test]
    fn instants_as_chrono_writes_them() {
        #[derive(serde::Serialize)]
        struct Quick(#[serde(serialize_with = "super::serialize")] Option<chrono::DateTime<Utc>>);
        let cases = [
            Utc.with_ymd_and_hms(2024, 4, 26, 15, 14, 0).single(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(2024, 2, 29, 8, 5, 9)
                .single()
                .map(|t| t + chrono::Duration::milliseconds(123)),
            None,
        ];
        for t in cases {
            let quick = serde_json::to_string(&Quick(t)).expect("json");
            assert_eq!(quick, serde_json::to_string(&t).expect("json"), "{t:?}");
            // … and read back as chrono reads them.
            let mut de = serde_json::Deserializer::from_str(&quick);
            assert_eq!(super::deserialize(&mut de).expect("reads"), t, "{quick}");
        }
    }
}
