//! Item kinds as every tracker names them, in one vocabulary.

/// `Sub-task` → `sub-task`, `New Feature` → `feature`, `Story` → `story`.
pub(crate) fn normalise(raw: &str) -> String {
    // `fold` and dashes for spaces, in one allocation (this runs once per row).
    let mut k = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !k.is_empty() {
            k.push('-');
        }
        k.extend(word.chars().flat_map(char::to_lowercase));
    }
    match k.as_str() {
        "subtask" | "sub-task" | "sub-tasks" | "technical-sub-task" => "sub-task".into(),
        "new-feature" | "feature-request" => "feature".into(),
        "user-story" => "story".into(),
        "defect" => "bug".into(),
        _ => k,
    }
}
