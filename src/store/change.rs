//! A change to record in the history: what was done ([`Action`]) to which kind of record
//! ([`Entity`]). Their words are the ones history rows have always held, so rows and their
//! hash chain are the same byte for byte.

use std::fmt;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Add,
    Edit,
    Remove,
    Renew,
    Terminate,
    Import,
    /// Personal data erased (`mou forget contact`).
    Forget,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Add,
        Action::Edit,
        Action::Remove,
        Action::Renew,
        Action::Terminate,
        Action::Import,
        Action::Forget,
    ];

    /// The word a history row holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Edit => "edit",
            Action::Remove => "remove",
            Action::Renew => "renew",
            Action::Terminate => "terminate",
            Action::Import => "import",
            Action::Forget => "forget",
        }
    }
}

/// The kind of record a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Partner,
    Agreement,
    Contact,
    Engagement,
}

impl Entity {
    pub const ALL: [Entity; 4] = [
        Entity::Partner,
        Entity::Agreement,
        Entity::Contact,
        Entity::Engagement,
    ];

    /// The word a history row holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Partner => "partner",
            Entity::Agreement => "agreement",
            Entity::Contact => "contact",
            Entity::Engagement => "engagement",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change to record.
pub struct Change<'a> {
    /// When it was made (RFC 3339 UTC, to the second): the registry's clock.
    pub at: &'a str,
    pub actor: &'a str,
    pub action: Action,
    pub entity: Entity,
    pub entity_id: Option<i64>,
    pub entity_key: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_those_history_rows_hold() {
        let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "add",
                "edit",
                "remove",
                "renew",
                "terminate",
                "import",
                "forget"
            ]
        );
        let entities: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(entities, ["partner", "agreement", "contact", "engagement"]);
    }
}
