//! Item kinds as every tracker names them, in one vocabulary.

/// `sub-task`, `subtask`, `sub-bug`… as trackers name them (kinds are lower-case kebab).
pub(crate) fn is_sub_task(kind: &str) -> bool {
    kind.starts_with("sub-") || kind.starts_with("subtask") || kind == "subtarea"
}

/// A test case or test run (Jira's `Test`; Xray's `Test Execution`, `Test Plan`, `Test
/// Set`, `Test Case`): it verifies work, it is not itself work shipped. Kinds are
/// lower-case kebab (`Test Execution` is `test-execution`).
pub(crate) fn is_test(kind: &str) -> bool {
    matches!(kind, "test" | "test-case" | "test-execution" | "test-plan" | "test-set")
}

/// A container of work rather than work (an epic, an initiative above epics): not a
/// request of its own, and counted as the items in it.
pub(crate) fn is_container(kind: &str) -> bool {
    matches!(kind, "epic" | "initiative")
}

/// Nouns whose English plural [`plural`] knows: the last word of a kind (`request` of
/// `change-request`). A kind ending in any other word (`bug-(external)`, a type in
/// another language the table of [`normalise`] does not map) is counted in items.
const ENGLISH: &[&str] = &[
    "bug",
    "case",
    "change",
    "chore",
    "defect",
    "draft",
    "enhancement",
    "epic",
    "execution",
    "feature",
    "idea",
    "improvement",
    "incident",
    "initiative",
    "issue",
    "item",
    "milestone",
    "plan",
    "problem",
    "project",
    "pull",
    "question",
    "request",
    "requirement",
    "risk",
    "set",
    "spike",
    "story",
    "task",
    "test",
    "ticket",
    "todo",
];

/// A kind as a noun for `n` of them: `bug` → `bugs`, `story` → `stories`, `change-request`
/// → `change requests`; a kind whose last word is not a known English noun is counted in
/// items (`bug-(external)` → `bug (external) items`, not `bug-(external)s`); an empty
/// kind is an `item`.
pub(crate) fn plural(kind: &str, n: usize) -> String {
    let kind = if kind.is_empty() { "item" } else { kind };
    // Dashes back to spaces (`pull-request` → `pull request`), but a sub-task keeps its.
    let words = match is_sub_task(kind) {
        true => kind.to_string(),
        false => kind.replace('-', " "),
    };
    let last = kind.rsplit('-').next().unwrap_or(kind);
    if !ENGLISH.contains(&last) {
        return format!("{words} {}", if n == 1 { "item" } else { "items" });
    }
    if n == 1 {
        return words;
    }
    let vowel_y = ["ay", "ey", "oy", "uy"].iter().any(|e| words.ends_with(e));
    if words.ends_with('y') && !vowel_y {
        format!("{}ies", &words[..words.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|e| words.ends_with(e)) {
        format!("{words}es")
    } else {
        format!("{words}s")
    }
}

/// `Sub-task` → `sub-task`, `New Feature` → `feature`, `Story` → `story`; the issue types
/// of Jira in other languages too (`Historia` → `story`, `Unteraufgabe` → `sub-task`).
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
        // Jira's default issue types in other languages.
        "historia" | "história" | "storia" | "historyjka" | "verhaal" | "история"
        | "ストーリー" => "story".into(),
        "tarea" | "aufgabe" | "tâche" | "tarefa" | "attività" | "zadanie" | "taak" | "задача"
        | "タスク" => "task".into(),
        "subtarea" | "unteraufgabe" | "sous-tâche" | "subtarefa" | "sottoattività"
        | "podzadanie" | "subtaak" | "подзадача" | "サブタスク" => "sub-task".into(),
        "error" | "fehler" | "błąd" | "błąd-w-programie" | "баг" | "ошибка" | "バグ" => {
            "bug".into()
        }
        "épica" | "épico" | "epik" | "эпик" | "エピック" => "epic".into(),
        "neue-funktion"
        | "nueva-función"
        | "nueva-funcion"
        | "nouvelle-fonctionnalité"
        | "nova-funcionalidade"
        | "nuova-funzionalità" => "feature".into(),
        "verbesserung" | "mejora" | "amélioration" | "melhoria" | "miglioramento" => {
            "improvement".into()
        }
        _ => k,
    }
}
