//! Rows as a store hands them over: another partner a name collides with, and in bulk,
//! agreements' fields as text, many rows to one buffer (what a CSV export writes, with no
//! record built per row).

/// Another partner that a name would collide with.
#[derive(Debug, Clone)]
pub struct PartnerMatch {
    pub key: String,
    pub name: String,
    /// The stored name or alias that matched.
    pub matched: String,
}

/// Rows of agreement fields as text, one buffer for many rows.
pub struct TextBatch {
    text: String,
    ends: Vec<usize>,
}

/// Fields per row of a [`TextBatch`]: the columns of an agreement.
pub const TEXT_FIELDS: usize = 18;

impl TextBatch {
    pub fn with_capacity(rows: usize) -> Self {
        TextBatch {
            text: String::with_capacity(rows * 256),
            ends: Vec::with_capacity(rows * TEXT_FIELDS),
        }
    }

    /// Ends the field being written (its text is what was pushed since the last end).
    pub fn end_field(&mut self) {
        self.ends.push(self.text.len());
    }

    /// The text of the field being written, to push to.
    pub fn text_mut(&mut self) -> &mut String {
        &mut self.text
    }

    pub fn rows(&self) -> usize {
        self.ends.len() / TEXT_FIELDS
    }

    /// The fields of row `r`.
    pub fn row(&self, r: usize) -> impl Iterator<Item = &str> {
        let ends = &self.ends[r * TEXT_FIELDS..(r + 1) * TEXT_FIELDS];
        let first = if r == 0 {
            0
        } else {
            self.ends[r * TEXT_FIELDS - 1]
        };
        ends.iter().scan(first, move |start, &end| {
            let field = &self.text[*start..end];
            *start = end;
            Some(field)
        })
    }
}
