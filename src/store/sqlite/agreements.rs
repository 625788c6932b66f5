//! Agreements: storage, lookup by ref or id, refs, bulk writes and streaming reads (renewal
//! chains are in `renewals`).

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use std::collections::HashMap;

use super::filter::{agreement_order, agreement_where, status_params, STATUS_SQL};
use super::Store;
use crate::dates::{iso, parse_stored, Date};
use crate::error::{Error, Result};
use crate::model::{
    ref_key, ref_mark, ref_norm, split_list, Agreement, Kind, Status, Stored, StoredRow,
};
use crate::query::Filter;
use crate::store::TextBatch;

/// A ref's compared form in SQL (see [`crate::model::ref_norm`]): what the unique index
/// `agreement_ref` holds, and what lookups compare [`ref_key`] with.
const REF_KEY: &str = "coalesce(ref_norm, lower(ref))";

/// The unique index on refs, as migration 0002 creates it (a bulk import rebuilds it).
pub(super) const REF_INDEX: &str =
    "CREATE UNIQUE INDEX IF NOT EXISTS agreement_ref ON agreement (coalesce(ref_norm, lower(ref)))";

/// Refs that the unique index finds repeated, one of each.
pub(super) const REPEATED_REFS: &str = "SELECT min(ref) FROM agreement \
     GROUP BY coalesce(ref_norm, lower(ref)) HAVING count(*) > 1 ORDER BY 1 LIMIT 1000";

/// `mou_ref_norm(ref)` fills `ref_norm`; `mou_ref_key(text)` is the compared form of any text
/// (for `renews`, which holds a ref as it was written).
pub(super) fn register_functions(conn: &rusqlite::Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("mou_ref_norm", 1, flags, |ctx| {
        Ok(text_arg(ctx.get_raw(0)).and_then(|s| ref_norm(&s)))
    })?;
    conn.create_scalar_function("mou_ref_key", 1, flags, |ctx| {
        Ok(text_arg(ctx.get_raw(0)).map(|s| ref_key(&s)))
    })?;
    Ok(())
}

/// A function's argument as text, whatever was stored (a BLOB written behind mou's back is
/// read as lossy UTF-8 rather than failing the statement).
fn text_arg(v: rusqlite::types::ValueRef) -> Option<String> {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => None,
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    }
}

/// Selects agreement rows; `parties` adds the parties' keys by a lookup per row (for a few
/// rows), else the caller merges them from one ordered scan (see [`PartyScan`]).
fn select_sql(parties: bool) -> String {
    select_sql_with(parties, "")
}

/// The stored columns of [`select_sql`] by position (1..=17; 4 is the parties' keys), and
/// `ref_norm` (18) as `mou check` reads it.
const STORED_COLUMNS: &[(usize, &str)] = &[
    (1, "ref"),
    (18, "ref_norm"),
    (2, "kind"),
    (3, "title"),
    (5, "signed_on"),
    (6, "effective_on"),
    (7, "expires_on"),
    (8, "terminated_on"),
    (9, "termination_reason"),
    (10, "notice_days"),
    (11, "renews"),
    (12, "sdgs"),
    (13, "tags"),
    (14, "notes"),
    (15, "document"),
    (16, "created_at"),
    (17, "updated_at"),
];

/// A value as SQLite holds it.
pub(super) fn stored(v: rusqlite::types::ValueRef) -> Stored {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Stored::Null,
        ValueRef::Integer(n) => Stored::Integer(n),
        ValueRef::Real(x) => Stored::Real(x),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => Stored::Text(s.to_owned()),
            Err(_) => Stored::Blob(t.to_vec()),
        },
        ValueRef::Blob(b) => Stored::Blob(b.to_vec()),
    }
}

/// Optional text read whatever was stored: text as it is, numbers written out, a BLOB as
/// lossy UTF-8 (`mou check` reports such values; reading them never fails).
pub(super) fn opt_text_col(r: &Row, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(text_col(r, i)?),
    })
}

fn select_sql_with(parties: bool, extra: &str) -> String {
    let parties = if parties {
        "(SELECT group_concat(p.key, ';' ORDER BY ap.position) FROM agreement_party ap \
           JOIN partner p ON p.id = ap.partner_id WHERE ap.agreement_id = a.id)"
    } else {
        "NULL"
    };
    format!(
        "SELECT a.id, a.ref, a.kind, a.title, {parties}, \
           a.signed_on, a.effective_on, a.expires_on, a.terminated_on, a.termination_reason, \
           a.notice_days, a.renews, a.sdgs, a.tags, a.notes, a.document, a.created_at, a.updated_at{extra} \
         FROM agreement a"
    )
}

fn date_col(r: &Row, i: usize) -> rusqlite::Result<Option<Date>> {
    let s: Option<rusqlite::types::ValueRef> = Some(r.get_ref(i)?);
    Ok(match s {
        Some(rusqlite::types::ValueRef::Text(t)) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| parse_stored(s).ok()),
        _ => None,
    })
}

pub(super) fn text_col(r: &Row, i: usize) -> rusqlite::Result<String> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(t).into_owned(),
        },
        rusqlite::types::ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        rusqlite::types::ValueRef::Null => String::new(),
        other => other.as_i64().map(|n| n.to_string()).unwrap_or_default(),
    })
}

fn agreement_from_row(r: &Row) -> rusqlite::Result<Agreement> {
    let kind = r.get_ref(2)?;
    let kind = kind
        .as_str()
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(Kind::Other);
    let parties = opt_text_col(r, 4)?;
    let sdgs = r.get_ref(12)?;
    let sdgs = sdgs.as_str().unwrap_or("");
    let tags = r.get_ref(13)?;
    let tags = tags.as_str().unwrap_or("");
    Ok(Agreement {
        id: r.get(0)?,
        reference: text_col(r, 1)?,
        kind,
        title: text_col(r, 3)?,
        parties: parties.map(|p| split_list(&p)).unwrap_or_default(),
        signed_on: date_col(r, 5)?,
        effective_on: date_col(r, 6)?,
        expires_on: date_col(r, 7)?,
        terminated_on: date_col(r, 8)?,
        termination_reason: opt_text_col(r, 9)?,
        notice_days: r
            .get_ref(10)?
            .as_i64()
            .ok()
            .and_then(|n| u32::try_from(n).ok()),
        renews: opt_text_col(r, 11)?,
        sdgs: if sdgs.is_empty() {
            Vec::new()
        } else {
            sdgs.split(';').filter_map(|s| s.parse().ok()).collect()
        },
        tags: if tags.is_empty() {
            Vec::new()
        } else {
            split_list(tags)
        },
        notes: opt_text_col(r, 14)?,
        document: opt_text_col(r, 15)?,
        created_at: text_col(r, 16)?,
        updated_at: text_col(r, 17)?,
    })
}

/// Binds an agreement's stored columns as INSERT and UPDATE number them (?1..?17),
/// borrowing its text rather than copying it into values first.
fn bind_columns(st: &mut rusqlite::Statement, a: &Agreement) -> rusqlite::Result<()> {
    let date = |d: Option<Date>| d.map(iso);
    let sdgs = crate::model::join_sdgs(&a.sdgs);
    let tags = a.tags.join(";");
    st.raw_bind_parameter(1, &a.reference)?;
    st.raw_bind_parameter(2, a.kind.as_str())?;
    st.raw_bind_parameter(3, &a.title)?;
    st.raw_bind_parameter(4, date(a.signed_on))?;
    st.raw_bind_parameter(5, date(a.effective_on))?;
    st.raw_bind_parameter(6, date(a.expires_on))?;
    st.raw_bind_parameter(7, date(a.terminated_on))?;
    st.raw_bind_parameter(8, &a.termination_reason)?;
    st.raw_bind_parameter(9, a.notice_days)?;
    st.raw_bind_parameter(10, &a.renews)?;
    st.raw_bind_parameter(11, &sdgs)?;
    st.raw_bind_parameter(12, &tags)?;
    st.raw_bind_parameter(13, &a.notes)?;
    st.raw_bind_parameter(14, &a.document)?;
    st.raw_bind_parameter(15, &a.created_at)?;
    st.raw_bind_parameter(16, &a.updated_at)?;
    st.raw_bind_parameter(17, ref_norm(&a.reference))
}

/// The party ids of agreements visited in increasing id order, from one scan of
/// `agreement_party` in key order: a merge join that spares a lookup per agreement.
pub(super) struct PartyScan<'s> {
    rows: rusqlite::Rows<'s>,
    pending: Option<(i64, i64)>,
}

impl<'s> PartyScan<'s> {
    pub(super) const SQL: &'static str =
        "SELECT agreement_id, partner_id FROM agreement_party ORDER BY agreement_id, position";

    pub(super) fn new(rows: rusqlite::Rows<'s>) -> Self {
        PartyScan {
            rows,
            pending: None,
        }
    }

    /// Fills `out` with the party ids of `agreement_id`; ids must come in increasing order.
    pub(super) fn ids_of(&mut self, agreement_id: i64, out: &mut Vec<i64>) -> Result<()> {
        out.clear();
        loop {
            let (a, p) = match self.pending.take() {
                Some(x) => x,
                None => match self.rows.next()? {
                    Some(r) => (r.get(0)?, r.get(1)?),
                    None => return Ok(()),
                },
            };
            if a < agreement_id {
                continue;
            }
            if a > agreement_id {
                self.pending = Some((a, p));
                return Ok(());
            }
            out.push(p);
        }
    }
}

/// Raises the mark of `prefix` (`MOU-2026`) to `seq`; a lower `seq` leaves it.
pub(super) fn raise_mark(conn: &rusqlite::Connection, prefix: &str, seq: u32) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ref_mark (prefix, seq) VALUES (?1, ?2)
         ON CONFLICT (prefix) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![prefix, seq])?;
    Ok(())
}

pub struct AgreementWriter<'a> {
    find: rusqlite::CachedStatement<'a>,
    insert: rusqlite::CachedStatement<'a>,
    party: rusqlite::CachedStatement<'a>,
    conn: &'a rusqlite::Connection,
    /// The highest sequence per prefix among the refs inserted, written by [`Self::flush`].
    marks: HashMap<(Kind, u16), u32>,
    /// On the bulk path, party rows held back to be written [`MANY_PARTIES`] at a time,
    /// with the statement that writes them.
    pending: Option<(Vec<[i64; 3]>, rusqlite::Statement<'a>)>,
}

/// Party rows per statement on the bulk path: a statement's fixed cost (its program
/// started, its cursor opened and closed) is then paid once for many small rows.
const MANY_PARTIES: usize = 64;

/// `INSERT INTO agreement_party ... VALUES (?1, ?2, ?3), ...` for `rows` rows.
fn party_insert_sql(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|r| format!("(?{}, ?{}, ?{})", 3 * r + 1, 3 * r + 2, 3 * r + 3))
        .collect();
    format!(
        "INSERT INTO agreement_party (agreement_id, position, partner_id) VALUES {}",
        tuples.join(", ")
    )
}

impl AgreementWriter<'_> {
    /// The id of the agreement with this ref (any case). (Rows are held back only while refs
    /// are unindexed, when no insert meets an existing ref; the flush keeps `find` right
    /// should that change.)
    pub fn find(&mut self, reference: &str) -> Result<Option<i64>> {
        self.flush()?;
        Ok(self
            .find
            .query_row([ref_key(reference.trim())], |r| r.get(0))
            .optional()?)
    }

    /// Inserts a new agreement (its `id` is ignored) and its parties; returns the new id,
    /// or None when an agreement with its ref exists already (then nothing is written).
    /// On the bulk path, party rows may wait for [`Self::flush`].
    pub fn insert_new(&mut self, a: &Agreement, party_ids: &[i64]) -> Result<Option<i64>> {
        self.insert_new_as(None, a, party_ids)
    }

    /// [`Self::insert_new`] with id `id` (None: the next free one).
    pub(super) fn insert_new_as(
        &mut self,
        id: Option<i64>,
        a: &Agreement,
        party_ids: &[i64],
    ) -> Result<Option<i64>> {
        bind_columns(&mut self.insert, a)?;
        self.insert.raw_bind_parameter(18, id)?;
        let inserted = self.insert.raw_execute()?;
        if inserted == 0 {
            return Ok(None);
        }
        let id = self.conn.last_insert_rowid();
        if let Some(m) = ref_mark(&a.reference) {
            let seq = self.marks.entry((m.kind, m.year)).or_insert(0);
            *seq = (*seq).max(m.seq);
        }
        match &mut self.pending {
            Some((rows, many)) => {
                rows.extend(
                    party_ids
                        .iter()
                        .enumerate()
                        .map(|(i, p)| [id, i as i64, *p]),
                );
                while rows.len() >= MANY_PARTIES {
                    for (i, v) in rows.drain(..MANY_PARTIES).flatten().enumerate() {
                        many.raw_bind_parameter(i + 1, v)?;
                    }
                    many.raw_execute()?;
                }
            }
            None => {
                for (i, p) in party_ids.iter().enumerate() {
                    self.party.execute(params![id, i as i64, p])?;
                }
            }
        }
        Ok(Some(id))
    }

    /// Writes the party rows held back and raises the ref marks: call when the agreements
    /// are written.
    pub fn flush(&mut self) -> Result<()> {
        if let Some((rows, _)) = &mut self.pending {
            for v in rows.drain(..) {
                self.party.execute(params![v[0], v[1], v[2]])?;
            }
        }
        for ((kind, year), seq) in self.marks.drain() {
            raise_mark(self.conn, &format!("{}-{year:04}", kind.ref_prefix()), seq)?;
        }
        Ok(())
    }

    /// Inserts a new agreement; a ref already in use is an error naming it.
    pub fn insert(&mut self, a: &Agreement, party_ids: &[i64]) -> Result<i64> {
        self.insert_new(a, party_ids)?.ok_or_else(|| {
            Error::field(
                "ref",
                &a.reference,
                "another agreement has this ref; choose another",
            )
        })
    }
}

impl Store {
    fn agreement_where_sql(
        &self,
        clause: &str,
        as_of: Date,
        params: Vec<Value>,
    ) -> Result<Option<(Agreement, Status)>> {
        let sql = format!("{} WHERE {clause}", select_sql(true));
        Ok(self
            .conn
            .query_row(
                &sql,
                rusqlite::params_from_iter(params.iter()),
                agreement_from_row,
            )
            .optional()?
            .map(|a| {
                let s = a.status_at(as_of);
                (a, s)
            }))
    }

    pub fn agreement_by_ref(
        &self,
        reference: &str,
        as_of: Date,
    ) -> Result<Option<(Agreement, Status)>> {
        self.agreement_where_sql(
            "coalesce(a.ref_norm, lower(a.ref)) = ?",
            as_of,
            vec![Value::Text(ref_key(reference.trim()))],
        )
    }

    pub fn agreement_by_id(&self, id: i64, as_of: Date) -> Result<Option<(Agreement, Status)>> {
        self.agreement_where_sql("a.id = ?", as_of, vec![Value::Integer(id)])
    }

    /// An agreement by ref (any case) or id; unknown names list the nearest refs.
    pub fn find_agreement(&self, name: &str, as_of: Date) -> Result<(Agreement, Status)> {
        if let Some(found) = self.try_find_agreement(name, as_of)? {
            return Ok(found);
        }
        let near = self.nearest_refs(name, 3)?;
        let e = Error::input(format!("unknown agreement '{name}'"));
        Err(if near.is_empty() {
            e.with_hint("list agreements with `mou list agreements`")
        } else {
            e.with_hint(format!("did you mean {}?", near.join(", ")))
        })
    }

    pub fn try_find_agreement(
        &self,
        name: &str,
        as_of: Date,
    ) -> Result<Option<(Agreement, Status)>> {
        if let Some(found) = self.agreement_by_ref(name, as_of)? {
            return Ok(Some(found));
        }
        match name.trim().parse::<i64>() {
            Ok(id) => self.agreement_by_id(id, as_of),
            Err(_) => Ok(None),
        }
    }

    pub fn nearest_refs(&self, name: &str, n: usize) -> Result<Vec<String>> {
        let target = name.trim().to_ascii_uppercase();
        let mut st = self.conn.prepare("SELECT ref FROM agreement")?;
        let mut scored: Vec<(f64, String)> = Vec::new();
        let rows = st.query_map([], |r| text_col(r, 0))?;
        for r in rows {
            let r = r?;
            let score = strsim::normalized_levenshtein(&target, &r.to_ascii_uppercase());
            if score >= 0.5 {
                scored.push((score, r));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(scored.into_iter().take(n).map(|(_, r)| r).collect())
    }

    /// The next generated ref for `kind` in `year`: `MOU-2016-003` after `MOU-2016-002`, and
    /// after every ref of that shape ever given (the high-water mark), removed ones included.
    pub fn next_ref(&self, kind: Kind, year: i32) -> Result<String> {
        let prefix = format!("{}-{year}-", kind.ref_prefix());
        let key = prefix.to_ascii_lowercase();
        // Refs of the shape in the registry, through the ref index ('.' follows '-'): also
        // those written behind mou's back, which no mark knows of.
        let mut st = self.conn.prepare_cached(
            "SELECT ref FROM agreement WHERE coalesce(ref_norm, lower(ref)) >= ?1
               AND coalesce(ref_norm, lower(ref)) < ?2",
        )?;
        let mut rows = st.query([&key, &format!("{}.", &key[..key.len() - 1])])?;
        let mark: i64 = self
            .conn
            .prepare_cached("SELECT seq FROM ref_mark WHERE prefix = ?1")?
            .query_row([&prefix[..prefix.len() - 1]], |r| {
                Ok(r.get_ref(0)?.as_i64().unwrap_or(0))
            })
            .optional()?
            .unwrap_or(0);
        let mut max = u32::try_from(mark.max(0)).unwrap_or(u32::MAX);
        while let Some(r) = rows.next()? {
            let m = r.get_ref(0)?.as_str().ok().and_then(ref_mark);
            if let Some(m) = m.filter(|m| m.kind == kind) {
                max = max.max(m.seq);
            }
        }
        if max >= crate::model::MAX_REF_SEQ {
            return Err(Error::input(format!(
                "no generated ref is left for {prefix}: the last sequence number, {}, is taken",
                crate::model::MAX_REF_SEQ
            ))
            .with_hint("give the agreement a ref of its own with --ref (or a ref column)"));
        }
        Ok(format!("{prefix}{:03}", max + 1))
    }

    /// Seeds the marks from every ref in the registry and in history (removed and renamed
    /// agreements included): run once, by the migration that made the marks.
    pub(super) fn seed_ref_marks(&self) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT ref FROM agreement
             UNION SELECT entity_key FROM history WHERE entity = 'agreement'
             UNION SELECT json_extract(before, '$.ref') FROM history
               WHERE entity = 'agreement' AND json_valid(before)
             UNION SELECT json_extract(after, '$.ref') FROM history
               WHERE entity = 'agreement' AND json_valid(after)",
        )?;
        let mut marks: HashMap<String, u32> = HashMap::new();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(m) = r.get_ref(0)?.as_str().ok().and_then(ref_mark) {
                let seq = marks.entry(m.prefix()).or_insert(0);
                *seq = (*seq).max(m.seq);
            }
        }
        for (prefix, seq) in marks {
            raise_mark(&self.conn, &prefix, seq)?;
        }
        Ok(())
    }

    /// The ref of an agreement recorded before `up_to_id` with this kind, signing date,
    /// title and parties (in order). A scan: for import rows that carry no ref.
    pub fn same_agreement(
        &self,
        kind: Kind,
        signed: Option<Date>,
        title: &str,
        party_ids: &[i64],
        up_to_id: i64,
    ) -> Result<Option<String>> {
        if up_to_id == 0 {
            return Ok(None);
        }
        let parties = party_ids
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(";");
        Ok(self
            .conn
            .prepare_cached(
                "SELECT a.ref FROM agreement a
                  WHERE a.id <= ?5 AND a.kind = ?1 AND a.signed_on IS ?2 AND a.title = ?3
                    AND (SELECT group_concat(partner_id, ';' ORDER BY position) FROM agreement_party
                          WHERE agreement_id = a.id) = ?4
                  ORDER BY a.id LIMIT 1",
            )?
            .query_row(
                params![kind.as_str(), signed.map(iso), title, parties, up_to_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn ref_taken(&self, reference: &str, except: Option<i64>) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM agreement WHERE coalesce(ref_norm, lower(ref)) = ?1 AND id IS NOT ?2",
            )?
            .query_row(params![ref_key(reference.trim()), except], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Inserts an agreement (its `id` is ignored) with parties given as partner ids.
    pub fn insert_agreement(&self, a: &Agreement, party_ids: &[i64]) -> Result<i64> {
        let mut w = self.agreement_writer(false)?;
        let id = w.insert(a, party_ids)?;
        w.flush()?;
        Ok(id)
    }

    /// Prepared statements for writing many agreements in one transaction (import).
    /// `unindexed`: the ref index is being rebuilt, so refs are not checked row by row, and
    /// party rows are written many at a time (call [`AgreementWriter::flush`] at the end).
    pub fn agreement_writer(&self, unindexed: bool) -> Result<AgreementWriter<'_>> {
        let insert = "INSERT INTO agreement (ref, kind, title, signed_on, effective_on, expires_on,
                terminated_on, termination_reason, notice_days, renews, sdgs, tags, notes, document,
                created_at, updated_at, ref_norm, id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
        let pending = if unindexed {
            Some((
                Vec::with_capacity(2 * MANY_PARTIES),
                self.conn.prepare(&party_insert_sql(MANY_PARTIES))?,
            ))
        } else {
            None
        };
        Ok(AgreementWriter {
            find: self.conn.prepare_cached(
                "SELECT id FROM agreement WHERE coalesce(ref_norm, lower(ref)) = ?1",
            )?,
            insert: if unindexed {
                self.conn.prepare_cached(insert)?
            } else {
                self.conn
                    .prepare_cached(&format!("{insert} ON CONFLICT ({REF_KEY}) DO NOTHING"))?
            },
            party: self.conn.prepare_cached(&party_insert_sql(1))?,
            conn: &self.conn,
            marks: HashMap::new(),
            pending,
        })
    }

    fn write_parties(&self, id: i64, party_ids: &[i64]) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM agreement_party WHERE agreement_id = ?1")?
            .execute([id])?;
        let mut st = self.conn.prepare_cached(
            "INSERT INTO agreement_party (agreement_id, position, partner_id) VALUES (?1, ?2, ?3)",
        )?;
        for (i, p) in party_ids.iter().enumerate() {
            st.execute(params![id, i as i64, p])?;
        }
        Ok(())
    }

    /// Rewrites every field of agreement `a.id`; a changed ref is followed by its renewals.
    pub fn update_agreement(&self, a: &Agreement, old_ref: &str, party_ids: &[i64]) -> Result<()> {
        // ?15 (created_at) is bound but unused: creation is not changed by an update.
        let mut st = self.conn.prepare_cached(
            "UPDATE agreement SET ref = ?1, kind = ?2, title = ?3, signed_on = ?4, effective_on = ?5,
                expires_on = ?6, terminated_on = ?7, termination_reason = ?8, notice_days = ?9,
                renews = ?10, sdgs = ?11, tags = ?12, notes = ?13, document = ?14, updated_at = ?16,
                ref_norm = ?17
             WHERE id = ?18",
        )?;
        bind_columns(&mut st, a)?;
        st.raw_bind_parameter(18, a.id)?;
        st.raw_execute()?;
        if old_ref != a.reference {
            self.conn.execute(
                "UPDATE agreement SET renews = ?2 WHERE renews IS NOT NULL AND mou_ref_key(renews) = ?1",
                params![ref_key(old_ref), a.reference],
            )?;
            if let Some(m) = ref_mark(&a.reference) {
                raise_mark(&self.conn, &m.prefix(), m.seq)?;
            }
        }
        self.write_parties(a.id, party_ids)
    }

    pub fn delete_agreement(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM agreement WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Partner ids of an agreement's parties, in order.
    pub fn party_ids(&self, agreement_id: i64) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare_cached(
            "SELECT partner_id FROM agreement_party WHERE agreement_id = ?1 ORDER BY position",
        )?;
        let v = st
            .query_map([agreement_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    /// Ids of the agreements a partner is party to.
    pub fn agreement_ids_of_partner(&self, partner_id: i64) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare_cached(
            "SELECT agreement_id FROM agreement_party WHERE partner_id = ?1 ORDER BY agreement_id",
        )?;
        let v = st
            .query_map([partner_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(v)
    }

    /// Removes one partner from an agreement's parties, keeping the others' order.
    pub fn detach_party(&self, agreement_id: i64, partner_id: i64) -> Result<()> {
        let rest: Vec<i64> = self
            .party_ids(agreement_id)?
            .into_iter()
            .filter(|p| *p != partner_id)
            .collect();
        self.write_parties(agreement_id, &rest)
    }

    /// Runs the agreement query for `filter` in its order (id order by default) and calls `f` with each row. For a
    /// whole-registry read, the parties come merged from one ordered scan, as ids with the map
    /// of their keys; a filtered read (None) finds them in the row's own `parties` column.
    fn scan_agreements(
        &self,
        filter: &Filter,
        with_status: bool,
        mut f: impl FnMut(&Row, Option<(&[i64], &HashMap<i64, String>)>) -> Result<()>,
    ) -> Result<()> {
        let (clause, where_params) = agreement_where(filter);
        // The merged party scan walks agreements in id order, reading every one.
        let merge = filter.terms.is_empty()
            && filter.sort.is_empty()
            && filter.limit.is_none()
            && filter.after.is_none();
        let mut params = Vec::with_capacity(where_params.len() + 3);
        let select = if with_status {
            // The status at the filter's date as column 18: the same SQL the filters use.
            status_params(filter.as_of, &mut params);
            select_sql_with(!merge, &format!(", {STATUS_SQL}"))
        } else {
            select_sql(!merge)
        };
        params.extend(where_params);
        let order = agreement_order(filter, &mut params)?;
        let sql = format!("{select} WHERE {clause}{order}");
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        let keys: HashMap<i64, String> = if merge {
            self.partner_keys()?.into_iter().collect()
        } else {
            HashMap::new()
        };
        let mut party_st = self.conn.prepare(PartyScan::SQL)?;
        let mut parties = PartyScan::new(party_st.query([])?);
        let mut ids = Vec::new();
        while let Some(r) = rows.next()? {
            if merge {
                parties.ids_of(r.get(0)?, &mut ids)?;
                f(r, Some((&ids, &keys)))?;
            } else {
                f(r, None)?;
            }
        }
        Ok(())
    }

    /// Calls `f` with each agreement matching `filter` (and its status at the filter's as-of
    /// date), in the order they were recorded, without collecting them.
    pub fn for_each_agreement(
        &self,
        filter: &Filter,
        mut f: impl FnMut(Agreement, Status) -> Result<()>,
    ) -> Result<()> {
        self.scan_agreements(filter, false, |r, merged| {
            let mut a = agreement_from_row(r)?;
            if let Some((ids, keys)) = merged {
                a.parties = ids.iter().filter_map(|id| keys.get(id).cloned()).collect();
            }
            let s = a.status_at(filter.as_of);
            f(a, s)
        })
    }

    /// The agreements matching `filter` as their stored text, in batches of `batch` rows:
    /// the fields of [`crate::records::AGREEMENT_COLUMNS`] (lists `;`-joined, status derived),
    /// copied straight from SQLite without building records — what a CSV export writes.
    pub fn for_each_agreement_text(
        &self,
        filter: &Filter,
        batch: usize,
        mut f: impl FnMut(TextBatch) -> Result<()>,
    ) -> Result<()> {
        use rusqlite::types::ValueRef;
        use std::fmt::Write as _;
        let mut out = TextBatch::with_capacity(batch);
        let push = |out: &mut TextBatch, v: ValueRef| {
            match v {
                ValueRef::Text(t) | ValueRef::Blob(t) => match std::str::from_utf8(t) {
                    Ok(s) => out.text_mut().push_str(s),
                    Err(_) => out.text_mut().push_str(&String::from_utf8_lossy(t)),
                },
                ValueRef::Integer(n) => {
                    let _ = write!(out.text_mut(), "{n}");
                }
                ValueRef::Real(x) => {
                    let _ = write!(out.text_mut(), "{x}");
                }
                ValueRef::Null => {}
            }
            out.end_field();
        };
        self.scan_agreements(filter, true, |r, merged| {
            for i in 1..=3 {
                push(&mut out, r.get_ref(i)?);
            }
            if let Some((ids, keys)) = merged {
                for (n, key) in ids.iter().filter_map(|id| keys.get(id)).enumerate() {
                    if n > 0 {
                        out.text_mut().push(';');
                    }
                    out.text_mut().push_str(key);
                }
                out.end_field();
            } else {
                push(&mut out, r.get_ref(4)?);
            }
            for i in 5..=15 {
                push(&mut out, r.get_ref(i)?);
            }
            push(&mut out, r.get_ref(18)?);
            for i in 16..=17 {
                push(&mut out, r.get_ref(i)?);
            }
            if out.rows() == batch {
                f(std::mem::replace(&mut out, TextBatch::with_capacity(batch)))?;
            }
            Ok(())
        })?;
        if out.rows() > 0 {
            f(out)?;
        }
        Ok(())
    }

    /// Whether any agreement is recorded: one row read, whatever the registry's size.
    pub(super) fn has_agreements(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM agreement)", [], |r| r.get(0))?)
    }

    /// Whether the registry holds no partner, agreement or history row.
    pub fn is_unused(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM partner) AND NOT EXISTS (SELECT 1 FROM agreement)
               AND NOT EXISTS (SELECT 1 FROM history)",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn agreement_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM agreement", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    }

    pub fn count_agreements(&self, filter: &Filter) -> Result<i64> {
        let (clause, params) = agreement_where(filter);
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM agreement a WHERE {clause}"),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?)
    }

    /// Partners party to an agreement matching `filter` (see
    /// [`super::filter::partner_with_agreement_where`]).
    pub fn count_partners_with_agreements(&self, filter: &Filter) -> Result<i64> {
        let (clause, params) = super::filter::partner_with_agreement_where(filter);
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM partner p WHERE {clause}"),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?)
    }

    /// Calls `f` with every agreement as stored and as mou reads it, in id order (`mou check`).
    pub fn for_each_stored_agreement(
        &self,
        mut f: impl FnMut(StoredRow, Agreement) -> Result<()>,
    ) -> Result<()> {
        let sql = format!("{} ORDER BY a.id", select_sql_with(true, ", a.ref_norm"));
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let values = STORED_COLUMNS
                .iter()
                .map(|(i, c)| Ok((*c, stored(r.get_ref(*i)?))))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let row = StoredRow {
                id: r.get(0)?,
                values,
                aliases: Vec::new(),
            };
            f(row, agreement_from_row(r)?)?;
        }
        Ok(())
    }

    /// The `after` of the last history row of each `entity` (`partner`, `agreement`) that
    /// has one per record, by id: what mou last wrote (None for a removal, or unreadable).
    pub fn last_recorded(
        &self,
        entity: crate::store::Entity,
    ) -> Result<HashMap<i64, Option<String>>> {
        let mut st = self.conn.prepare(
            "SELECT h.entity_id, h.after FROM history h
               JOIN (SELECT entity_id, max(id) AS last FROM history
                      WHERE entity = ?1 AND entity_id IS NOT NULL GROUP BY entity_id) l
                 ON h.id = l.last",
        )?;
        let mut rows = st.query([entity.as_str()])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let after = r.get_ref(1)?.as_str().ok().map(str::to_owned);
            if let Ok(id) = r.get_ref(0)?.as_i64() {
                out.insert(id, after);
            }
        }
        Ok(out)
    }

    /// Partners that are party to no agreement, as (key, name).
    pub fn partners_without_agreements(&self) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare(
            "SELECT key, name FROM partner p
              WHERE NOT EXISTS (SELECT 1 FROM agreement_party ap WHERE ap.partner_id = p.id) ORDER BY key",
        )?;
        let v = st
            .query_map([], |r| Ok((text_col(r, 0)?, text_col(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}
