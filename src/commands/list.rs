//! `mou list partners|agreements` and `mou query 'EXPR'`: rows streamed to stdout.

use std::io::Write;

use super::{Ctx, Sink};
use crate::cli::{Entity, ListArgs, QueryArgs};
use crate::db::{Access, Store};
use crate::error::Result;
use crate::output::{Format, RowWriter};
use crate::query::{parse_expression, Filter};
use crate::records::{
    agreement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE, PARTNER_COLUMNS,
    PARTNER_TABLE,
};

pub fn run(ctx: &Ctx, a: &ListArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, &a.filters)?;
    let mut sink = Sink::open(None)?;
    write_rows(&store, a.entity, &filter, &mut sink, ctx.format(), false)?;
    sink.commit()
}

pub fn query(ctx: &Ctx, a: &QueryArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = parse_expression(&a.expression, ctx.as_of, &mut |name| {
        store.find_partner(name).map(|p| p.id)
    })?;
    let entity = if a.partners {
        Entity::Partners
    } else {
        Entity::Agreements
    };
    let mut sink = Sink::open(None)?;
    write_rows(&store, entity, &filter, &mut sink, ctx.format(), false)?;
    sink.commit()
}

/// Streams the partners or agreements matching `filter` in `format`.
pub fn write_rows(
    store: &Store,
    entity: Entity,
    filter: &Filter,
    out: &mut impl Write,
    format: Format,
    excel: bool,
) -> Result<()> {
    match entity {
        Entity::Partners => {
            let mut w = RowWriter::new(out, format, excel, PARTNER_COLUMNS, Some(PARTNER_TABLE))?;
            store.for_each_partner(filter, |p| w.row(partner_cells(p)))?;
            w.finish()
        }
        Entity::Agreements => {
            let mut w =
                RowWriter::new(out, format, excel, AGREEMENT_COLUMNS, Some(AGREEMENT_TABLE))?;
            store.for_each_agreement(filter, |a, s| w.row(agreement_cells(a, s)))?;
            w.finish()
        }
    }
}
