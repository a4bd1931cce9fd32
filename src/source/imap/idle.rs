//! An idle session in → the same session back when mail may have arrived (IDLE, where the
//! server offers it and the config wants it, else a timer), or when a stop was asked for.

use super::command;
use super::{Client, Conn, connect::StreamLimits};
use anyhow::{Result, anyhow};
use async_imap::extensions::idle::IdleResponse;
use std::time::Duration;

/// Most bytes a server may send during one IDLE (new-mail notices are a few bytes each).
const IDLE_MAX_BYTES: u64 = 16 << 20;
/// IDLE is re-issued before servers' 30-minute inactivity limit (RFC 2177 says 29).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);

/// Why `wait_for_mail` returned.
pub(crate) enum Woken {
    /// Time for a pass: mail arrived, IDLE was renewed, or the timer ran out.
    Mail(Conn),
    /// SIGTERM or SIGINT: the session is to be logged out.
    Stopping(Conn),
}

impl Client {
    /// Waits with IDLE (when offered and wanted) or a timer.
    pub(crate) async fn wait_for_mail(&self, mut conn: Conn) -> Result<Woken> {
        let mut shutdown = self.shutdown.clone();
        if !(self.cfg.idle && conn.idle) {
            let interval = Duration::from_secs(self.cfg.poll_interval_secs.max(1));
            tracing::debug!(secs = interval.as_secs(), "Sleeping until the next pass");
            return Ok(tokio::select! {
                _ = tokio::time::sleep(interval) => Woken::Mail(conn),
                _ = shutdown.wait_for(|s| s.is_some()) => Woken::Stopping(conn),
            });
        }
        // Silence is normal in IDLE; a flood is not, nor an IDLE that never ends.
        conn.session.as_mut().arm(StreamLimits {
            what: "IDLE",
            max_bytes: IDLE_MAX_BYTES,
            max_literal: 1 << 20,
            max_line: 1 << 20,
            deadline: IDLE_RENEW.saturating_add(self.timeout.saturating_mul(2)),
            silence: None,
        });
        let mut handle = conn.session.idle();
        tokio::time::timeout(self.timeout, handle.init())
            .await
            .map_err(|_| anyhow!("IDLE timed out"))?
            .map_err(|e| anyhow!("IDLE failed: {}", command::one_line(&e.to_string())))?;
        tracing::debug!(mailbox = %self.cfg.mailbox, "Waiting in IDLE");
        let outcome = {
            let (wait, _stop) = handle.wait_with_timeout(IDLE_RENEW);
            tokio::select! {
                r = wait => Some(r),
                // Renewed on time even when the server keeps talking (keepalives).
                _ = tokio::time::sleep(IDLE_RENEW) => Some(Ok(IdleResponse::Timeout)),
                _ = shutdown.wait_for(|s| s.is_some()) => None,
            }
        };
        conn.session = tokio::time::timeout(self.timeout, handle.done())
            .await
            .map_err(|_| anyhow!("ending IDLE timed out"))?
            .map_err(|e| anyhow!("ending IDLE failed: {}", command::one_line(&e.to_string())))?;
        match outcome {
            None => Ok(Woken::Stopping(conn)),
            Some(Ok(IdleResponse::NewData(_))) => {
                tracing::debug!("IDLE: the mailbox changed");
                Ok(Woken::Mail(conn))
            }
            Some(Ok(IdleResponse::Timeout)) => {
                tracing::debug!("IDLE: renewing");
                Ok(Woken::Mail(conn))
            }
            Some(Ok(IdleResponse::ManualInterrupt)) => Ok(Woken::Mail(conn)),
            Some(Err(e)) => Err(anyhow!(
                "IDLE failed: {}",
                command::one_line(&e.to_string())
            )),
        }
    }
}
