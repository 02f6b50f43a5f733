//! The body of a streamed reply: plays the steps of a script and notices when the client leaves.
//!
//! Written as a hand-made [`Stream`] rather than an `async` block so that its [`Drop`] knows
//! whether the script reached its end. Hyper drops the body as soon as it sees the connection
//! close, even while the body is waiting (in a [`Step::Delay`] or [`Step::Hang`]), so counting in
//! `drop` detects a client that went away without needing another write to fail.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::WaitForCancellationFutureOwned;

use super::{Shared, Step};

/// A [`Step`] ready to play: chunks as [`Bytes`], so a script can be shared (the cached default
/// answer) and played without copying or allocating per chunk.
pub(super) enum Play {
    Chunk(Bytes),
    Delay(Duration),
    Disconnect,
    Hang,
}

impl From<Step> for Play {
    fn from(step: Step) -> Self {
        match step {
            Step::Chunk(bytes) => Play::Chunk(Bytes::from(bytes)),
            Step::Delay(duration) => Play::Delay(duration),
            Step::Disconnect => Play::Disconnect,
            Step::Hang => Play::Hang,
        }
    }
}

/// Plays a script as HTTP body chunks.
pub(super) struct ScriptBody {
    script: Arc<[Play]>,
    next: usize,
    /// Reused for every [`Step::Delay`] (reset rather than allocated again).
    sleep: Option<Pin<Box<Sleep>>>,
    sleeping: bool,
    hanging: bool,
    /// Set when a [`Step::Disconnect`] was read and hyper was given one chance to flush.
    disconnecting: bool,
    /// The script ended on its own terms (its end, a `Disconnect`, or the server shutting down):
    /// dropping the body afterwards is not a client disconnect.
    finished: bool,
    /// Wakes a waiting body when the server shuts down (created only when the body first waits).
    shutdown: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    shared: Arc<Shared>,
}

impl ScriptBody {
    pub(super) fn new(shared: Arc<Shared>, script: Arc<[Play]>) -> Self {
        Self {
            script,
            next: 0,
            sleep: None,
            sleeping: false,
            hanging: false,
            disconnecting: false,
            finished: false,
            shutdown: None,
            shared,
        }
    }

    /// Returns `Pending` for a waiting body, but only after registering for the server's
    /// shutdown, so [`super::ScriptedLlm::shutdown`] never waits on a hanging stream.
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, std::io::Error>>> {
        let shutdown = self.shutdown.get_or_insert_with(|| Box::pin(self.shared.shutdown.clone().cancelled_owned()));
        if shutdown.as_mut().poll(cx).is_ready() {
            return self.stop_for_shutdown();
        }
        Poll::Pending
    }

    fn stop_for_shutdown(&mut self) -> Poll<Option<Result<Bytes, std::io::Error>>> {
        self.finished = true;
        Poll::Ready(Some(Err(std::io::Error::other("the scripted LLM server is shutting down"))))
    }
}

impl Stream for ScriptBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        if this.shared.shutdown.is_cancelled() {
            return this.stop_for_shutdown();
        }
        loop {
            if this.disconnecting {
                // An error from the body makes hyper drop the connection without the closing
                // zero-length chunk: the client sees an incomplete body, not a clean end.
                this.finished = true;
                return Poll::Ready(Some(Err(std::io::Error::other("scripted disconnect"))));
            }
            if this.hanging {
                return this.wait(cx);
            }
            if this.sleeping {
                if let Some(sleep) = this.sleep.as_mut() {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return this.wait(cx);
                    }
                }
                this.sleeping = false;
            }
            let step = this.script.get(this.next);
            this.next += 1;
            match step {
                None => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Some(Play::Chunk(bytes)) => return Poll::Ready(Some(Ok(bytes.clone()))),
                Some(&Play::Delay(duration)) => {
                    let deadline = Instant::now() + duration;
                    match this.sleep.as_mut() {
                        Some(sleep) => sleep.as_mut().reset(deadline),
                        None => this.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
                    }
                    this.sleeping = true;
                }
                Some(Play::Disconnect) => {
                    // Chunks already handed to hyper may still sit in its write buffer, and an
                    // error now would discard them. Returning Pending once (and asking to be
                    // polled again) lets hyper flush them first.
                    this.disconnecting = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Some(Play::Hang) => this.hanging = true,
            }
        }
    }
}

impl Drop for ScriptBody {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.disconnects.send_modify(|count| *count += 1);
        }
    }
}
