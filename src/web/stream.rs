//! A download streamed as it is written: the store's rows go through export's writers on a
//! blocking thread into a bounded channel, and out to the browser chunk by chunk, so a list of
//! a million agreements never sits whole in memory. The writer first says whether its
//! request was good (a bad filter is a 400 page, not half a file).

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

/// Chunks waiting between the writer and the connection.
const DEPTH: usize = 4;

/// What the blocking side writes to: chunks into the channel.
pub struct ChunkWriter {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // The browser went away: stop writing.
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The response body reading the channel.
pub struct ChunkBody {
    rx: mpsc::Receiver<std::io::Result<Bytes>>,
}

impl http_body::Body for ChunkBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, std::io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|next| next.map(|r| r.map(Frame::data)))
    }
}

/// Runs `prepare` then `write` on a blocking thread: `prepare`'s error is returned here (for
/// an error page); once it succeeds the body streams what `write` writes. An error while
/// writing ends the body with an error (the browser sees a cut download, not a whole one).
pub async fn stream<P: Send + 'static>(
    prepare: impl FnOnce() -> Result<P> + Send + 'static,
    write: impl FnOnce(P, &mut ChunkWriter) -> Result<()> + Send + 'static,
) -> Result<ChunkBody> {
    let (tx, rx) = mpsc::channel(DEPTH);
    let (ready_tx, ready_rx) = oneshot::channel::<Result<()>>();
    tokio::task::spawn_blocking(move || {
        let prepared = match prepare() {
            Ok(p) => {
                let _ = ready_tx.send(Ok(()));
                p
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        let mut w = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let done = write(prepared, &mut w).and_then(|()| w.flush().map_err(Error::from));
        if let Err(e) = done {
            if e.kind != crate::error::Kind::BrokenPipe {
                let _ = tx.blocking_send(Err(std::io::Error::other(e.message)));
            }
        }
    });
    ready_rx
        .await
        .unwrap_or_else(|_| Err(Error::registry("the download's worker stopped")))?;
    Ok(ChunkBody { rx })
}
