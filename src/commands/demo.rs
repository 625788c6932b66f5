//! `mou demo`: loads the sample registry from data/ into a throwaway registry and shows the
//! main job: the agreements, what is due, and the summary with its milestone sentence.

use std::path::PathBuf;

use super::{Ctx, Sink};
use crate::cli::{DemoArgs, Entity, FilterArgs};
use crate::error::{Error, Result};
use crate::query::Filter;
use crate::store::{Access, Location};

pub fn run(ctx: &Ctx, a: &DemoArgs) -> Result<()> {
    let dir = if a.data.join("partners.csv").exists() {
        a.data.clone()
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&a.data)
    };
    if !dir.join("partners.csv").exists() {
        return Err(Error::input(format!(
            "no sample registry in {}: expected partners.csv and agreements.csv",
            a.data.display()
        ))
        .with_hint("run the demo from the repository's folder, or give --data DIR"));
    }
    let tmp = std::env::temp_dir().join(format!("mou-demo-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)
        .map_err(|e| Error::registry(format!("cannot create {}: {e}", tmp.display())))?;
    let demo = Ctx {
        db: Location::File(tmp.join("registry.db")),
        db_named: true,
        ..ctx.clone()
    };
    let result = (|| {
        crate::note!(
            "loading the sample registry from {} into {}",
            dir.display(),
            demo.db
        );
        super::import::import_dir(&demo, &dir)?;
        let mut store = demo.open(Access::Read)?;
        let mut out = Sink::open(None)?;
        use std::io::Write;
        writeln!(out, "Agreements at {}\n", crate::dates::iso(demo.as_of))?;
        super::rows::write_rows(
            &mut *store,
            Entity::Agreements,
            &Filter::new(demo.as_of),
            &mut out,
            demo.format(),
            false,
            None,
        )?;
        writeln!(out)?;
        let current = crate::query::ContactFilter {
            former: false,
            ..crate::query::ContactFilter::all(demo.as_of)
        };
        writeln!(out, "Current contacts (made up; see data/README.md)\n")?;
        let target = super::rows::Target::Stream {
            out: &mut out,
            format: demo.format(),
            excel: false,
        };
        super::rows::write_contacts(&*store, &current, target, None)?;
        writeln!(out)?;
        writeln!(out, "Engagements (illustrative; see data/README.md)\n")?;
        super::rows::write_rows(
            &mut *store,
            Entity::Engagements,
            &Filter::new(demo.as_of),
            &mut out,
            demo.format(),
            false,
            None,
        )?;
        writeln!(out)?;
        out.commit()?;
        super::report::run(
            &demo,
            crate::cli::ReportArgs {
                which: None,
                filters: FilterArgs::default(),
                lang: None,
                output: None,
            },
        )
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}
