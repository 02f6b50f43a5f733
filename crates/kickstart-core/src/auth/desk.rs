//! The desk: who is signed in at this computer right now, and whether the screen is locked.
//!
//! It lives only in this process's memory — nothing the UI says can create or revive a session —
//! and every command asks it for the session first ([`Desk::require`]). Any such call counts as
//! activity; a session idle for longer than its profile's idle-lock time is locked on the next
//! look, whether by a command or by the shell's periodic [`Desk::lock_if_idle`].

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};

use super::{AuthError, Session};
use crate::clock::Clock;

#[derive(Debug, Clone)]
enum State {
    SignedOut,
    Active { session: Session, last_activity: DateTime<Utc>, idle_lock: Option<Duration> },
    Locked { session: Session, idle_lock: Option<Duration> },
}

/// What the desk holds, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskView {
    /// No one is signed in.
    SignedOut,
    /// Someone is signed in; `locked` says whether they must unlock first.
    SignedIn { session: Session, locked: bool },
}

/// The in-memory session slot of this process.
pub struct Desk {
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

/// Idle-lock minutes as a duration; 0 means never.
pub(crate) fn idle_duration(minutes: u32) -> Option<Duration> {
    (minutes > 0).then(|| Duration::minutes(i64::from(minutes)))
}

impl Desk {
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, state: Mutex::new(State::SignedOut) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves a consistent enum; keep going.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the given state in place when its idle time has run out.
    fn apply_idle_lock(state: &mut State, now: DateTime<Utc>) -> bool {
        if let State::Active { session, last_activity, idle_lock: Some(limit) } = state {
            if now - *last_activity >= *limit {
                tracing::info!(profile = %session.profile_id, "idle lock");
                *state = State::Locked { session: session.clone(), idle_lock: Some(*limit) };
                return true;
            }
        }
        false
    }

    /// The signed-in, unlocked session; records activity. Fails with
    /// [`AuthError::Unauthenticated`] or [`AuthError::Locked`].
    pub fn require(&self) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let mut state = self.state();
        Self::apply_idle_lock(&mut state, now);
        match &mut *state {
            State::SignedOut => Err(AuthError::Unauthenticated),
            State::Locked { .. } => Err(AuthError::Locked),
            State::Active { session, last_activity, .. } => {
                *last_activity = now;
                Ok(session.clone())
            }
        }
    }

    /// What the desk holds, after applying the idle lock; does not count as activity.
    pub fn view(&self) -> DeskView {
        let now = self.clock.now();
        let mut state = self.state();
        Self::apply_idle_lock(&mut state, now);
        match &*state {
            State::SignedOut => DeskView::SignedOut,
            State::Active { session, .. } => DeskView::SignedIn { session: session.clone(), locked: false },
            State::Locked { session, .. } => DeskView::SignedIn { session: session.clone(), locked: true },
        }
    }

    /// Locks the session if it has been idle too long. Returns true when this call locked it.
    pub fn lock_if_idle(&self) -> bool {
        let now = self.clock.now();
        Self::apply_idle_lock(&mut self.state(), now)
    }

    pub(crate) fn sign_in(&self, session: Session, idle_lock_minutes: u32) {
        *self.state() =
            State::Active { session, last_activity: self.clock.now(), idle_lock: idle_duration(idle_lock_minutes) };
    }

    pub(crate) fn sign_out(&self) {
        *self.state() = State::SignedOut;
    }

    pub(crate) fn lock(&self) -> Result<(), AuthError> {
        let mut state = self.state();
        match &*state {
            State::SignedOut => Err(AuthError::Unauthenticated),
            State::Locked { .. } => Ok(()),
            State::Active { session, idle_lock, .. } => {
                *state = State::Locked { session: session.clone(), idle_lock: *idle_lock };
                Ok(())
            }
        }
    }

    /// The session a password must unlock (an active one counts too: unlocking it is harmless).
    pub(crate) fn held_session(&self) -> Result<Session, AuthError> {
        match &*self.state() {
            State::SignedOut => Err(AuthError::Unauthenticated),
            State::Active { session, .. } | State::Locked { session, .. } => Ok(session.clone()),
        }
    }

    /// Unlocks the session of `profile`, if it is still the one on the desk.
    pub(crate) fn unlock(&self, profile: &Session) -> Result<(), AuthError> {
        let now = self.clock.now();
        let mut state = self.state();
        match &*state {
            State::Locked { session, idle_lock } | State::Active { session, idle_lock, .. } if session == profile => {
                *state = State::Active { session: session.clone(), last_activity: now, idle_lock: *idle_lock };
                Ok(())
            }
            _ => Err(AuthError::Unauthenticated),
        }
    }

    pub(crate) fn set_idle_lock(&self, minutes: u32) {
        match &mut *self.state() {
            State::Active { idle_lock, .. } | State::Locked { idle_lock, .. } => {
                *idle_lock = idle_duration(minutes);
            }
            State::SignedOut => {}
        }
    }
}
