//! Release version numbers as images, kubelets and API servers write them (`v1.32.4`,
//! `1.26.3-distroless`, `stable-2.14.10`): the numbers, for comparing minors.
//!
//! Apart from the catalog because the inventory needs it too (the oldest kubelet of a
//! cluster), and the catalog already depends on the inventory. Nothing is guessed: a tag
//! that does not start with `MAJOR.MINOR` (`latest`, a digest, a branch name) is no
//! version, and the rules that compare versions then judge nothing.

use std::fmt;

/// `MAJOR.MINOR[.PATCH]`, read from the start of a version string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    /// Absent when the string has only `MAJOR.MINOR`.
    pub patch: Option<u64>,
}

impl Version {
    /// Reads `[v]MAJOR.MINOR[.PATCH]`, followed by anything that starts with neither a
    /// digit nor a dot (`-eks-4f1b2c3`, `+k3s1`). `None` when it does not start so.
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let end = t
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len());
        // `1.26.3-rc.1`: the numbers end at the first character that is neither.
        let mut parts = t[..end].split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            None => None,
            Some(p) => Some(p.parse().ok()?),
        };
        // A fourth number is no release version we know.
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
        })
    }

    /// `MAJOR.MINOR` (the key of the release tables and of Kubernetes support lists).
    pub fn minor_key(self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    /// The same minor line (`1.26.0` and `1.26.3`)?
    pub fn same_minor(self, other: Version) -> bool {
        (self.major, self.minor) == (other.major, other.minor)
    }

    /// Minors from `self` to `later` within one major (negative when `later` is older);
    /// `None` across majors (no rule counts minors across them).
    pub fn minors_until(self, later: Version) -> Option<i64> {
        if self.major != later.major {
            return None;
        }
        let a = i64::try_from(self.minor).ok()?;
        let b = i64::try_from(later.minor).ok()?;
        Some(b - a)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "{}.{}.{p}", self.major, self.minor),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<(u64, u64, Option<u64>)> {
        Version::parse(s).map(|v| (v.major, v.minor, v.patch))
    }

    #[test]
    fn reads_the_numbers_at_the_start_and_nothing_else() {
        assert_eq!(v("v1.32.4"), Some((1, 32, Some(4))));
        assert_eq!(v("v1.32.4-eks-4f1b2c3"), Some((1, 32, Some(4))));
        assert_eq!(v("1.26.3-distroless"), Some((1, 26, Some(3))));
        assert_eq!(v("v1.34.1+k3s1"), Some((1, 34, Some(1))));
        assert_eq!(v("1.31"), Some((1, 31, None)));
        assert_eq!(v("latest"), None);
        assert_eq!(v("edge-25.4.4"), None);
        assert_eq!(v("1"), None);
        assert_eq!(v("1.2.3.4"), None);
        assert_eq!(v(""), None);
        assert_eq!(v("1..3"), None);
    }

    #[test]
    fn minors_count_within_one_major_only() {
        let a = Version::parse("1.24.1").unwrap();
        let b = Version::parse("1.26.0").unwrap();
        assert_eq!(a.minors_until(b), Some(2));
        assert_eq!(b.minors_until(a), Some(-2));
        assert_eq!(a.minors_until(Version::parse("2.0").unwrap()), None);
        assert!(Version::parse("1.26.3").unwrap().same_minor(b));
        assert_eq!(b.minor_key(), "1.26");
        assert!(a < b);
    }
}
