//! GitHub's JSON as rolecall reads it: only the fields it uses, every one optional.
//!
//! Servers differ (github.com today, Enterprise Server releases years old, recordings from
//! 2014): a missing field, or `null` where a list is expected, must never fail a fetch.

use serde::{Deserialize, Deserializer};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct Repo {
    pub name: Option<String>,
    pub full_name: Option<String>,
    pub owner: Option<User>,
    pub html_url: Option<String>,
    pub archived: Option<bool>,
    pub disabled: Option<bool>,
    pub fork: Option<bool>,
    pub has_issues: Option<bool>,
    /// Open issues and pull requests: a cached repository that counts otherwise lost
    /// some (deleted or transferred) and is fetched in full.
    pub open_issues_count: Option<u64>,
}

impl Repo {
    /// `owner/name`, from `full_name` or its parts.
    pub(super) fn full_name(&self) -> Option<String> {
        if let Some(f) = &self.full_name {
            return Some(f.clone());
        }
        Some(format!("{}/{}", self.owner.as_ref()?.login.as_ref()?, self.name.as_ref()?))
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct User {
    pub login: Option<String>,
}

/// A label: an object on every current server, a bare name in some old payloads.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Label {
    Object {
        #[serde(default)]
        name: Option<String>,
    },
    Name(String),
}

impl Label {
    pub(super) fn name(&self) -> Option<&str> {
        match self {
            Label::Object { name } => name.as_deref(),
            Label::Name(n) => Some(n),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct Milestone {
    pub number: Option<u64>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub state: Option<String>,
    pub html_url: Option<String>,
    pub created_at: Option<String>,
    pub closed_at: Option<String>,
    pub due_on: Option<String>,
    pub open_issues: Option<u64>,
    pub closed_issues: Option<u64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct PullRequestRef {
    /// Absent on old servers (unknown), `null` when the pull request was not merged.
    #[serde(deserialize_with = "present")]
    pub merged_at: Option<Option<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct Reactions {
    pub total_count: u32,
    #[serde(rename = "+1")]
    pub plus_one: u32,
    pub heart: u32,
    pub hooray: u32,
    pub rocket: u32,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct IssueType {
    pub name: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct Issue {
    pub number: Option<u64>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub html_url: Option<String>,
    pub state: Option<String>,
    pub state_reason: Option<String>,
    pub user: Option<User>,
    #[serde(deserialize_with = "list")]
    pub labels: Vec<Label>,
    pub assignee: Option<User>,
    #[serde(deserialize_with = "list")]
    pub assignees: Vec<User>,
    pub milestone: Option<Milestone>,
    pub comments: Option<u32>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub closed_at: Option<String>,
    pub author_association: Option<String>,
    pub pull_request: Option<PullRequestRef>,
    pub draft: Option<bool>,
    pub locked: Option<bool>,
    pub reactions: Option<Reactions>,
    #[serde(rename = "type")]
    pub issue_type: Option<IssueType>,
    pub parent_issue_url: Option<String>,
    pub sub_issues_summary: Option<serde_json::Map<String, serde_json::Value>>,
    pub issue_dependencies_summary: Option<serde_json::Map<String, serde_json::Value>>,
    /// The API URL of the issue (`https://api.github.com/repos/o/r/issues/5`).
    pub url: Option<String>,
    /// Filled by the fetch, not GitHub's issue payload: the API URLs of the issues that
    /// block this one (GitHub's native dependencies).
    #[serde(skip)]
    pub blocked_by: Vec<String>,
}

impl Issue {
    /// How many issues block this one, by its dependencies summary (0 when absent).
    pub(super) fn blocked_by_count(&self) -> u64 {
        let s = self.issue_dependencies_summary.as_ref();
        ["total_blocked_by", "blocked_by"]
            .iter()
            .filter_map(|k| s.and_then(|m| m.get(*k)).and_then(serde_json::Value::as_u64))
            .max()
            .unwrap_or(0)
    }
}

/// A list that may be `null`.
fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Tells a field that is present but `null` (`Some(None)`) from one that is absent (`None`,
/// through `serde(default)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::<T>::deserialize(d)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_and_null_fields_parse() {
        let i: Issue = serde_json::from_str(r#"{"number": 1}"#).unwrap();
        assert_eq!(i.number, Some(1));
        assert!(i.labels.is_empty() && i.pull_request.is_none());
        let i: Issue = serde_json::from_str(
            r#"{"number": 2, "labels": null, "assignees": null, "milestone": null, "user": null,
                "labels_url": "x", "reactions": {"+1": 2, "eyes": 1}, "type": null,
                "pull_request": {"url": "x"}}"#,
        )
        .unwrap();
        assert_eq!(i.reactions.map(|r| r.plus_one), Some(2));
        assert_eq!(i.pull_request.map(|p| p.merged_at), Some(None));
        let p: PullRequestRef = serde_json::from_str(r#"{"merged_at": null}"#).unwrap();
        assert_eq!(p.merged_at, Some(None));
        let i: Issue =
            serde_json::from_str(r#"{"number": 3, "labels": ["bug", {"name": "ui"}]}"#).unwrap();
        let names: Vec<_> = i.labels.iter().filter_map(Label::name).collect();
        assert_eq!(names, ["bug", "ui"]);
    }
}
