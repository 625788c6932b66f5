//! Arguments of demo, backup, completions and man.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder holding partners.csv and agreements.csv
    #[arg(long, default_value = "data", value_name = "DIR")]
    pub data: PathBuf,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where the copy goes
    pub file: PathBuf,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: source its output, e.g. `source <(mou completions bash)`
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write mou.1 and one page per command (mou-add.1, mou-add-partner.1, ...) into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The address to listen on; anything but loopback needs --token
    #[arg(long, default_value = "127.0.0.1:8700", value_name = "ADDR:PORT")]
    pub bind: std::net::SocketAddr,
    /// Serve the forms that add and change records (without it no address accepts a write)
    #[arg(long)]
    pub allow_edit: bool,
    /// A secret every request must carry (Authorization: Bearer TOKEN, or ?token=TOKEN once,
    /// which sets a cookie); needed to listen on an address other than loopback
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The name history records for changes made with the token [default: --actor, $USER]
    #[arg(long, value_name = "NAME", requires = "token")]
    pub token_name: Option<String>,
}
