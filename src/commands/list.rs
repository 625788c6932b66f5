//! `mou list partners|agreements|contacts|engagements` and `mou query 'EXPR'`: rows
//! streamed to stdout.

use super::rows::{apply_shape, entity_name, write_contacts, write_rows, Target};
use super::{Ctx, Sink};
use crate::cli::{Entity, ListArgs, QueryArgs};
use crate::error::{Error, Result};
use crate::query::{parse_engagement_expression, parse_expression, Lookup};
use crate::store::Access;

pub fn run(ctx: &Ctx, a: &ListArgs) -> Result<()> {
    let entity = a.entity.ok_or_else(|| {
        Error::input("list needs what to list: partners, agreements, contacts or engagements")
            .with_hint("e.g. mou list agreements, or mou list partners --category ngo")
    })?;
    let mut store = ctx.open(Access::Read)?;
    if entity != Entity::Engagements {
        super::refuse_engagement_filters(&a.engagement_filters, entity_name(entity))?;
    }
    if entity == Entity::Contacts {
        let mut cf = super::contact_filter(ctx, &*store, &a.filters, a.all)?;
        let mut filter = crate::query::Filter::new(ctx.as_of);
        let columns = apply_shape(entity, &a.shape, &mut filter)?;
        cf.sort = filter.sort;
        cf.limit = filter.limit;
        let mut sink = Sink::open(None)?;
        let target = Target::Stream {
            out: &mut sink,
            format: ctx.format(),
            excel: false,
        };
        write_contacts(&*store, &cf, target, columns.as_deref())?;
        return sink.commit();
    }
    if a.all {
        return Err(Error::input(
            "--all lists former contacts too; it does not apply to partners or agreements",
        )
        .with_hint("leave out --all"));
    }
    let mut filter = match entity {
        Entity::Engagements => ctx.engagement_filter(&*store, &a.filters, &a.engagement_filters)?,
        _ => ctx.filter(&*store, &a.filters)?,
    };
    let columns = apply_shape(entity, &a.shape, &mut filter)?;
    let mut sink = Sink::open(None)?;
    let format = ctx.format();
    write_rows(
        &mut *store,
        entity,
        &filter,
        &mut sink,
        format,
        false,
        columns.as_deref(),
    )?;
    sink.commit()
}

pub fn query(ctx: &Ctx, a: &QueryArgs) -> Result<()> {
    let mut store = ctx.open(Access::Read)?;
    let mut filter = if a.engagements {
        let s = &*store;
        parse_engagement_expression(&a.expression, ctx.as_of, &mut |what, name| match what {
            Lookup::Partner => s.find_partner(name).map(|p| p.id),
            Lookup::Agreement => s.find_agreement(name, ctx.as_of).map(|(a, _)| a.id),
        })?
    } else {
        parse_expression(&a.expression, ctx.as_of, &mut |name| {
            store.find_partner(name).map(|p| p.id)
        })?
    };
    let entity = if a.partners {
        Entity::Partners
    } else if a.engagements {
        Entity::Engagements
    } else {
        Entity::Agreements
    };
    let columns = apply_shape(entity, &a.shape, &mut filter)?;
    let mut sink = Sink::open(None)?;
    let format = ctx.format();
    write_rows(
        &mut *store,
        entity,
        &filter,
        &mut sink,
        format,
        false,
        columns.as_deref(),
    )?;
    sink.commit()
}
