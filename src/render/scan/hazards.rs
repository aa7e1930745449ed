//! The Hazards section: first in `scan`'s output, because it is what to act on. One row per
//! hazard (code and mesh); `-o wide` adds the first objects, JSON has them all.

use super::super::fit;
use super::super::section::Section;
use crate::surface::Snapshot;

/// Objects shown per hazard in the wide table before the rest is counted.
const FIRST_OBJECTS: usize = 3;

/// The snapshot's hazards, most severe first; None when there are none.
pub(super) fn section(s: &Snapshot, wide: bool) -> Option<Section> {
    if s.hazards.is_empty() {
        return None;
    }
    let mut headers = vec!["SEVERITY", "CODE", "MESH", "COUNT", "MESSAGE"];
    if wide {
        headers.push("OBJECTS");
    }
    let mut sec = Section::new(1, "Hazards", headers)
        .optional(&["MESH"])
        .shrink("MESSAGE", fit::Shrink::Text);
    for h in &s.hazards {
        let mut row = vec![
            h.severity.as_str().to_owned(),
            h.code.as_str().to_owned(),
            h.mesh.clone(),
            h.count.to_string(),
            h.message.clone(),
        ];
        if wide {
            row.push(first_objects(&h.objects));
        }
        sec.rows.push(row);
    }
    Some(sec)
}

/// The first [`FIRST_OBJECTS`] objects, and how many more there are.
fn first_objects(objects: &[String]) -> String {
    let shown = objects
        .iter()
        .take(FIRST_OBJECTS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match objects.len().saturating_sub(FIRST_OBJECTS) {
        0 => shown,
        more => format!("{shown} (+{more} more)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_shows_the_first_objects_and_counts_the_rest() {
        let objects: Vec<String> = (1..=5).map(|i| format!("o{i}")).collect();
        assert_eq!(first_objects(&objects[..2]), "o1, o2");
        assert_eq!(first_objects(&objects), "o1, o2, o3 (+2 more)");
    }
}
