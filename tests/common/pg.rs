//! A fresh database on the test server named by `MOU_TEST_PG` (its role may create
//! databases), dropped at the end; without `MOU_TEST_PG` the tests that need one pass without
//! running, and say so.

pub struct Database {
    admin: String,
    name: String,
    pub url: String,
}

impl Database {
    /// `prefix` and `tag` name the database (with the process id), so tests running at once
    /// do not meet.
    pub fn new(prefix: &str, tag: &str) -> Option<Database> {
        let Some(admin) = std::env::var("MOU_TEST_PG").ok().filter(|u| !u.is_empty()) else {
            eprintln!("MOU_TEST_PG is not set: skipping the PostgreSQL test {tag}");
            return None;
        };
        let name = format!("{prefix}_{tag}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let url = format!("{base}/{name}");
        Some(Database { admin, name, url })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
